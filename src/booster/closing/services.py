"""Writes of the closing meeting's outcomes: sharing evaluation answers with the group,
signed or unsigned, one answer at a time, and withdrawing them.

Each shared answer is a frozen ``SharedSnapshot`` of the member's evaluation page holding
that one answer, so the notebook's own machinery (its list of what I share, erasing a
notebook, withdrawing) keeps working. Nothing here goes to the audit log: like the rest of
the notebook, what a member shares is not an event for anyone to track.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from booster.closing.selectors import EVALUATION_WORKSHEET
from booster.groups.models import Group
from booster.groups.permissions import GroupAccess
from booster.notebook import services as notebook_services
from booster.notebook.models import EntryKind, NotebookConsent, NotebookEntry, SharedSnapshot

NOT_SHARED = ""
SIGNED = "signed"
UNSIGNED = "unsigned"
CHOICES = (NOT_SHARED, SIGNED, UNSIGNED)


def answers_of(entry: NotebookEntry) -> list[str]:
    content = entry.content if isinstance(entry.content, dict) else {}
    answers = content.get("answers") or []
    return [str(answer).strip() if isinstance(answer, str) else "" for answer in answers]


@transaction.atomic
def evaluation_share(
    *, access: GroupAccess, entry: NotebookEntry, choices: Mapping[int, str]
) -> int:
    """Share the chosen answers of the member's evaluation page as they are saved now;
    ``choices`` maps an answer's index to "signed", "unsigned" or "" (not shared). What was
    shared before from this page is replaced. Returns how many answers are now shared."""
    consent = NotebookConsent.objects.filter(membership=access.membership).first()
    if consent is None or not consent.is_current:
        raise PermissionDenied
    if entry.membership_id != access.membership.pk or entry.worksheet_kind != EVALUATION_WORKSHEET:
        raise PermissionDenied
    if access.group.state == Group.State.CLOSED:
        raise ValidationError(_("This group is closed: nothing new can be shared in it."))
    for value in choices.values():
        if value not in CHOICES:
            raise ValidationError(_("Choose for each answer whether and how to share it."))
    answers = answers_of(entry)
    now = timezone.now()
    earlier = SharedSnapshot.objects.filter(entry=entry, withdrawn_at__isnull=True)
    earlier.update(withdrawn_at=now, content={})
    shared = 0
    for index, text in enumerate(answers):
        choice = choices.get(index, NOT_SHARED)
        if choice == NOT_SHARED or not text:
            continue
        only_this = ["" for _answer in answers]
        only_this[index] = text
        SharedSnapshot.objects.create(
            membership=access.membership,
            entry=entry,
            entry_kind=EntryKind.TASK,
            theme_key=entry.theme_key,
            task_key=entry.task_key,
            worksheet_kind=entry.worksheet_kind,
            content={"answers": only_this, "notes": ""},
            shared_at=now,
            signed=choice == SIGNED,
        )
        shared += 1
    return shared


def evaluation_snapshot_of_owner(*, access: GroupAccess, snapshot_id: object) -> SharedSnapshot:
    """The member's own active shared evaluation answer; 404 for anything else."""
    try:
        pk = int(str(snapshot_id))
    except ValueError:
        raise Http404 from None
    snapshot = SharedSnapshot.objects.filter(
        pk=pk,
        membership=access.membership,
        worksheet_kind=EVALUATION_WORKSHEET,
        withdrawn_at__isnull=True,
    ).first()
    if snapshot is None:
        raise Http404
    return snapshot


def evaluation_withdraw(*, access: GroupAccess, snapshot: SharedSnapshot) -> None:
    """Stop sharing one answer (also in a closed group: what is mine stays withdrawable)."""
    notebook_services.snapshot_withdraw(access=access, snapshot=snapshot)
