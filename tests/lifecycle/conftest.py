"""A group with something in every table, closed: the world the lifecycle tests delete from.

It is the security sweep's world (every private field holds a marker, made through the
apps' own services) plus the rows that world does not make: answers to a date poll, theme
marks and the plan, an acknowledgement of the ground rules, attendance, a reminder marker,
anonymous feedback with a comment, and a shared evaluation answer (the look back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from booster.accounts.models import User
from booster.feedback.services import feedback_submit
from booster.groups import services as group_services
from booster.groups.models import Group
from booster.meetings.models import DateAnswer, ReminderSent
from booster.notebook.models import EntryKind, SharedSnapshot
from booster.planning import services as planning_services
from booster.planning.models import GroundRulesVersion
from booster.programme.selectors import pack_for_version
from booster.room.models import Attendance
from tests.personas import World
from tests.security.world import SecurityWorld, access_of, build_world

FEEDBACK_COMMENT = "feedback-comment-marker"
LOOK_BACK_ANSWER = "look-back-answer-marker"


@dataclass
class Filled:
    world: World
    rich: SecurityWorld

    @property
    def group(self) -> Group:
        return self.world.group

    def user(self, persona: str) -> User:
        user = self.world.user(persona)
        assert user is not None
        return user


def fill_extras(world: World, rich: SecurityWorld) -> None:
    member, convener = world.member, world.convener
    mine, stewards = access_of(member), access_of(convener)
    for slot in rich.poll.slots.all():
        DateAnswer.objects.create(slot=slot, membership=member, answer="yes")
    pack = pack_for_version(version_id=world.group.pack_version_id)
    optional = [theme.key for theme in pack.optional_themes()]
    planning_services.theme_preference_toggle(access=mine, theme_key=optional[0])
    planning_services.theme_plan_record(
        access=stewards,
        theme_keys=[pack.first_theme.key, *optional[:3], pack.last_theme.key],
        base_number=0,
    )
    rules = GroundRulesVersion.objects.filter(group=world.group).first()
    assert rules is not None
    planning_services.rules_acknowledge(access=mine, number=rules.number)
    Attendance.objects.create(
        run=rich.run, membership=member, first_seen=timezone.now(), confirmed=True
    )
    ReminderSent.objects.create(
        meeting=rich.meeting, membership=member, starts_at=rich.meeting.starts_at
    )
    feedback_submit(
        membership=member,
        answers={"information": 4, "hope": 5, "recommend": "yes", "comment": FEEDBACK_COMMENT},
    )
    # A shared answer of the closing evaluation: the look back.
    SharedSnapshot.objects.create(
        membership=member,
        entry_kind=EntryKind.TASK,
        theme_key="closing",
        task_key="evaluation_task",
        worksheet_kind="evaluation",
        content={"answers": [LOOK_BACK_ANSWER, "", "", "Thank you all"]},
    )


def close(group: Group, *, actor: User, at: object | None = None) -> Group:
    """Close the group the way a convener does (running first when still forming)."""
    group.refresh_from_db()
    if group.state == Group.State.FORMING:
        group_services.group_set_state(actor=actor, group=group, state=Group.State.RUNNING)
    return group_services.group_set_state(actor=actor, group=group, state=Group.State.CLOSED)


@pytest.fixture
def filled(world: World) -> Filled:
    rich = build_world(world)
    fill_extras(world, rich)
    return Filled(world=world, rich=rich)


@pytest.fixture
def closed(filled: Filled) -> Filled:
    close(filled.group, actor=filled.user("convener"))
    filled.group.refresh_from_db()
    return filled


def days(n: int) -> timedelta:
    return timedelta(days=n)
