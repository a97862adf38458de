"""Small helpers shared by the board tests."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from booster.accounts.models import User
from booster.groups.models import Group, Membership


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def remove_member(membership: Membership) -> Membership:
    """What removing a member does to the row: no seat, not active (the groups app owns the
    real service; the board only needs the state)."""
    membership.state = Membership.State.REMOVED
    membership.seat = None
    membership.guide_seat = None
    membership.ended_at = timezone.now()
    membership.save(update_fields=["state", "seat", "guide_seat", "ended_at"])
    return membership


def close_group(group: Group) -> Group:
    group.state = Group.State.CLOSED
    group.save(update_fields=["state"])
    return group
