"""Who may lead and record: the facilitator of a meeting, and the group's stewards."""

from __future__ import annotations

from booster.groups.permissions import GroupAccess
from booster.meetings.models import Meeting


def next_meeting(*, group_id: int) -> Meeting | None:
    """The group's next meeting that is planned and not yet held."""
    return (
        Meeting.objects.filter(group_id=group_id, state=Meeting.State.PLANNED)
        .order_by("number")
        .first()
    )


def is_facilitator(access: GroupAccess, meeting: Meeting) -> bool:
    return meeting.facilitator_id is not None and meeting.facilitator_id == access.membership.pk


def can_facilitate(access: GroupAccess, meeting: Meeting) -> bool:
    """The meeting's facilitator, or a convener or guide who can always take over."""
    return access.is_steward or is_facilitator(access, meeting)


def can_record_decisions(access: GroupAccess) -> bool:
    """Whoever facilitates records what the group decided: the facilitator of the next
    meeting, or a convener or guide."""
    if access.is_steward:
        return True
    meeting = next_meeting(group_id=access.group.pk)
    return meeting is not None and is_facilitator(access, meeting)
