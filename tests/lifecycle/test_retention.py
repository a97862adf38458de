"""Retention of a closed group's content (time-machine): the notice at closing, the
reminder a week before, and the deletion on its day — not a day early, everything on the
day, other groups untouched, and a crash half-way finished by the next run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import models

from booster.board.models import BoardDigestSent, Post
from booster.feedback.models import FeedbackReceipt, FeedbackResponse
from booster.groups.models import Concern, Group, Invite, Membership, WaitingListEntry
from booster.lifecycle import services
from booster.lifecycle.models import RetentionNotice
from booster.lifecycle.selectors import deletion_at, retention_days
from booster.meetings.models import (
    Absence,
    DateAnswer,
    DatePoll,
    DateSlot,
    FacilitatorSwap,
    Meeting,
    ReminderSent,
)
from booster.notebook.models import MapIdea, NotebookConsent, NotebookEntry, SharedSnapshot
from booster.organisations.models import DEFAULT_RETENTION_DAYS
from booster.planning.models import (
    AgreementsVersion,
    GoalProposal,
    GoalsRecord,
    GroundRulesVersion,
    RulesAcknowledgement,
    RuleWish,
    ThemePlanVersion,
    ThemePreference,
)
from booster.room.models import Attendance, MeetingRun
from tests.lifecycle.conftest import FEEDBACK_COMMENT, Filled, days

pytestmark = pytest.mark.django_db

Scope = Callable[[Group], models.QuerySet[Any]]

# Everything that is the group's content, and how to find it for one group.
CONTENT: dict[str, Scope] = {
    "board posts": lambda g: Post.objects.filter(group=g),
    "digest markers": lambda g: BoardDigestSent.objects.filter(membership__group=g),
    "goal proposals": lambda g: GoalProposal.objects.filter(group=g),
    "goals": lambda g: GoalsRecord.objects.filter(group=g),
    "rule wishes": lambda g: RuleWish.objects.filter(group=g),
    "ground rules": lambda g: GroundRulesVersion.objects.filter(group=g),
    "acknowledgements": lambda g: RulesAcknowledgement.objects.filter(version__group=g),
    "agreements": lambda g: AgreementsVersion.objects.filter(group=g),
    "theme marks": lambda g: ThemePreference.objects.filter(group=g),
    "theme plans": lambda g: ThemePlanVersion.objects.filter(group=g),
    "notebook consents": lambda g: NotebookConsent.objects.filter(membership__group=g),
    "notebook entries": lambda g: NotebookEntry.objects.filter(membership__group=g),
    "shared snapshots": lambda g: SharedSnapshot.objects.filter(membership__group=g),
    "map ideas": lambda g: MapIdea.objects.filter(author__group=g),
    "date polls": lambda g: DatePoll.objects.filter(group=g),
    "date slots": lambda g: DateSlot.objects.filter(poll__group=g),
    "date answers": lambda g: DateAnswer.objects.filter(membership__group=g),
    "absences": lambda g: Absence.objects.filter(meeting__group=g),
    "swaps": lambda g: FacilitatorSwap.objects.filter(meeting__group=g),
    "reminder markers": lambda g: ReminderSent.objects.filter(meeting__group=g),
    "concerns": lambda g: Concern.objects.filter(group=g),
    "waiting list": lambda g: WaitingListEntry.objects.filter(group=g),
    "invitations": lambda g: Invite.objects.filter(group=g),
    "removal reasons": lambda g: Membership.objects.filter(group=g).exclude(removal_reason=""),
}
# The group's metadata, which the organisation's dashboard keeps showing.
METADATA: dict[str, Scope] = {
    "group": lambda g: Group.objects.filter(pk=g.pk),
    "memberships": lambda g: Membership.objects.filter(group=g),
    "meetings": lambda g: Meeting.objects.filter(group=g),
    "meeting runs": lambda g: MeetingRun.objects.filter(meeting__group=g),
    "attendance": lambda g: Attendance.objects.filter(run__meeting__group=g),
    "feedback answers": lambda g: FeedbackResponse.objects.filter(group=g),
    "feedback receipts": lambda g: FeedbackReceipt.objects.filter(group=g),
}


def counts(group: Group, scopes: dict[str, Scope]) -> dict[str, int]:
    return {name: scope(group).count() for name, scope in scopes.items()}


def every_row(group: Group) -> dict[str, set[Any]]:
    """Primary keys of every content and metadata row of a group."""
    return {
        name: set(scope(group).values_list("pk", flat=True))
        for name, scope in {**CONTENT, **METADATA}.items()
    }


def test_the_filled_group_has_every_kind_of_content(closed: Filled) -> None:
    # The world must hold some of everything, or the deletion tests prove nothing.
    empty = [name for name, count in counts(closed.group, CONTENT).items() if not count]
    assert empty == []
    assert all(counts(closed.group, METADATA).values())


def test_the_deletion_day_follows_the_organisation_or_ninety_days(closed: Filled) -> None:
    group = closed.group
    assert group.closed_at is not None
    assert group.organisation is not None
    group.organisation.retention_days = 30
    group.organisation.save()
    group.refresh_from_db()
    assert retention_days(group) == 30
    assert deletion_at(group) == group.closed_at + days(30)
    group.organisation = None
    assert retention_days(group) == DEFAULT_RETENTION_DAYS == 90
    assert deletion_at(group) == group.closed_at + days(90)


def test_an_open_group_has_no_deletion_day(filled: Filled) -> None:
    assert deletion_at(filled.group) is None
    assert services.retention_sweep() == {"notices": 0, "reminders": 0, "deleted": 0}


def _due(closed: Filled) -> datetime:
    due = deletion_at(closed.group)
    assert due is not None
    return due


def test_members_are_told_once_when_the_group_closes(closed: Filled) -> None:
    mail.outbox.clear()
    assert services.retention_sweep()["notices"] == 4
    recipients = sorted(address for message in mail.outbox for address in message.to)
    active = Membership.objects.active().filter(group=closed.group)
    assert recipients == sorted(m.user.email for m in active)
    body = mail.outbox[0].body
    assert "/records/" in body and "/notebook/" in body
    assert "90 days" in body
    mail.outbox.clear()
    assert services.retention_sweep()["notices"] == 0
    assert mail.outbox == []
    assert RetentionNotice.objects.filter(group=closed.group, kind="closed").count() == 1


def test_the_reminder_goes_a_week_before_and_only_once(closed: Filled) -> None:
    due = _due(closed)
    services.retention_sweep()
    mail.outbox.clear()
    with time_machine.travel(due - days(8), tick=False):
        assert services.retention_sweep()["reminders"] == 0
    assert mail.outbox == []
    with time_machine.travel(due - days(7), tick=False):
        assert services.retention_sweep()["reminders"] == 4
        assert len(mail.outbox) == 4
        assert "In a week" in mail.outbox[0].body
        mail.outbox.clear()
        # The worker's next hourly run, a cron run: nothing twice.
        assert services.retention_sweep()["reminders"] == 0
        call_command("retention_sweep", stdout=None)
    assert mail.outbox == []


def test_nothing_is_deleted_a_day_early(closed: Filled) -> None:
    due = _due(closed)
    before = every_row(closed.group)
    with time_machine.travel(due - days(1), tick=False):
        assert services.retention_sweep()["deleted"] == 0
        assert not services.group_content_delete(group=closed.group)
    assert every_row(closed.group) == before
    closed.group.refresh_from_db()
    assert closed.group.content_deleted_at is None


def test_everything_goes_on_the_day_and_the_metadata_stays(closed: Filled) -> None:
    group = closed.group
    other = closed.world.other_group
    due = _due(closed)
    metadata_before = every_row(group)
    other_before = every_row(other)
    with time_machine.travel(due, tick=False):
        assert services.retention_sweep()["deleted"] == 1
    assert counts(group, CONTENT) == dict.fromkeys(CONTENT, 0)
    after = every_row(group)
    for name in METADATA:
        assert after[name] == metadata_before[name], name
    group.refresh_from_db()
    assert group.content_deleted_at == due
    assert group.name == "Lantern group" and group.state == Group.State.CLOSED
    # Another group's notebooks and board are untouched.
    assert every_row(other) == other_before
    assert NotebookEntry.objects.filter(membership__group=other).exists()
    # The anonymous answers stay; their free-text line for the conveners goes.
    answers = list(FeedbackResponse.objects.filter(group=group))
    assert answers and all(answer.comment == "" for answer in answers)
    assert 4 in {answer.information for answer in answers}


def test_a_crash_half_way_is_finished_by_the_next_run(
    closed: Filled, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = closed.group
    due = _due(closed)
    steps = list(services.DELETION_STEPS)
    crash_at = [name for name, _step in steps].index("planning")

    def crash(group: Group) -> None:
        raise RuntimeError("the worker died")

    broken = [*steps[:crash_at], ("planning", crash), *steps[crash_at + 1 :]]
    monkeypatch.setattr(services, "DELETION_STEPS", tuple(broken))
    with time_machine.travel(due + days(1), tick=False), pytest.raises(RuntimeError):
        services.retention_sweep()
    group.refresh_from_db()
    assert group.content_deleted_at is None
    left = counts(group, CONTENT)
    # The steps before the crash are done and kept; the rest still waits.
    assert left["notebook entries"] == 0 and left["board posts"] == 0
    assert left["goals"] > 0 and left["concerns"] > 0
    monkeypatch.setattr(services, "DELETION_STEPS", tuple(steps))
    with time_machine.travel(due + days(1), tick=False):
        assert services.retention_sweep()["deleted"] == 1
        # Once done, a further run finds nothing to do.
        assert services.retention_sweep() == {"notices": 0, "reminders": 0, "deleted": 0}
        assert services.group_content_delete(group=group)
    assert counts(group, CONTENT) == dict.fromkeys(CONTENT, 0)
    group.refresh_from_db()
    assert group.content_deleted_at is not None


def test_the_comment_is_erased_only_for_the_deleted_group(closed: Filled) -> None:
    other = FeedbackResponse.objects.create(
        group=closed.world.other_group, answered_on=closed.group.closed_at.date(), comment="keep"
    )
    with time_machine.travel(_due(closed), tick=False):
        services.retention_sweep()
    other.refresh_from_db()
    assert other.comment == "keep"
    assert FEEDBACK_COMMENT not in {answer.comment for answer in FeedbackResponse.objects.all()}


def test_the_sweep_task_runs_the_sweep(closed: Filled) -> None:
    from booster.lifecycle.tasks import retention_sweep_run, retention_sweep_schedule

    mail.outbox.clear()
    result = retention_sweep_run.enqueue()
    assert result.return_value == {"notices": 4, "reminders": 0, "deleted": 0}
    # The immediate backend of the tests cannot wait: nothing is scheduled.
    assert retention_sweep_schedule() is None
