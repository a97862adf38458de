"""Who may open what: a notebook belongs to its owner alone.

Every notebook URL speaks of the requesting person's own notebook; an id that belongs to
someone else — whoever asks, a convener or guide included — is a 404, exactly like an id
that does not exist. Shared snapshots are for the active members and guides of the group.
"""

from __future__ import annotations

from django.http import Http404

from booster.groups.models import Membership
from booster.groups.permissions import GroupAccess, group_access
from booster.notebook.models import EntryKind, MapIdea, NotebookEntry, SharedSnapshot

__all__ = [
    "entry_for_owner",
    "group_access",
    "idea_for_author",
    "note_for_owner",
    "snapshot_for_owner",
    "snapshot_visible",
]


def entry_for_owner(access: GroupAccess, entry_id: int) -> NotebookEntry:
    entry = (
        NotebookEntry.objects.filter(pk=entry_id, membership=access.membership)
        .select_related("meeting")
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def note_for_owner(access: GroupAccess, entry_id: int) -> NotebookEntry:
    entry = entry_for_owner(access, entry_id)
    if entry.kind != EntryKind.FREE:
        raise Http404
    return entry


def snapshot_visible(access: GroupAccess, snapshot_id: int) -> SharedSnapshot:
    """An active snapshot of an active member of the viewer's group."""
    snapshot = (
        SharedSnapshot.objects.filter(
            pk=snapshot_id,
            membership__group_id=access.group.pk,
            membership__state=Membership.State.ACTIVE,
            withdrawn_at__isnull=True,
        )
        .select_related("membership")
        .first()
    )
    if snapshot is None:
        raise Http404
    return snapshot


def snapshot_for_owner(access: GroupAccess, snapshot_id: int) -> SharedSnapshot:
    snapshot = SharedSnapshot.objects.filter(
        pk=snapshot_id, membership=access.membership, withdrawn_at__isnull=True
    ).first()
    if snapshot is None:
        raise Http404
    return snapshot


def idea_for_author(access: GroupAccess, idea_id: int) -> MapIdea:
    idea = (
        MapIdea.objects.filter(
            pk=idea_id, author=access.membership, snapshot__withdrawn_at__isnull=True
        )
        .select_related("snapshot")
        .first()
    )
    if idea is None:
        raise Http404
    return idea
