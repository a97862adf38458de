"""Reads of groups and memberships, always for one requesting person."""

from __future__ import annotations

from booster.accounts.models import User
from booster.groups.models import Membership


def memberships_of_user(*, user: User) -> list[Membership]:
    """The person's active places in groups, newest group first."""
    return list(
        Membership.objects.active()
        .filter(user=user)
        .select_related("group")
        .order_by("-group__created_at", "-group_id")
    )
