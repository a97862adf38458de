"""Every meetings URL for every persona, a removed member, and meetings of other groups.

"facil." is second_member, who facilitates the meeting under test; "login" is a redirect
to the login page; "other" is a member of another group.

| URL (method)                      | anon. | outsider | other | member | conv. | guide | facil. |
| --------------------------------- | ----- | -------- | ----- | ------ | ----- | ----- | ------ |
| list, detail, rota, ics, poll,    | login | 404      | 404   | 200    | 200   | 200   | 200    |
|   calendar_settings (GET)         |       |          |       |        |       |       |        |
| edit, cancel, poll_create (GET)   | login | 404      | 404   | 403    | 200   | 200   | 200    |
| roles (GET)                       | login | 404      | 404   | 403    | 200   | 200   | 403    |
| edit, cancel, poll_choose,        | login | 404      | 404   | 403    | 302   | 302   | 302    |
|   poll_create (POST)              |       |          |       |        |       |       |        |
| roles, rota, opening_create (POST)| login | 404      | 404   | 403    | 302   | 302   | 403    |
| absence, absence_withdraw, poll,  | login | 404      | 404   | 302    | 302   | 302   | 302    |
|   swap_take, calendar_settings    |       |          |       |        |       |       |        |
|   (POST)                          |       |          |       |        |       |       |        |
| swap_request, swap_withdraw (POST)| login | 404      | 404   | 403    | 403   | 403   | 302    |
| calendar:feed (no login)          | 200 with its token; 404 for an unknown or revoked one  |

A removed member gets 404 everywhere at once. In a closed group every change is 403
(test_views). Refused requests change nothing (a fingerprint of the state is compared).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from booster.meetings import services
from booster.meetings.models import (
    Absence,
    CalendarFeed,
    DateAnswer,
    DatePoll,
    FacilitatorSwap,
    Meeting,
)
from tests.factories import MeetingFactory
from tests.meetings.conftest import NOW
from tests.meetings.helpers import (
    PERSONAS_WITH_FACILITATOR,
    access_for,
    client_for,
    remove_member,
    user_of,
)
from tests.personas import World

READ = dict(zip(PERSONAS_WITH_FACILITATOR, (302, 404, 404, 200, 200, 200, 200), strict=True))
FACILITATE_GET = {**READ, "member": 403}
STEWARD_GET = {**FACILITATE_GET, "facilitator": 403}
FACILITATE_POST = {**FACILITATE_GET, "convener": 302, "guide": 302, "facilitator": 302}
STEWARD_POST = {**FACILITATE_POST, "facilitator": 403}
ANY_MEMBER_POST = {**FACILITATE_POST, "member": 302}
REQUESTER_POST = {**FACILITATE_POST, "convener": 403, "guide": 403}


@dataclass
class Scene:
    world: World
    meeting: Meeting
    poll: DatePoll
    swap: FacilitatorSwap

    def url(self, name: str) -> str:
        group_id = self.world.group.pk
        if name in {
            "meetings:list",
            "meetings:rota",
            "meetings:calendar_settings",
            "meetings:opening_create",
        }:
            return reverse(name, kwargs={"group_id": group_id})
        if name in {"meetings:poll", "meetings:poll_choose"}:
            return reverse(name, kwargs={"group_id": group_id, "poll_id": self.poll.pk})
        if name in {"meetings:swap_take", "meetings:swap_withdraw"}:
            return reverse(name, kwargs={"group_id": group_id, "swap_id": self.swap.pk})
        return reverse(name, kwargs={"group_id": group_id, "meeting_id": self.meeting.pk})

    def data(self, name: str) -> dict[str, Any]:
        if name == "meetings:edit":
            return {
                "date": "2030-03-20",
                "time": "18:00",
                "duration_minutes": "150",
                "form": "remote",
                "place": "",
                "video_link": "https://meet.example.org/new",
            }
        if name == "meetings:roles":
            return {"facilitator": self.world.guide.pk, "timekeeper": ""}
        if name == "meetings:poll":
            return {f"slot_{slot.pk}": "yes" for slot in self.poll.slots.all()}
        if name == "meetings:poll_choose":
            return {"slot": self.poll.slots.first().pk}  # type: ignore[union-attr]
        if name == "meetings:poll_create":
            return {"duration_minutes": "150", "date_1": "2030-04-02", "time_1": "17:00"}
        if name == "meetings:absence":
            return {"note": "Away"}
        return {}

    def fingerprint(self) -> tuple[object, ...]:
        """Everything a refused request must leave as it was."""
        meeting = Meeting.objects.get(pk=self.meeting.pk)
        return (
            meeting.sequence,
            meeting.state,
            meeting.facilitator_id,
            meeting.timekeeper_id,
            Meeting.objects.count(),
            Absence.objects.count(),
            DateAnswer.objects.count(),
            DatePoll.objects.filter(closed_at__isnull=True).count(),
            list(FacilitatorSwap.objects.values_list("state", flat=True)),
            CalendarFeed.objects.count(),
        )


@pytest.fixture
def scene(world: World, meeting: Meeting) -> Scene:
    # Meeting 1 has an open poll with two times, its facilitator asks for a swap, and
    # everyone reported an absence (so "withdraw" has something to take back). Meeting 2
    # has no facilitator yet (so the rota has work).
    MeetingFactory(group=world.group, number=2, theme_key="money")
    poll = services.poll_create(
        access=access_for(world.convener),
        meeting=meeting,
        slots=[NOW + timedelta(days=9), NOW + timedelta(days=10)],
        duration_minutes=150,
    )
    swap = services.swap_request(access=access_for(world.second_member), meeting=meeting)
    for membership in (world.member, world.convener, world.guide, world.second_member):
        Absence.objects.create(meeting=meeting, membership=membership)
    return Scene(world=world, meeting=meeting, poll=poll, swap=swap)


def _check(scene: Scene, persona: str, method: str, name: str, expected: int) -> None:
    client = client_for(user_of(scene.world, persona))
    url = scene.url(name)
    before = scene.fingerprint()
    response = client.get(url) if method == "GET" else client.post(url, scene.data(name))
    assert response.status_code == expected, (persona, method, name, response.status_code)
    if persona == "anonymous":
        assert response.url.startswith(reverse("account_login"))
    if expected != 302 or persona == "anonymous":
        assert scene.fingerprint() == before, (persona, method, name)


GETS = [
    ("meetings:list", READ),
    ("meetings:detail", READ),
    ("meetings:rota", READ),
    ("meetings:ics", READ),
    ("meetings:poll", READ),
    ("meetings:calendar_settings", READ),
    ("meetings:edit", FACILITATE_GET),
    ("meetings:cancel", FACILITATE_GET),
    ("meetings:poll_create", FACILITATE_GET),
    ("meetings:roles", STEWARD_GET),
]

# meetings:poll_create is given for meeting 1, which has an open poll: the facilitator's
# POST is refused with a message on the page (200), so it is checked on its own below.
POSTS = [
    ("meetings:edit", FACILITATE_POST),
    ("meetings:cancel", FACILITATE_POST),
    ("meetings:poll_choose", FACILITATE_POST),
    ("meetings:roles", STEWARD_POST),
    ("meetings:rota", STEWARD_POST),
    ("meetings:opening_create", STEWARD_POST),
    ("meetings:absence", ANY_MEMBER_POST),
    ("meetings:absence_withdraw", ANY_MEMBER_POST),
    ("meetings:poll", ANY_MEMBER_POST),
    ("meetings:swap_take", ANY_MEMBER_POST),
    ("meetings:calendar_settings", ANY_MEMBER_POST),
    ("meetings:swap_request", REQUESTER_POST),
    ("meetings:swap_withdraw", REQUESTER_POST),
]


@pytest.mark.parametrize("persona", PERSONAS_WITH_FACILITATOR)
@pytest.mark.parametrize(("name", "expected"), GETS, ids=[name for name, _ in GETS])
def test_pages(scene: Scene, persona: str, name: str, expected: dict[str, int]) -> None:
    _check(scene, persona, "GET", name, expected[persona])


@pytest.mark.parametrize("persona", PERSONAS_WITH_FACILITATOR)
@pytest.mark.parametrize(("name", "expected"), POSTS, ids=[name for name, _ in POSTS])
def test_changes(scene: Scene, persona: str, name: str, expected: dict[str, int]) -> None:
    _check(scene, persona, "POST", name, expected[persona])


@pytest.mark.parametrize("persona", PERSONAS_WITH_FACILITATOR)
def test_poll_create_post(world: World, persona: str) -> None:
    undated = MeetingFactory(group=world.group, number=1, facilitator=world.second_member)
    url = reverse(
        "meetings:poll_create", kwargs={"group_id": world.group.pk, "meeting_id": undated.pk}
    )
    data = {"duration_minutes": "150", "date_1": "2030-04-02", "time_1": "17:00"}
    response = client_for(user_of(world, persona)).post(url, data)
    assert response.status_code == FACILITATE_POST[persona]
    assert DatePoll.objects.exists() is (FACILITATE_POST[persona] == 302 and persona != "anonymous")


def test_the_effects_of_allowed_changes(scene: Scene) -> None:
    world = scene.world
    _check(scene, "member", "POST", "meetings:absence", 302)
    assert Absence.objects.get(meeting=scene.meeting, membership=world.member).note == "Away"
    _check(scene, "guide", "POST", "meetings:swap_take", 302)
    assert Meeting.objects.get(pk=scene.meeting.pk).facilitator_id == world.guide.pk
    _check(scene, "convener", "POST", "meetings:poll_choose", 302)
    assert DatePoll.objects.get(pk=scene.poll.pk).closed_at is not None


def test_the_feed_needs_only_its_token(scene: Scene) -> None:
    feed = services.calendar_feed_create(user=scene.world.member.user)
    anonymous = client_for(None)
    assert anonymous.get(reverse("calendar:feed", kwargs={"token": feed.token})).status_code == 200
    assert anonymous.get(reverse("calendar:feed", kwargs={"token": "x" * 32})).status_code == 404
    assert anonymous.post(reverse("calendar:feed", kwargs={"token": feed.token})).status_code == 405


def test_a_removed_member_is_refused_at_once(scene: Scene) -> None:
    world = scene.world
    client = client_for(world.member.user)
    assert client.get(scene.url("meetings:detail")).status_code == 200
    remove_member(world.member)
    for name, _expected in GETS:
        assert client.get(scene.url(name)).status_code == 404, name
    before = scene.fingerprint()
    for name, _expected in POSTS:
        assert client.post(scene.url(name), scene.data(name)).status_code == 404, name
    assert scene.fingerprint() == before


def test_meetings_and_polls_of_another_group_are_not_found(scene: Scene) -> None:
    world = scene.world
    theirs = MeetingFactory(group=world.other_group, number=1, starts_at=NOW + timedelta(days=3))
    their_poll = DatePoll.objects.create(group=world.other_group, meeting=theirs)
    their_swap = FacilitatorSwap.objects.create(meeting=theirs, requested_by=world.other_member)
    client = client_for(world.convener.user)
    for name in ("meetings:detail", "meetings:edit", "meetings:ics", "meetings:roles"):
        url = reverse(name, kwargs={"group_id": world.group.pk, "meeting_id": theirs.pk})
        assert client.get(url).status_code == 404, name
    for name in ("meetings:poll", "meetings:poll_choose"):
        url = reverse(name, kwargs={"group_id": world.group.pk, "poll_id": their_poll.pk})
        assert client.post(url).status_code == 404, name
    url = reverse(
        "meetings:swap_take", kwargs={"group_id": world.group.pk, "swap_id": their_swap.pk}
    )
    assert client.post(url).status_code == 404
    their_swap.refresh_from_db()
    assert their_swap.state == "open"
