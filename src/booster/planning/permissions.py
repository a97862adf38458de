"""Who may change the group's agreements.

Everyone in the group (members and guides) proposes goals, adds wishes, acknowledges the
ground rules, marks theme preferences and edits the practical agreements, which the group
agrees together. Whoever facilitates records the goals, writes the ground rules and
records the theme plan. Nothing changes in a closed group.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from booster.groups.models import Group
from booster.groups.permissions import GroupAccess, require_open_group
from booster.meetings.permissions import can_record_decisions


def can_take_part(access: GroupAccess) -> bool:
    return access.group.state != Group.State.CLOSED


def can_record(access: GroupAccess) -> bool:
    return can_take_part(access) and can_record_decisions(access)


def require_take_part(access: GroupAccess) -> None:
    require_open_group(access)


def require_record(access: GroupAccess) -> None:
    require_open_group(access)
    if not can_record_decisions(access):
        raise PermissionDenied
