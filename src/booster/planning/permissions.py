"""Who may change the group's agreements.

Everyone in the group (members and guides) proposes goals, adds wishes, acknowledges the
ground rules and edits the practical agreements, which the group agrees together. Only
members mark the optional themes they prefer: guides are not members. Whoever facilitates
records the goals, writes the ground rules and records the theme plan. Nothing changes in a
closed group.
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


def can_mark_preferences(access: GroupAccess) -> bool:
    return can_take_part(access) and not access.is_guide


def require_mark_preferences(access: GroupAccess) -> None:
    require_open_group(access)
    if access.is_guide:
        raise PermissionDenied


def require_record(access: GroupAccess) -> None:
    require_open_group(access)
    if not can_record_decisions(access):
        raise PermissionDenied
