"""Who may do what in a group. Views, services and consumers all ask here.

Outsiders get a 404, never a 403, so that a group's existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from booster.accounts.models import User
from booster.groups.models import Group, Membership


@dataclass(frozen=True)
class GroupAccess:
    """A person's active place in a group, loaded once per request."""

    group: Group
    membership: Membership

    @property
    def user(self) -> User:
        return self.membership.user

    @property
    def is_member(self) -> bool:
        return self.membership.role == Membership.Role.MEMBER

    @property
    def is_guide(self) -> bool:
        return self.membership.is_guide

    @property
    def is_convener(self) -> bool:
        return self.membership.is_convener

    @property
    def is_steward(self) -> bool:
        """Conveners and guides: they look after the group."""
        return self.membership.is_steward


def group_access(*, user: object, group_id: int) -> GroupAccess:
    """The user's active membership of the group, or Http404 for everyone else."""
    if not isinstance(user, User) or not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("group", "user")
        .filter(group_id=group_id, user=user, state=Membership.State.ACTIVE)
        .first()
    )
    if membership is None:
        raise Http404
    return GroupAccess(group=membership.group, membership=membership)


def require_steward(access: GroupAccess) -> None:
    """Only conveners and guides may go on."""
    if not access.is_steward:
        raise PermissionDenied


def require_open_group(access: GroupAccess) -> None:
    """Nothing may change in a closed group."""
    if access.group.state == Group.State.CLOSED:
        raise PermissionDenied
