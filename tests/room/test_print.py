"""The facilitator's guide and the member handouts: who may open them, what they print
(the agenda with its clock times, the pack's texts and questions, the ground rules, the
support card) and what they never print (anything from a notebook or the board)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from booster.groups.services import membership_leave
from booster.meetings.models import Meeting
from booster.programme.schema import Pack, Task
from booster.programme.selectors import pack_for_version
from booster.room import services
from booster.room.agenda import agenda_report, step_content
from booster.room.models import MeetingRun
from tests.factories import GroundRulesVersionFactory, MeetingFactory, PostFactory
from tests.notebook.helpers import consent, write
from tests.personas import World

PAGES = ("guide", "handouts")
PDFS = ("guide_pdf", "handouts_pdf")
# 17:00 in the group's and the viewers' time zone (Europe/Helsinki).
STARTS = dt.datetime(2030, 3, 10, 15, 0, tzinfo=dt.UTC)


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def url(name: str, meeting: Meeting) -> str:
    return reverse(f"room:{name}", kwargs={"group_id": meeting.group_id, "meeting_id": meeting.pk})


def page_text(content: bytes) -> str:
    """The page's text with tags removed and entities read, whitespace squeezed."""
    text = re.sub(r"<[^>]+>", " ", content.decode())
    return re.sub(r"\s+", " ", unescape(text))


def pack_of(meeting: Meeting) -> Pack:
    return pack_for_version(version_id=meeting.group.pack_version_id)


def run_of(meeting: Meeting) -> MeetingRun:
    return services.run_get_or_create(meeting=meeting)


def set_agenda(run: MeetingRun, change: Callable[[dict[str, Any]], None]) -> None:
    """Edit the stored agenda as the facilitator's commands would have."""
    agenda = [dict(step) for step in run.agenda]
    for step in agenda:
        change(step)
    run.agenda = agenda
    run.agenda_edited = True
    run.save(update_fields=["agenda", "agenda_edited"])


@pytest.fixture
def opening(world: World) -> Meeting:
    meeting: Meeting = MeetingFactory(
        group=world.group, number=1, theme_key="opening", starts_at=STARTS, duration_minutes=180
    )
    return meeting


@pytest.fixture
def networks(world: World) -> Meeting:
    meeting: Meeting = MeetingFactory(
        group=world.group,
        number=2,
        theme_key="networks",
        starts_at=STARTS + dt.timedelta(days=14),
        duration_minutes=150,
        facilitator=world.member,
    )
    return meeting


# --- who may print ----------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES + PDFS)
def test_anonymous_visitors_are_sent_to_log_in(opening: Meeting, name: str) -> None:
    response = client_for(None).get(url(name, opening))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", ["outsider", "other_member"])
@pytest.mark.parametrize("name", PAGES + PDFS)
def test_people_outside_the_group_get_not_found(
    world: World, opening: Meeting, persona: str, name: str
) -> None:
    response = client_for(world.user(persona)).get(url(name, opening))
    assert response.status_code == 404
    assert not MeetingRun.objects.exists()


@pytest.mark.parametrize("name", PAGES)
def test_a_member_who_left_gets_not_found(world: World, opening: Meeting, name: str) -> None:
    membership_leave(membership=world.second_member)
    response = client_for(world.second_member.user).get(url(name, opening))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["member", "convener", "guide"])
@pytest.mark.parametrize("name", PAGES)
def test_members_and_guides_open_the_print_pages(
    world: World, opening: Meeting, persona: str, name: str
) -> None:
    response = client_for(world.user(persona)).get(url(name, opening))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Meeting 1: Opening meeting" in page
    assert "data-room-print" in page  # the Print button, shown by room-print.js
    assert "<script>" not in page and "style=" not in page  # the strict CSP
    assert "no-store" in response["Cache-Control"]


def test_a_meeting_of_another_group_is_not_found(world: World, opening: Meeting) -> None:
    theirs = MeetingFactory(group=world.other_group, number=1)
    wrong = reverse("room:guide", kwargs={"group_id": world.group.pk, "meeting_id": theirs.pk})
    assert client_for(world.member.user).get(wrong).status_code == 404


# --- the facilitator's guide -------------------------------------------------------------


def agenda_rows(content: bytes) -> list[tuple[str, str]]:
    """(time, step title) of each row of the guide's agenda table, in order."""
    rows = re.findall(
        r'<tr class="rp-agenda__row[^"]*">\s*<td[^>]*>(.*?)</td>\s*<th[^>]*>(.*?)</th>',
        content.decode(),
        flags=re.S,
    )
    return [
        (page_text(time.encode()).strip(), page_text(title.encode()).strip())
        for time, title in rows
    ]


def test_the_guide_lists_every_step_in_order_with_its_planned_time(
    world: World, opening: Meeting
) -> None:
    run = run_of(opening)
    pack = pack_of(opening)
    response = client_for(world.member.user).get(url("guide", opening))
    expected = []
    clock = dt.datetime(2030, 3, 10, 17, 0)
    for step in run.agenda:
        assert not step["skipped"]
        title = step_content(pack=pack, step=step).title.get("en")
        expected.append((clock.strftime("%H:%M"), title))
        clock += dt.timedelta(minutes=step["minutes"])
    shown = agenda_rows(response.content)
    assert [(time, title.split(" (part ")[0]) for time, title in shown] == expected
    text = page_text(response.content)
    assert f"{clock:%H:%M} Planned end" in text
    assert "Sunday 10 March 2030, 17:00" in text
    assert "20:00 (Europe/Helsinki)" in text


def test_the_guide_prints_each_steps_texts_and_the_packs_questions(
    world: World, opening: Meeting
) -> None:
    run = run_of(opening)
    pack = pack_of(opening)
    text = page_text(client_for(world.guide.user).get(url("guide", opening)).content)
    for step in run.agenda:
        content = step_content(pack=pack, step=step)
        for question in content.questions:
            assert question.get("en") in text
        if content.instructions is not None:
            assert content.instructions.get("en") in text
    checkin = pack.meeting.start.checkin.questions[0].get("en")
    assert checkin in text
    assert "Whole group" in text and "In pairs" in text and "Alone" in text and "Round" in text


def test_the_guide_shows_the_times_in_the_viewers_time_zone(world: World, opening: Meeting) -> None:
    user = world.member.user
    user.time_zone = "Europe/Stockholm"
    user.save(update_fields=["time_zone"])
    shown = agenda_rows(client_for(user).get(url("guide", opening)).content)
    assert shown[0][0] == "16:00"


def test_the_guide_speaks_the_viewers_language(world: World, opening: Meeting) -> None:
    pack = pack_of(opening)
    page = client_for(world.member.user).get(url("guide", opening).replace("/en/", "/sv/"))
    assert page.status_code == 200
    text = page_text(page.content)
    assert pack.meeting.start.checkin.questions[0].get("sv") in text
    assert pack.meeting.start.checkin.questions[0].get("en") not in text


def test_skipped_steps_are_listed_as_outside_the_meeting(world: World, opening: Meeting) -> None:
    run = run_of(opening)
    pack = pack_of(opening)
    set_agenda(run, lambda step: step.update(skipped=step["part"] == "theme_plan"))
    response = client_for(world.convener.user).get(url("guide", opening))
    shown = agenda_rows(response.content)
    title = pack.theme("opening").tasks()[-1].title.get("en")
    assert all(not row[1].startswith(title) for row in shown)
    outside = re.search(r'<ul class="rp-outside">(.*?)</ul>', response.content.decode(), flags=re.S)
    assert outside is not None
    assert title in page_text(outside.group(1).encode())
    assert "outside the meeting" in page_text(outside.group(1).encode())
    # The steps after it start earlier: skipped steps take no time.
    kept = [step for step in run.agenda if not step["skipped"]]
    last = STARTS + dt.timedelta(minutes=sum(step["minutes"] for step in kept[:-1]))
    assert shown[-1][0] == f"{last.astimezone(dt.timezone(dt.timedelta(hours=2))):%H:%M}"


def test_the_guide_says_when_the_plan_does_not_fit_and_what_to_do_outside(
    world: World, opening: Meeting
) -> None:
    opening.duration_minutes = 120
    opening.save(update_fields=["duration_minutes"])
    run = run_of(opening)
    pack = pack_of(opening)
    report = agenda_report(pack=pack, steps=run.agenda, length=120)
    assert not report.fits and report.proposal_parts
    text = page_text(client_for(world.member.user).get(url("guide", opening)).content)
    assert "No: " in text
    for key in report.proposal_parts:
        task = next(task for task in pack.theme("opening").tasks() if task.key == key)
        assert task.title.get("en") in text


def test_the_guide_says_when_the_plan_fits(world: World, networks: Meeting) -> None:
    run_of(networks)
    text = page_text(client_for(world.member.user).get(url("guide", networks)).content)
    assert "Yes: " in text or "Only just: " in text
    assert "Facilitator Mika" in text


def test_the_first_meeting_prints_the_five_principles(world: World, opening: Meeting) -> None:
    GroundRulesVersionFactory(written_by=world.convener, rules="Rule-from-another-time")
    pack = pack_of(opening)
    text = page_text(client_for(world.member.user).get(url("guide", opening)).content)
    assert len(pack.principles) == 5
    for principle in pack.principles:
        assert principle.title.get("en") in text
    assert "Rule-from-another-time" not in text


def test_later_meetings_print_the_current_ground_rules(world: World, networks: Meeting) -> None:
    GroundRulesVersionFactory(written_by=world.convener, rules="Old-rule-one")
    GroundRulesVersionFactory(
        written_by=world.convener, rules="We-listen-first", conflict_procedure="We-pause-and-talk"
    )
    text = page_text(client_for(world.member.user).get(url("guide", networks)).content)
    assert "We-listen-first" in text and "We-pause-and-talk" in text
    assert "Old-rule-one" not in text
    assert "Version 2" in text


def test_without_ground_rules_a_later_meeting_falls_back_to_the_principles(
    world: World, networks: Meeting
) -> None:
    pack = pack_of(networks)
    text = page_text(client_for(world.member.user).get(url("guide", networks)).content)
    assert "has not written its ground rules yet" in text
    assert pack.principles[0].title.get("en") in text


def test_the_support_card_names_the_groups_crisis_contacts(world: World, opening: Meeting) -> None:
    pack = pack_of(opening)
    text = page_text(client_for(world.member.user).get(url("guide", opening)).content)
    assert "Support card" in text
    assert "Pause the meeting" in text and "Offer a break" in text
    assert "talk one to one" in text
    assert pack.crisis.notice.emergency.get("en") in text
    for contact in pack.crisis.countries["FI"].contacts:
        assert contact.number in text


def test_the_guide_of_a_meeting_without_a_date_counts_from_zero(world: World) -> None:
    meeting = MeetingFactory(group=world.group, number=3, theme_key="money", starts_at=None)
    response = client_for(world.member.user).get(url("guide", meeting))
    assert response.status_code == 200
    shown = agenda_rows(response.content)
    assert shown[0][0] == "0:00"
    assert "Not fixed yet" in page_text(response.content)


def test_a_step_the_pack_does_not_know_does_not_stop_the_print(
    world: World, opening: Meeting
) -> None:
    run = run_of(opening)
    gone = {**run.agenda[2], "id": "task-gone-0", "kind": "task", "part": "gone", "phase": 0}
    run.agenda = [*run.agenda[:3], gone, *run.agenda[3:]]
    run.save(update_fields=["agenda"])
    client = client_for(world.member.user)
    shown = agenda_rows(client.get(url("guide", opening)).content)
    assert len(shown) == len(run.agenda) - 1
    assert client.get(url("handouts", opening)).status_code == 200


# --- the member handouts -----------------------------------------------------------------


def meeting_tasks(meeting: Meeting) -> list[Task]:
    return pack_of(meeting).theme(meeting.theme_key).tasks()


def test_the_handouts_give_each_task_its_questions_with_room_to_write(
    world: World, opening: Meeting
) -> None:
    response = client_for(world.member.user).get(url("handouts", opening))
    page = response.content.decode()
    text = page_text(response.content)
    tasks = meeting_tasks(opening)
    assert page.count('<article class="rp-handout"') == len(tasks) == 5
    positions = []
    for task in tasks:
        positions.append(text.index(task.title.get("en")))
        for phase in task.phases:
            assert phase.instructions.get("en") in text
            for question in phase.questions:
                assert question.get("en") in text
    assert positions == sorted(positions)
    assert page.count('class="rp-line"') >= 20
    # A handout is the programme's text only: no times of the day, no names of people.
    assert "Mika" not in text and "Cleo" not in text


def test_the_network_map_handout_has_space_to_draw(world: World, networks: Meeting) -> None:
    page = client_for(world.member.user).get(url("handouts", networks)).content.decode()
    assert page.count('<article class="rp-handout"') == len(meeting_tasks(networks))
    assert 'class="rp-drawing"' in page


def test_a_task_moved_outside_the_meeting_says_so_on_its_handout(
    world: World, opening: Meeting
) -> None:
    run = run_of(opening)
    set_agenda(run, lambda step: step.update(skipped=step["part"] == "theme_plan"))
    text = page_text(client_for(world.member.user).get(url("handouts", opening)).content)
    assert "This task is planned outside the meeting." in text


# --- PDFs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("guide_pdf", "facilitators-guide-lantern-group-1.pdf"),
        ("handouts_pdf", "handouts-lantern-group-1.pdf"),
    ],
)
def test_the_pdfs_download(world: World, opening: Meeting, name: str, filename: str) -> None:
    response = client_for(world.guide.user).get(url(name, opening))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.content.startswith(b"%PDF")


def test_the_pdf_is_made_from_the_same_content(
    world: World, opening: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    import weasyprint  # a dependency: a missing or broken install must fail, not skip

    seen: list[str] = []
    real_html = weasyprint.HTML

    def recording_html(*, string: str, base_url: Any) -> Any:
        seen.append(string)
        return real_html(string=string, base_url=base_url)

    monkeypatch.setattr(weasyprint, "HTML", recording_html)
    response = client_for(world.member.user).get(url("guide_pdf", opening))
    assert response.content.startswith(b"%PDF")
    html = seen[0]
    assert 'class="rp-pdf"' in html
    assert "Support card" in html
    assert "<script" not in html and "rp-actions" not in html


def test_without_weasyprint_the_print_page_explains(
    world: World, opening: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # the import fails
    response = client_for(world.member.user).get(url("handouts_pdf", opening))
    assert response.status_code == 200
    text = page_text(response.content)
    assert "A PDF cannot be made on this server right now" in text
    assert "Save as PDF" in text


# --- privacy and cost -------------------------------------------------------------------


def test_nothing_from_a_notebook_or_the_board_is_printed(
    world: World, networks: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    import weasyprint

    consent(world.member)
    write(world.member, "network_map", {"items": [], "widen": "Notebook-secret-42", "notes": ""})
    write(world.member, "goals", {"goals": ["Goal-secret-43", "", ""], "notes": ""})
    PostFactory(author=world.second_member, text="Board-secret-44")
    seen: list[str] = []
    real_html = weasyprint.HTML

    def recording_html(*, string: str, base_url: Any) -> Any:
        seen.append(string)
        return real_html(string=string, base_url=base_url)

    monkeypatch.setattr(weasyprint, "HTML", recording_html)
    client = client_for(world.member.user)
    pages = [client.get(url(name, networks)).content.decode() for name in PAGES]
    pdfs = [client.get(url(name, networks)).content for name in PDFS]
    assert all(pdf.startswith(b"%PDF") for pdf in pdfs)
    for body in [*pages, *seen]:
        for secret in ("Notebook-secret-42", "Goal-secret-43", "Board-secret-44"):
            assert secret not in body
    assert len(seen) == 2


@pytest.mark.parametrize(("name", "budget"), [("guide", 7), ("handouts", 5)])
def test_a_print_page_costs_a_fixed_handful_of_queries(
    world: World,
    networks: Meeting,
    name: str,
    budget: int,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    # Session, user, membership and group, meeting, run; the guide adds the ground rules
    # and the facilitator's name. However many steps, tasks or members there are.
    GroundRulesVersionFactory(written_by=world.convener)
    run_of(networks)
    client = client_for(world.member.user)
    client.get(url(name, networks))  # the pinned pack is parsed once per process
    with django_assert_max_num_queries(budget):
        assert client.get(url(name, networks)).status_code == 200
