"""The data lifecycle of a closed group: telling its members, reminding them, deleting.

Deletion runs in steps, each in its own transaction and each a plain "delete (or blank)
what is still there" for one kind of content: a worker that dies half-way leaves some
steps done and the rest undone, and the next sweep simply runs all of them again.
``Group.content_deleted_at`` is set only after the last step.

What stays is the group's metadata, so an organisation's dashboard still shows it: the
group row (name, state, dates), its memberships (who took part, with no reason for a
removal), meetings (numbers, themes, dates, state), meeting runs and attendance, the
anonymous feedback answers (their free-text line erased) and the audit log (which never
holds content).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from booster.board.models import BoardDigestSent, Post
from booster.core.email import email_send, site_url_in
from booster.core.models import audit_log
from booster.feedback.models import FeedbackResponse
from booster.groups.models import Concern, Group, Invite, Membership, WaitingListEntry
from booster.lifecycle.models import RetentionNotice
from booster.lifecycle.selectors import (
    deletion_at,
    reminder_at,
    retention_days,
)
from booster.meetings.models import Absence, DatePoll, FacilitatorSwap, ReminderSent
from booster.notebook.models import MapIdea, NotebookConsent, NotebookEntry, SharedSnapshot
from booster.planning.models import (
    AgreementsVersion,
    GoalProposal,
    GoalsRecord,
    GroundRulesVersion,
    RuleWish,
    ThemePlanVersion,
    ThemePreference,
)
from booster.room.models import RoomPresence

logger = logging.getLogger(__name__)


# --- telling the members ------------------------------------------------------------------


def _notify(*, group: Group, kind: str, template: str) -> int:
    """Send one notice to the group's active members and guides, once per deletion date.

    The notice row and the e-mails are written in one transaction: either both are kept or
    neither, and a second run finds the row and sends nothing."""
    due = deletion_at(group)
    if due is None or group.content_deleted_at is not None:
        return 0
    if RetentionNotice.objects.filter(group=group, kind=kind, deletion_on=due).exists():
        return 0
    recipients = list(
        Membership.objects.active().filter(group=group).select_related("user").order_by("id")
    )
    try:
        with transaction.atomic():
            RetentionNotice.objects.create(
                group=group, kind=kind, deletion_on=due, recipients=len(recipients)
            )
            for membership in recipients:
                user = membership.user
                email_send(
                    to=user.email,
                    template_prefix=f"lifecycle/email/{template}",
                    language=user.language,
                    time_zone=user.time_zone,
                    context={
                        "group": group,
                        "name": membership.display_name,
                        "deletion_at": due,
                        "retention_days": retention_days(group),
                        "group_url": site_url_in(
                            "groups:home", language=user.language, group_id=group.pk
                        ),
                        "records_url": site_url_in(
                            "lifecycle:records", language=user.language, group_id=group.pk
                        ),
                        "notebook_url": site_url_in(
                            "notebook:index", language=user.language, group_id=group.pk
                        ),
                    },
                )
    except IntegrityError:
        return 0  # another sweep sent it at the same moment
    return len(recipients)


def retention_notice_send(*, group: Group) -> int:
    """Tell the members of a closed group how long its content stays (once)."""
    return _notify(group=group, kind=RetentionNotice.Kind.CLOSED, template="group_closed")


def retention_reminder_send(*, group: Group) -> int:
    """Remind them a week before the deletion (once)."""
    return _notify(group=group, kind=RetentionNotice.Kind.REMINDER, template="deletion_reminder")


# --- deleting a closed group's content ----------------------------------------------------


def _delete_board(group: Group) -> None:
    BoardDigestSent.objects.filter(membership__group=group).delete()
    Post.objects.filter(group=group).delete()


def _delete_planning(group: Group) -> None:
    # Acknowledgements go with their ground-rules versions.
    for model in (
        GoalProposal,
        GoalsRecord,
        RuleWish,
        GroundRulesVersion,
        AgreementsVersion,
        ThemePreference,
        ThemePlanVersion,
    ):
        model.objects.filter(group=group).delete()


def _delete_notebooks(group: Group) -> None:
    MapIdea.objects.filter(snapshot__membership__group=group).delete()
    MapIdea.objects.filter(author__group=group).delete()
    SharedSnapshot.objects.filter(membership__group=group).delete()
    NotebookEntry.objects.filter(membership__group=group).delete()
    NotebookConsent.objects.filter(membership__group=group).delete()


def _delete_meeting_content(group: Group) -> None:
    # Polls (with their slots and answers), notes on absences, swaps, reminder markers
    # and room presence go; the meetings themselves, their runs and attendance stay.
    DatePoll.objects.filter(group=group).delete()
    Absence.objects.filter(meeting__group=group).delete()
    FacilitatorSwap.objects.filter(meeting__group=group).delete()
    ReminderSent.objects.filter(meeting__group=group).delete()
    RoomPresence.objects.filter(run__meeting__group=group).delete()


def _delete_group_content(group: Group) -> None:
    Concern.objects.filter(group=group).delete()
    WaitingListEntry.objects.filter(group=group).delete()
    Invite.objects.filter(group=group).delete()
    Membership.objects.filter(group=group).exclude(removal_reason="").update(removal_reason="")


def _erase_feedback_comments(group: Group) -> None:
    # The answers stay (anonymous, counted by the organisation); the free-text line was
    # for the group's conveners and guides only, and goes with the group's content.
    # The comment is encrypted, so the database cannot compare it: read each one.
    for response in FeedbackResponse.objects.filter(group=group).only("id", "comment"):
        if response.comment:
            response.comment = ""
            response.save(update_fields=["comment"])


def _delete_closing(group: Group) -> None:
    """Anything the closing app keeps of its own (the look back itself is made of shared
    snapshots, deleted with the notebooks)."""
    from django.apps import apps

    for model in apps.get_app_config("closing").get_models():
        names = {field.name for field in model._meta.get_fields()}
        if "group" in names:
            model._default_manager.filter(group=group).delete()
        elif "membership" in names:
            model._default_manager.filter(membership__group=group).delete()


# In order; each step runs in its own transaction.
DELETION_STEPS: tuple[tuple[str, Callable[[Group], None]], ...] = (
    ("notebooks", _delete_notebooks),
    ("closing", _delete_closing),
    ("board", _delete_board),
    ("planning", _delete_planning),
    ("meetings", _delete_meeting_content),
    ("group", _delete_group_content),
    ("feedback", _erase_feedback_comments),
)


def group_content_delete(*, group: Group, now: datetime | None = None) -> bool:
    """Delete a closed group's content and notebooks when its retention period is over.

    Returns True when the content is (now or already) deleted. Safe to run again at any
    point: each step deletes only what is still there."""
    now = now or timezone.now()
    group = Group.objects.select_related("organisation").get(pk=group.pk)
    due = deletion_at(group)
    if due is None or due > now:
        return False
    if group.content_deleted_at is not None:
        return True
    for name, step in DELETION_STEPS:
        with transaction.atomic():
            step(group)
        logger.info("Group %s: deletion step %s done.", group.pk, name)
    with transaction.atomic():
        Group.objects.filter(pk=group.pk, content_deleted_at__isnull=True).update(
            content_deleted_at=now
        )
        audit_log(
            actor=None,
            action="lifecycle.content_deleted",
            group_id=group.pk,
            retention_days=retention_days(group),
        )
    return True


# --- the sweep ------------------------------------------------------------------------------


def retention_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Everything due for closed groups: notices, reminders, deletions. Idempotent."""
    now = now or timezone.now()
    counts = {"notices": 0, "reminders": 0, "deleted": 0}
    groups = (
        Group.objects.filter(state=Group.State.CLOSED, content_deleted_at__isnull=True)
        .exclude(closed_at__isnull=True)
        .select_related("organisation")
        .order_by("closed_at", "id")
    )
    for group in groups:
        due = deletion_at(group)
        remind = reminder_at(group)
        if due is None or remind is None:
            continue
        if due <= now:
            counts["deleted"] += int(group_content_delete(group=group, now=now))
            continue
        counts["notices"] += retention_notice_send(group=group)
        if remind <= now:
            counts["reminders"] += retention_reminder_send(group=group)
    return counts
