"""The room's pages: who may open them, the command form without JavaScript, the viewer's
private parts (nobody else's), the planning tools, and fixed query counts."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from booster.groups.models import Membership
from booster.meetings.models import Meeting
from booster.notebook import selectors as notebook_selectors
from booster.notebook import services as notebook_services
from booster.planning import services as planning_services
from booster.room import services
from booster.room.models import MeetingRun
from booster.room.snapshot import snapshot_of
from tests.factories import MeetingFactory, MembershipFactory
from tests.notebook.helpers import access_of, consent, write
from tests.personas import PERSONAS, World
from tests.room.conftest import arrive, fresh

ROOM_PAGES = ("room", "state", "presenter")
MEMBERS_ALLOWED = ("member", "convener", "guide")


def url(name: str, meeting: Meeting, **kwargs: Any) -> str:
    return reverse(
        f"room:{name}", kwargs={"group_id": meeting.group_id, "meeting_id": meeting.pk, **kwargs}
    )


def client_for(world: World, persona: str) -> Client:
    client = Client()
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    return client


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def no_inline_code(html: str) -> None:
    """What the strict Content-Security-Policy would block."""
    assert not re.search(r"<[^>]+\sstyle=", html), "inline style attribute"
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def ids_of(html: str) -> Counter[str]:
    return Counter(re.findall(r'\sid="([^"]+)"', html))


# --- who may come in ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ROOM_PAGES)
def test_who_may_open_the_room_pages(
    world: World, room_meeting: Meeting, persona: str, name: str
) -> None:
    response = client_for(world, persona).get(url(name, room_meeting))
    if persona == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif persona in MEMBERS_ALLOWED:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_open_a_planning_tool(world: World, room_meeting: Meeting, persona: str) -> None:
    response = client_for(world, persona).get(url("tool", room_meeting, tool="goals"))
    if persona == "anonymous":
        assert response.status_code == 302
    elif persona in MEMBERS_ALLOWED:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_post_a_command(
    world: World, room_run: MeetingRun, room_meeting: Meeting, persona: str
) -> None:
    response = client_for(world, persona).post(url("command", room_meeting), {"type": "start"})
    if persona == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif persona in MEMBERS_ALLOWED:
        assert response.status_code == 302
        assert response.url == url("room", room_meeting)
    else:
        assert response.status_code == 404
    # Only the member leads this meeting, so only their start changed anything.
    run = fresh(room_run)
    assert run.state == ("running" if persona == "member" else "lobby")


def test_the_room_of_a_cancelled_meeting_or_another_group_is_not_found(world: World) -> None:
    cancelled = MeetingFactory(group=world.group, number=3, state=Meeting.State.CANCELLED)
    elsewhere = MeetingFactory(group=world.other_group, number=1)
    client = client_for(world, "member")
    assert client.get(url("room", cancelled)).status_code == 404
    # The other group's meeting under this group's address, and under its own.
    mixed = reverse("room:room", kwargs={"group_id": world.group.pk, "meeting_id": elsewhere.pk})
    assert client.get(mixed).status_code == 404
    assert client.get(url("room", elsewhere)).status_code == 404


def test_a_tool_that_does_not_exist_is_not_found(world: World, room_meeting: Meeting) -> None:
    response = client_for(world, "member").get(url("tool", room_meeting, tool="secrets"))
    assert response.status_code == 404


def test_the_pages_refuse_other_methods(world: World, room_meeting: Meeting) -> None:
    client = client_for(world, "member")
    assert client.get(url("command", room_meeting)).status_code == 405
    assert client.post(url("state", room_meeting)).status_code == 405


# --- the command form without JavaScript -----------------------------------------------------


def test_whoever_leads_drives_the_meeting_with_plain_forms(
    world: World, room_run: MeetingRun, room_meeting: Meeting
) -> None:
    client = client_for(world, "member")
    command = url("command", room_meeting)
    first = fresh(room_run).agenda[0]

    response = client.post(command, {"type": "agenda_minutes", "step": first["id"], "minutes": "7"})
    assert response.url == url("room", room_meeting)
    assert fresh(room_run).agenda[0]["minutes"] == 7

    client.post(command, {"type": "start"})
    run = fresh(room_run)
    assert run.state == "running"
    assert run.current == first["id"]

    client.post(command, {"type": "pause"})
    assert fresh(room_run).state == "paused"
    client.post(command, {"type": "resume"})
    client.post(command, {"type": "next"})
    assert fresh(room_run).current != first["id"]

    # Ending needs the box ticked: without it nothing changes.
    version = fresh(room_run).version
    refused = client.post(command, {"type": "end"}, follow=True)
    assert "tick the box" in refused.content.decode()
    assert fresh(room_run).version == version
    client.post(command, {"type": "end", "confirm": "yes"})
    assert fresh(room_run).state == "ended"
    assert Meeting.objects.get(pk=room_meeting.pk).state == Meeting.State.HELD


def test_a_plain_member_cannot_drive_and_is_told_why(
    world: World, room_run: MeetingRun, room_meeting: Meeting
) -> None:
    before = fresh(room_run)
    client = client_for(world, "second_member")
    command = url("command", room_meeting)
    for data in (
        {"type": "start"},
        {"type": "agenda_skip", "step": before.agenda[1]["id"], "skipped": "1"},
        {"type": "handover", "to": str(world.second_member.pk)},
    ):
        response = client.post(command, data, follow=True)
        assert response.status_code == 200
        assert "Only the meeting&#x27;s facilitator can do that." in response.content.decode()
    after = fresh(room_run)
    assert (after.state, after.version, after.agenda, after.facilitator_id) == (
        before.state,
        before.version,
        before.agenda,
        before.facilitator_id,
    )


def test_nonsense_in_the_form_changes_nothing(
    world: World, room_run: MeetingRun, room_meeting: Meeting
) -> None:
    client = client_for(world, "member")
    command = url("command", room_meeting)
    version = fresh(room_run).version
    for data in (
        {"type": "snapshot"},
        {"type": "ping"},
        {"type": "drop_tables"},
        {"type": "add_time", "minutes": "many"},
        {"type": "agenda_minutes", "step": "no-such-step", "minutes": "5"},
    ):
        response = client.post(command, data, follow=True)
        assert response.status_code == 200
        assert 'class="message message--error"' in response.content.decode()
    assert fresh(room_run).version == version


def test_a_convener_cannot_drive_but_can_take_over(
    world: World, room_run: MeetingRun, room_meeting: Meeting
) -> None:
    client = client_for(world, "convener")
    command = url("command", room_meeting)
    response = client.post(command, {"type": "start"}, follow=True)
    assert 'class="message message--error"' in response.content.decode()
    assert fresh(room_run).state == "lobby"

    client.post(command, {"type": "take_over"})
    assert fresh(room_run).facilitator_id == world.convener.pk
    client.post(command, {"type": "start"})
    assert fresh(room_run).state == "running"


# --- the page ---------------------------------------------------------------------------


def test_the_lobby_shows_the_agenda_and_the_controls_to_whoever_leads(
    world: World, room_run: MeetingRun, room_meeting: Meeting
) -> None:
    leader = page(client_for(world, "member"), url("room", room_meeting))
    other = page(client_for(world, "second_member"), url("room", room_meeting))
    for html in (leader, other):
        no_inline_code(html)
        assert 'id="room-timer"' in html
        assert 'id="room-step-title"' in html
        assert 'id="room-pairs"' in html
        assert html.count("data-room-agenda-step=") == len(room_run.agenda)
        assert html.count('<section class="room-step') == len(room_run.agenda) + 1  # + blank
        assert 'src="/static/js/room.js"' in html
        duplicates = [key for key, count in ids_of(html).items() if count > 1]
        assert duplicates == []
    # Whoever leads gets visible controls and the agenda editor; the others get neither.
    assert re.search(r'<section class="room-controls"[^>]*data-room-role="driver"[^>]*>', leader)
    assert not re.search(r'<section class="room-controls"[^>]*\shidden>', leader)
    assert re.search(r'<section class="room-controls"[^>]*\shidden>', other)
    assert 'value="agenda_minutes"' in leader
    assert 'value="agenda_minutes"' not in other
    assert "If someone is distressed" in leader
    # The support card has the crisis contacts of the group's country (Finland).
    pack = notebook_selectors.group_pack(access=access_of(world.member))
    finnish = pack.crisis.countries["FI"].contacts[0]
    assert finnish.number in leader


def test_the_agenda_part_alone_for_room_js(
    world: World, room_run: MeetingRun, room_meeting: Meeting
) -> None:
    html = page(client_for(world, "member"), url("room", room_meeting) + "?part=agenda")
    assert "<html" not in html
    assert html.count("data-room-agenda-step=") == len(room_run.agenda)
    assert 'data-room-focus="less-' in html


def test_the_running_meeting_shows_the_current_step_pairs_and_round(world: World) -> None:
    opening = MeetingFactory(group=world.group, number=1, facilitator=world.member)
    run = services.run_get_or_create(meeting=opening)
    fourth = MembershipFactory(group=world.group, user__display_name="Pia")
    arrive(run, world.member, world.second_member, world.convener, fourth)
    client = client_for(world, "member")
    client.post(url("command", opening), {"type": "start"})
    run = fresh(run)
    html = page(client, url("room", opening))
    current = re.search(rf'<section class="room-step[^"]*" data-step="{run.current}"[^>]*>', html)
    assert current is not None and " hidden" not in current.group(0)
    assert re.search(r'id="room-step-title"[^>]*>Check-in<', html)
    # The first step is the check-in round: everyone present speaks in turn.
    round_box = re.search(r'<section class="room-round"[^>]*>', html)
    assert round_box is not None and "hidden" not in round_box.group(0)
    speaking = re.search(r"data-room-speaking>([^<]+)<", html)
    assert speaking is not None
    assert speaking.group(1) == Membership.objects.get(pk=run.round["current"]).display_name

    # The first pairs step: each person sees their partner, and a list to copy.
    pairs_step = next(step for step in run.agenda if step["mode"] == "pairs")
    client.post(url("command", opening), {"type": "goto", "step": pairs_step["id"]})
    run = fresh(run)
    assert len(run.pairs) == 2
    html = page(client, url("room", opening))
    pairs_box = re.search(r'<section id="room-pairs"[^>]*>', html)
    assert pairs_box is not None and "hidden" not in pairs_box.group(0)
    assert "Room 1:" in html and "Room 2:" in html
    partner_id = next(
        other
        for pair in run.pairs
        if world.member.pk in pair
        for other in pair
        if other != world.member.pk
    )
    partner = Membership.objects.get(pk=partner_id)
    assert f"Your partner is {partner.display_name}." in html
    # Each pair is listed as names, the same before any script runs.
    listed = re.findall(r"<ol class=\"room-pairs__list\"[^>]*>(.*?)</ol>", html, re.S)
    assert listed and "[" not in listed[0] and "&#x27;" not in listed[0]
    me = Membership.objects.get(pk=world.member.pk).display_name
    assert f"<li>{me} and {partner.display_name}</li>" in listed[0] or (
        f"<li>{partner.display_name} and {me}</li>" in listed[0]
    )


def test_the_presenter_view_is_large_type_and_has_no_controls(
    world: World, room_meeting: Meeting, room_run: MeetingRun
) -> None:
    html = page(client_for(world, "member"), url("presenter", room_meeting))
    no_inline_code(html)
    assert 'data-room-mode="presenter"' in html
    assert 'id="room-timer"' in html
    assert "data-room-command" not in html
    assert "<form" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert f'href="{url("room", room_meeting)}"' in html


def test_state_json_is_the_snapshot(
    world: World, room_meeting: Meeting, room_run: MeetingRun
) -> None:
    response = client_for(world, "guide").get(url("state", room_meeting))
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert response.json() == snapshot_of(fresh(room_run))


def test_a_step_the_pack_no_longer_knows_still_shows(
    world: World, room_run: MeetingRun, room_meeting: Meeting
) -> None:
    run = fresh(room_run)
    gone = {**run.agenda[-1], "id": "task-gone-0", "kind": "task", "part": "gone", "phase": 0}
    run.agenda = [*run.agenda, gone]
    run.save()
    assert 'data-step="task-gone-0"' in page(client_for(world, "member"), url("room", room_meeting))
    assert "task-gone-0" in page(client_for(world, "member"), url("presenter", room_meeting))


# --- private parts ----------------------------------------------------------------------


@pytest.fixture
def competence_meeting(world: World) -> Meeting:
    """Meeting 3 of the group, on competence (two worksheets), after a held meeting 2."""
    MeetingFactory(group=world.group, number=1, theme_key="opening", state=Meeting.State.HELD)
    MeetingFactory(group=world.group, number=2, theme_key="money", state=Meeting.State.HELD)
    meeting: Meeting = MeetingFactory(
        group=world.group, number=3, theme_key="competence", facilitator=world.convener
    )
    return meeting


def _take_away(membership: Membership, meeting: Meeting, text: str) -> None:
    access = access_of(membership)
    pack = notebook_selectors.group_pack(access=access)
    slot = notebook_selectors.takeaway_slot(pack=pack, meeting=meeting)
    notebook_services.entry_save(
        access=access, slot=slot, entry=None, content={"answers": [text], "notes": ""}, version=0
    )


def test_each_person_sees_only_their_own_writing(world: World, competence_meeting: Meeting) -> None:
    consent(world.member)
    consent(world.second_member)
    money = Meeting.objects.get(group=world.group, number=2)
    _take_away(world.member, money, "Mika-takeaway-secret")
    _take_away(world.second_member, money, "Sanna-takeaway-secret")
    write(world.member, "competence", {"have": [{"text": "Mika-competence-secret"}], "need": []})
    write(world.second_member, "competence", {"have": [{"text": "Sanna-competence-secret"}]})

    mika = page(client_for(world, "member"), url("room", competence_meeting))
    sanna = page(client_for(world, "second_member"), url("room", competence_meeting))
    guide = page(client_for(world, "guide"), url("room", competence_meeting))
    presenter = page(client_for(world, "member"), url("presenter", competence_meeting))
    state = client_for(world, "member").get(url("state", competence_meeting)).content.decode()

    assert "Mika-takeaway-secret" in mika
    assert "Mika-competence-secret" in mika
    assert "Sanna-takeaway-secret" in sanna
    assert "Sanna-competence-secret" in sanna
    for html in (sanna, guide, presenter, state):
        assert "Mika-takeaway-secret" not in html
        assert "Mika-competence-secret" not in html
    for html in (mika, guide, presenter, state):
        assert "Sanna-takeaway-secret" not in html
        assert "Sanna-competence-secret" not in html

    # Mika's editors post to his own notebook pages and save as he types.
    assert "data-notebook-editor" in mika
    assert reverse("notebook:takeaway", args=[world.group.pk, competence_meeting.pk]) in mika
    assert reverse("notebook:task", args=[world.group.pk, "competence", "competence_task"]) in mika
    assert 'src="/static/js/notebook.js"' in mika
    # Every form carries a CSRF token (the autosave sends it in a header).
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', mika)
    assert tokens and all(tokens)
    # Several editors share the page: every id stays unique.
    assert mika.count("data-notebook-scope") >= 3
    assert [key for key, count in ids_of(mika).items() if count > 1] == []


def test_a_guide_follows_without_writing(world: World, competence_meeting: Meeting) -> None:
    consent(world.guide)
    html = page(client_for(world, "guide"), url("room", competence_meeting))
    assert "data-notebook-editor" not in html
    assert "Guides follow without writing." in html


def test_without_a_notebook_a_member_is_offered_to_turn_it_on(
    world: World, competence_meeting: Meeting
) -> None:
    html = page(client_for(world, "second_member"), url("room", competence_meeting))
    assert "data-notebook-editor" not in html
    assert reverse("notebook:consent", args=[world.group.pk]) in html
    assert "What you took with you last time" not in html


# --- the planning tools -----------------------------------------------------------------


def test_the_opening_meeting_shows_the_groups_tools_read_only(world: World) -> None:
    opening = MeetingFactory(group=world.group, number=1, theme_key="opening")
    planning_services.goals_record(
        access=access_of(world.convener), goals=["We meet every month"], base_number=0
    )
    client = client_for(world, "member")
    html = page(client, url("room", opening))
    for tool in ("goals", "ground_rules", "agreements", "theme_plan"):
        assert f'data-room-tool-url="{url("tool", opening, tool=tool)}"' in html
    assert "We meet every month" in html

    fragment = page(client, url("tool", opening, tool="goals"))
    assert "<html" not in fragment
    assert "We meet every month" in fragment
    assert reverse("planning:goals", args=[world.group.pk]) in fragment
    assert "<form" not in fragment
    for tool in ("ground_rules", "agreements", "theme_plan"):
        assert client.get(url("tool", opening, tool=tool)).status_code == 200


# --- the meeting pages link to the room ---------------------------------------------------


def test_the_meeting_and_the_group_home_open_the_room(world: World, room_meeting: Meeting) -> None:
    client = client_for(world, "guide")
    detail = page(client, reverse("meetings:detail", args=[world.group.pk, room_meeting.pk]))
    assert f'href="{url("room", room_meeting)}"' in detail
    home = page(client, reverse("groups:home", args=[world.group.pk]))
    assert f'href="{url("room", room_meeting)}"' in home


# --- queries ----------------------------------------------------------------------------


def _count(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_room_costs_the_same_queries_with_more_people_and_steps(
    world: World, competence_meeting: Meeting, django_assert_max_num_queries: Any
) -> None:
    consent(world.member)
    write(world.member, "competence", {"have": [{"text": "x"}], "need": []})
    client = client_for(world, "member")
    run = services.run_get_or_create(meeting=competence_meeting)
    paths = [url("room", competence_meeting), url("state", competence_meeting)]
    for path in paths:
        client.get(path)  # the pinned pack is parsed once per process
    small = [_count(client, path) for path in paths]

    for _ in range(6):
        MembershipFactory(group=world.group)
    arrive(run, *Membership.objects.filter(group=world.group, state="active"))
    run = fresh(run)
    run.agenda = [
        *run.agenda,
        *(
            {**run.agenda[-1], "id": f"break-{number}", "kind": "break", "mode": "", "part": ""}
            for number in range(7, 12)
        ),
    ]
    run.save()
    large = [_count(client, path) for path in paths]
    assert large == small

    with django_assert_max_num_queries(18):
        client.get(paths[0])
    with django_assert_max_num_queries(10):
        client.get(paths[1])
