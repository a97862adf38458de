"""Reads of groups and memberships, always for one requesting person."""

from __future__ import annotations

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from booster.accounts.models import User
from booster.groups.models import Concern, Group, Invite, Membership, WaitingListEntry
from booster.groups.permissions import GroupAccess
from booster.meetings.models import Meeting


def memberships_of_user(*, user: User) -> list[Membership]:
    """The person's active places in groups, newest group first, each annotated with
    ``next_meeting_at`` (the start of the group's next dated meeting, or None)."""
    next_meeting = (
        Meeting.objects.filter(
            group_id=OuterRef("group_id"),
            state=Meeting.State.PLANNED,
            starts_at__gte=timezone.now(),
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return list(
        Membership.objects.active()
        .filter(user=user)
        .select_related("group")
        .annotate(next_meeting_at=Subquery(next_meeting))
        .order_by("-group__created_at", "-group_id")
    )


def waiting_entries_of_user(*, user: User) -> list[WaitingListEntry]:
    """The full groups the person waits for (or has been offered a place in)."""
    return list(
        WaitingListEntry.objects.filter(
            user=user,
            state__in=[WaitingListEntry.State.WAITING, WaitingListEntry.State.OFFERED],
        )
        .select_related("group")
        .order_by("created_at", "id")
    )


def waiting_entry_of_user(*, user: User, entry_id: int) -> WaitingListEntry | None:
    return (
        WaitingListEntry.objects.select_related("group", "group__pack_version", "user")
        .filter(pk=entry_id, user=user)
        .first()
    )


def group_members(*, group: Group) -> list[Membership]:
    """Everyone active in the group: members by seat order of joining, then guides."""
    return list(
        Membership.objects.active()
        .filter(group=group)
        .order_by("role", "joined_at", "id")
        .only(
            "id",
            "group_id",
            "user_id",
            "role",
            "is_convener",
            "display_name",
            "seat",
            "guide_seat",
            "state",
            "joined_at",
        )
    )


def group_membership(*, access: GroupAccess, membership_id: int) -> Membership | None:
    """An active place in the requesting person's group."""
    return (
        Membership.objects.active()
        .select_related("user")
        .filter(group=access.group, pk=membership_id)
        .first()
    )


def group_waiting_list(*, group: Group) -> list[WaitingListEntry]:
    return list(
        WaitingListEntry.objects.filter(
            group=group,
            state__in=[WaitingListEntry.State.WAITING, WaitingListEntry.State.OFFERED],
        ).order_by("created_at", "id")
    )


def invites_active(*, group: Group) -> list[Invite]:
    """Invitations that can still be used: not revoked, not expired, not used up."""
    return list(
        Invite.objects.filter(group=group, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
        .order_by("-created_at", "-id")
    )


def invite_of_group(*, group: Group, invite_id: int) -> Invite | None:
    return Invite.objects.filter(group=group, pk=invite_id).first()


def invite_by_token(*, token: str) -> Invite | None:
    return Invite.objects.select_related("group", "group__pack_version").filter(token=token).first()


def membership_of_user_in(*, user: User, group: Group) -> Membership | None:
    return Membership.objects.active().filter(group=group, user=user).first()


def concerns_visible(*, access: GroupAccess) -> QuerySet[Concern]:
    """Stewards read every concern of the group; anyone else only their own."""
    concerns = Concern.objects.filter(group=access.group).select_related(
        "author", "acknowledged_by"
    )
    if not access.is_steward:
        concerns = concerns.filter(author=access.membership)
    return concerns.order_by("-created_at", "-id")


def concern_for_steward(*, access: GroupAccess, concern_id: int) -> Concern | None:
    if not access.is_steward:
        return None
    return Concern.objects.filter(group=access.group, pk=concern_id).first()


def opening_meeting(*, group: Group) -> Meeting | None:
    """The group's first meeting (the opening), when it exists."""
    return Meeting.objects.filter(group=group, number=1).exclude(state="cancelled").first()
