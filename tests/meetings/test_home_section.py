"""The meetings section of the group's home: the next meeting and the path."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from booster.meetings import selectors, services
from booster.meetings.models import Meeting
from booster.meetings.services import meetings_sync_to_plan
from booster.programme.selectors import pack_for_version
from tests.factories import MembershipFactory
from tests.meetings.helpers import access_for
from tests.personas import World

PLAN = ["opening", "work_ability", "money", "networks", "closing"]


def test_the_next_meeting_and_the_path(world: World, meeting: Meeting) -> None:
    meetings_sync_to_plan(group=world.group, theme_keys=PLAN, actor=None)
    services.absence_report(access=access_for(world.member), meeting=meeting, note="")
    section = selectors.home_section(access=access_for(world.member))
    assert section["next"].meeting == meeting
    assert section["absent"] is True
    assert section["can_schedule"] is False
    pack = pack_for_version(version_id=world.group.pack_version_id)
    assert [item.theme_title for item in section["path"]] == [
        pack.theme(key).title.get("en") for key in PLAN
    ]
    with timezone.override("America/New_York"):
        html = render_to_string("meetings/_home_section.html", {"section": section})
    assert "<h2" in html and "<section" in html
    assert "Friday 8 March 2030, 04:00" in html  # 09:00 UTC in New York
    assert "Facilitator: Sanna" in html
    assert "You reported an absence for this meeting." in html
    assert f"/meetings/{meeting.pk}/calendar.ics" in html
    assert "Date not fixed yet" in html  # meetings 2–5


def test_in_the_viewers_language(world: World, meeting: Meeting) -> None:
    with translation.override("fi"):
        section = selectors.home_section(access=access_for(world.second_member))
        html = render_to_string("meetings/_home_section.html", {"section": section})
    pack = pack_for_version(version_id=world.group.pack_version_id)
    assert pack.theme("opening").title.get("fi") in html
    assert "perjantai 8. maaliskuuta 2030 klo 11.00" in html
    assert section["can_schedule"] is True  # the facilitator may set the date


def test_after_a_meeting_the_next_one_comes_up(
    world: World, meeting: Meeting, time_machine: time_machine.TimeMachineFixture
) -> None:
    meetings_sync_to_plan(group=world.group, theme_keys=PLAN, actor=None)
    assert meeting.starts_at is not None
    time_machine.move_to(meeting.starts_at + timedelta(minutes=200), tick=False)
    section = selectors.home_section(access=access_for(world.member))
    assert section["next"].meeting.number == 2
    html = render_to_string("meetings/_home_section.html", {"section": section})
    assert "Not fixed yet" in html


def test_without_meetings(world: World) -> None:
    section = selectors.home_section(access=access_for(world.convener))
    assert section["next"] is None and section["path"] == []
    assert section["can_plan_opening"] is True
    html = render_to_string("meetings/_home_section.html", {"section": section})
    assert "No meetings are planned yet." in html
    assert selectors.home_section(access=access_for(world.member))["can_plan_opening"] is False


def _count(world: World) -> int:
    access = access_for(world.member)
    with CaptureQueriesContext(connection) as queries:
        section = selectors.home_section(access=access)
        render_to_string("meetings/_home_section.html", {"section": section})
    return len(queries)


def test_the_queries_do_not_grow_with_meetings_or_members(world: World, meeting: Meeting) -> None:
    meetings_sync_to_plan(group=world.group, theme_keys=[*PLAN[:2], "closing"], actor=None)
    _count(world)  # warm the pack cache
    few = _count(world)
    meetings_sync_to_plan(
        group=world.group,
        theme_keys=[
            "opening",
            "work_ability",
            "professional_identity",
            "self_leadership",
            "competence",
            "money",
            "collaboration",
            "networks",
            "closing",
        ],
        actor=None,
    )
    for meeting_row in Meeting.objects.filter(group=world.group):
        meeting_row.facilitator = world.guide
        meeting_row.save()
    for _ in range(5):
        MembershipFactory(group=world.group)
    assert _count(world) == few <= 2
