"""Fixtures of a meeting room: the world's group, a meeting led by ``world.member``."""

from __future__ import annotations

from typing import Any

import pytest

from booster.groups.models import Membership
from booster.meetings.models import Meeting
from booster.room import services
from booster.room.models import MeetingRun
from tests.factories import MeetingFactory
from tests.personas import World


@pytest.fixture
def room_meeting(world: World) -> Meeting:
    meeting: Meeting = MeetingFactory(
        group=world.group, number=2, theme_key="networks", facilitator=world.member
    )
    return meeting


@pytest.fixture
def room_run(room_meeting: Meeting) -> MeetingRun:
    return services.run_get_or_create(meeting=room_meeting)


def arrive(run: MeetingRun, *people: Membership) -> None:
    """People open the room (as their sockets would)."""
    for person in people:
        services.presence_join(
            run_id=run.pk, membership=person, channel_name=f"test.{run.pk}.{person.pk}"
        )


def do(run: MeetingRun, actor: Membership, name: str, **args: Any) -> dict[str, Any]:
    """Carry out a command and return its event."""
    events = services.command(run_id=run.pk, actor=actor, name=name, args=args)
    assert len(events) == 1
    return events[0]


def fresh(run: MeetingRun) -> MeetingRun:
    return MeetingRun.objects.select_related("meeting__group").get(pk=run.pk)
