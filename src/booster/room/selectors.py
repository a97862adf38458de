"""Reading a room: access, the group's pack, who is present, the pair history."""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404
from django.utils import timezone

from booster.groups.models import Membership
from booster.groups.permissions import GroupAccess, group_access
from booster.meetings.models import Meeting
from booster.programme.schema import Pack
from booster.programme.selectors import pack_for_version
from booster.room.models import Attendance, MeetingRun, PairPhase, RoomPresence

# A connection without a heartbeat for this long counts as gone (a crashed process
# cannot say goodbye). Clients send a heartbeat every 25 seconds.
PRESENCE_STALE_SECONDS = 75


def room_access(*, user: object, group_id: int, meeting_id: int) -> tuple[GroupAccess, Meeting]:
    """The requester's place in the group and the meeting; 404 for everyone else."""
    access = group_access(user=user, group_id=group_id)
    meeting = (
        Meeting.objects.filter(pk=meeting_id, group_id=access.group.pk)
        .exclude(state=Meeting.State.CANCELLED)
        .first()
    )
    if meeting is None:
        raise Http404
    meeting.group = access.group
    return access, meeting


def run_pack(run: MeetingRun) -> Pack:
    return pack_for_version(version_id=run.meeting.group.pack_version_id)


def people_of(*, group_id: int) -> list[Membership]:
    """Everyone who may be in the room: active members and guides, in seat order."""
    return list(
        Membership.objects.active()
        .filter(group_id=group_id)
        .only("id", "display_name", "role", "seat", "guide_seat", "is_convener", "group_id")
        .order_by("role", "seat", "guide_seat", "id")
    )


def connected_ids(*, run_id: int) -> set[int]:
    fresh = timezone.now() - timedelta(seconds=PRESENCE_STALE_SECONDS)
    return set(
        RoomPresence.objects.filter(run_id=run_id, seen_at__gte=fresh).values_list(
            "membership_id", flat=True
        )
    )


def confirmed_by_facilitator(*, run_id: int) -> dict[int, bool]:
    """Attendance the facilitator confirmed: present (True) or absent (False)."""
    rows = Attendance.objects.filter(run_id=run_id, confirmed__isnull=False).values_list(
        "membership_id", "confirmed"
    )
    return {pk: bool(confirmed) for pk, confirmed in rows}


def present_from(
    *, people: list[Membership], confirmed: dict[int, bool], connected: set[int]
) -> list[int]:
    """Connected or confirmed by the facilitator, minus those confirmed absent."""
    active = {person.pk for person in people}
    here = connected | {pk for pk, yes in confirmed.items() if yes}
    here -= {pk for pk, yes in confirmed.items() if yes is False}
    return sorted(here & active)


def present_ids(*, run: MeetingRun, people: list[Membership]) -> list[int]:
    """Connected or confirmed by the facilitator, minus those confirmed absent."""
    return present_from(
        people=people,
        confirmed=confirmed_by_facilitator(run_id=run.pk),
        connected=connected_ids(run_id=run.pk),
    )


def pair_history(
    *, group_id: int, exclude_run_step: tuple[int, str] | None = None
) -> list[list[list[int]]]:
    """The group's earlier pair phases, oldest first."""
    phases = PairPhase.objects.filter(group_id=group_id).order_by("created_at", "id")
    history: list[list[list[int]]] = []
    for phase in phases:
        if exclude_run_step and (phase.run_id, phase.step_id) == exclude_run_step:
            continue
        history.append([list(map(int, pair)) for pair in phase.pairs])
    return history


def expected_count(*, meeting: Meeting) -> int:
    """Members expected before anyone arrives: active members minus reported absences."""
    members = Membership.objects.members().filter(group_id=meeting.group_id)
    absent = meeting.absences.filter(membership__in=members).count()
    return max(1, members.count() - absent)
