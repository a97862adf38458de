"""Meetings tests run at a fixed moment, with a dated meeting facilitated by second_member."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from booster.meetings.models import Meeting
from tests.factories import MeetingFactory
from tests.personas import World

NOW = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_now(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def meeting(world: World) -> Meeting:
    """Meeting 1, a week ahead, remote, facilitated by second_member (the "facilitator")."""
    return MeetingFactory(
        group=world.group,
        number=1,
        starts_at=NOW + timedelta(days=7),
        facilitator=world.second_member,
    )
