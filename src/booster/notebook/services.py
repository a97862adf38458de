"""Writes to the notebook: consent, saving entries without silent overwrites, free notes,
sharing and withdrawing snapshots, ideas on network maps, erasing a notebook.

Nothing here goes to the audit log: what a member does in their private notebook is
theirs alone, and even the fact of it is not the group's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booster.groups.models import Group, Membership
from booster.groups.permissions import GroupAccess
from booster.notebook.models import (
    CONSENT_TEXT_VERSION,
    IDEA_MAX_LENGTH,
    EntryKind,
    MapIdea,
    NotebookConsent,
    NotebookEntry,
    SharedSnapshot,
)
from booster.notebook.worksheets import Slot, sheet_for


class EntryConflict(Exception):
    """The entry was saved elsewhere (another device) since the version the save named."""

    def __init__(self, newer: NotebookEntry) -> None:
        super().__init__("the entry changed since it was loaded")
        self.newer = newer


@dataclass(frozen=True)
class SaveResult:
    entry: NotebookEntry
    created: bool


# --- consent ------------------------------------------------------------------------------


@transaction.atomic
def consent_give(*, access: GroupAccess) -> NotebookConsent:
    consent, _created = NotebookConsent.objects.update_or_create(
        membership=access.membership,
        defaults={"given_at": timezone.now(), "text_version": CONSENT_TEXT_VERSION},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, access: GroupAccess) -> int:
    """Withdraw the agreement: the whole notebook goes — every entry, every shared snapshot
    (with the ideas left on it) and the consent itself. Returns how many entries went."""
    return notebook_erase(membership=access.membership)


@transaction.atomic
def notebook_erase(*, membership: Membership) -> int:
    """Delete everything a member keeps in their notebook in one group. For withdrawing
    consent, and for the groups app to call when someone leaves or is removed."""
    SharedSnapshot.objects.filter(membership=membership).delete()
    count, _by_model = NotebookEntry.objects.filter(membership=membership).delete()
    NotebookConsent.objects.filter(membership=membership).delete()
    return count


def ideas_given_erase(*, membership: Membership) -> int:
    """Delete the ideas a person left on others' shared maps (when they leave the group)."""
    count, _by_model = MapIdea.objects.filter(author=membership).delete()
    return count


def _require_consent(access: GroupAccess) -> None:
    consent = NotebookConsent.objects.filter(membership=access.membership).first()
    if consent is None or not consent.is_current:
        raise PermissionDenied


# --- saving entries -----------------------------------------------------------------------


def entry_save(
    *,
    access: GroupAccess,
    slot: Slot,
    entry: NotebookEntry | None,
    content: dict[str, Any],
    version: int,
    consent_checked: bool = False,
) -> SaveResult:
    """Save a page. ``version`` is the version the editor loaded (0 for a page never
    saved); when the stored page is newer, nothing is written and EntryConflict carries
    the newer page, so two devices never silently overwrite each other.
    ``consent_checked``: the caller has just checked the member's consent in this request
    (the editor's views do, before anything else), so it is not read again."""
    if not consent_checked:
        _require_consent(access)
    sheet = sheet_for(slot)
    now = timezone.now()
    if entry is None:
        if version != 0:
            newer = _find_existing(access, slot)
            if newer is not None:
                raise EntryConflict(newer)
        new = NotebookEntry(
            membership=access.membership,
            kind=slot.kind,
            theme_key=slot.theme_key if slot.kind == EntryKind.TASK else "",
            task_key=slot.task_key,
            meeting=slot.meeting if slot.kind == EntryKind.TAKEAWAY else None,
            worksheet_kind=slot.worksheet_kind,
            content=content,
            version=1,
            created_at=now,
            updated_at=now,
        )
        # The database enforces one page per task or meeting; a clash is a conflict below.
        new.full_clean(exclude=["content"], validate_constraints=False)
        try:
            with transaction.atomic():
                new.save()
        except IntegrityError:
            # The same page was first saved on another device a moment ago.
            existing = _find_existing(access, slot)
            if existing is None:
                raise
            raise EntryConflict(existing) from None
        return SaveResult(entry=new, created=True)
    if version != entry.version:
        entry.refresh_from_db()
        raise EntryConflict(entry)
    # A conditional update: on SQLite as on PostgreSQL only one of two racing saves wins.
    updated = NotebookEntry.objects.filter(pk=entry.pk, version=version).update(
        content=content, version=version + 1, updated_at=now
    )
    if not updated:
        entry.refresh_from_db()
        raise EntryConflict(entry)
    entry.content = sheet.normalise(content, slot)
    entry.version = version + 1
    entry.updated_at = now
    return SaveResult(entry=entry, created=False)


def _find_existing(access: GroupAccess, slot: Slot) -> NotebookEntry | None:
    entries = NotebookEntry.objects.filter(membership=access.membership, kind=slot.kind)
    if slot.kind == EntryKind.TASK:
        return entries.filter(theme_key=slot.theme_key, task_key=slot.task_key).first()
    if slot.kind == EntryKind.TAKEAWAY:
        return entries.filter(meeting=slot.meeting).first()
    return None


@transaction.atomic
def note_create(*, access: GroupAccess, title: str = "") -> NotebookEntry:
    _require_consent(access)
    title = title.strip()
    if len(title) > 120:
        raise ValidationError(_("A title can have at most 120 characters."))
    now = timezone.now()
    entry = NotebookEntry(
        membership=access.membership,
        kind=EntryKind.FREE,
        content={"title": title, "text": ""},
        created_at=now,
        updated_at=now,
    )
    entry.full_clean(exclude=["content"])
    entry.save()
    return entry


@transaction.atomic
def note_delete(*, access: GroupAccess, entry: NotebookEntry) -> None:
    if entry.membership_id != access.membership.pk or entry.kind != EntryKind.FREE:
        raise PermissionDenied
    entry.delete()


# --- sharing ------------------------------------------------------------------------------


def _require_open(group: Group) -> None:
    if group.state == Group.State.CLOSED:
        raise ValidationError(_("This group is closed: nothing new can be shared in it."))


@transaction.atomic
def snapshot_create(
    *, access: GroupAccess, entry: NotebookEntry, slot: Slot, signed: bool = True
) -> SharedSnapshot:
    """Share a frozen copy of the page as it is saved now, with the member's name (signed)
    or without it. An earlier snapshot of the same page is withdrawn, so the group sees one
    version of it."""
    _require_consent(access)
    if entry.membership_id != access.membership.pk:
        raise PermissionDenied
    _require_open(access.group)
    sheet = sheet_for(slot)
    content = sheet.shareable(sheet.normalise(entry.content, slot))
    if sheet.is_empty(content):
        raise ValidationError(
            _("There is nothing to share on this page yet.")
            if slot.worksheet_kind != "competence"
            else _("Mark the items you want to share first, then share the page.")
        )
    now = timezone.now()
    earlier = list(
        SharedSnapshot.objects.filter(entry=entry, withdrawn_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    snapshot = SharedSnapshot(
        membership=access.membership,
        entry=entry,
        entry_kind=entry.kind,
        theme_key=entry.theme_key,
        task_key=entry.task_key,
        meeting=entry.meeting,
        worksheet_kind=entry.worksheet_kind,
        content=content,
        shared_at=now,
        signed=signed,
    )
    snapshot.save()
    if earlier:
        # The ideas the group left stay with the presenter's newest version of the page.
        MapIdea.objects.filter(snapshot_id__in=earlier).update(snapshot=snapshot)
        SharedSnapshot.objects.filter(pk__in=earlier).update(withdrawn_at=now, content={})
    return snapshot


@transaction.atomic
def snapshot_withdraw(*, access: GroupAccess, snapshot: SharedSnapshot) -> None:
    """Stop sharing: the group no longer sees the snapshot; its copy of the page and the
    ideas left on it are deleted."""
    if snapshot.membership_id != access.membership.pk:
        raise PermissionDenied
    # The frozen copy is not kept once withdrawn: only the fact that there was one.
    SharedSnapshot.objects.filter(pk=snapshot.pk).update(withdrawn_at=timezone.now(), content={})
    MapIdea.objects.filter(snapshot=snapshot).delete()


@transaction.atomic
def idea_add(*, access: GroupAccess, snapshot: SharedSnapshot, text: str) -> MapIdea:
    """Leave the presenter of a shared network map an idea, a symbol or an emoji."""
    _require_open(access.group)
    if snapshot.worksheet_kind != "network_map" or not snapshot.is_active:
        raise PermissionDenied
    if snapshot.membership_id == access.membership.pk:
        raise ValidationError(_("Ideas are for the others' maps; your own notes go on your page."))
    text = " ".join(text.split())
    if not text:
        raise ValidationError(_("Write an idea, a symbol or an emoji."))
    if len(text) > IDEA_MAX_LENGTH:
        raise ValidationError(
            _("An idea can have at most %(max)s characters; this has %(count)s.")
            % {"max": IDEA_MAX_LENGTH, "count": len(text)}
        )
    idea = MapIdea(snapshot=snapshot, author=access.membership, text=text)
    idea.save()
    return idea


@transaction.atomic
def idea_delete(*, access: GroupAccess, idea: MapIdea) -> None:
    if idea.author_id != access.membership.pk:
        raise PermissionDenied
    idea.delete()
