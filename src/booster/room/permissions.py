"""Who drives a meeting and who may take the wheel.

The driver is the run's facilitator. The meeting's assigned facilitator, a convener or a
guide can always take over (for instance when the driver's connection drops); when the
meeting has no assigned facilitator and nobody drives, any member may start leading.
"""

from __future__ import annotations

from booster.groups.permissions import GroupAccess
from booster.room.models import MeetingRun


def can_drive(access: GroupAccess, run: MeetingRun) -> bool:
    return run.facilitator_id is not None and run.facilitator_id == access.membership.pk


def can_take_over(access: GroupAccess, run: MeetingRun) -> bool:
    if can_drive(access, run):
        return False
    if access.is_steward:
        return True
    meeting = run.meeting
    if meeting.facilitator_id == access.membership.pk:
        return True
    return run.facilitator_id is None and meeting.facilitator_id is None


def can_write(access: GroupAccess) -> bool:
    """Members write in their notebooks during the meeting; guides follow without writing."""
    return not access.is_guide
