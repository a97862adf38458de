"""Date polls: propose times, answer yes / if need be / no, pick the time that suits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from booster.core.models import AuditEntry
from booster.meetings import selectors, services
from booster.meetings.models import DateAnswer, DatePoll, Meeting
from tests.factories import MeetingFactory
from tests.meetings.conftest import NOW
from tests.meetings.helpers import access_for, client_for
from tests.personas import World

SLOTS = [NOW + timedelta(days=days, hours=8) for days in (10, 11, 12, 13)]


@pytest.fixture
def undated(world: World) -> Meeting:
    return MeetingFactory(group=world.group, number=1, facilitator=world.second_member)


@pytest.fixture
def poll(world: World, undated: Meeting) -> DatePoll:
    return services.poll_create(
        access=access_for(world.convener), meeting=undated, slots=SLOTS, duration_minutes=150
    )


def _answer(world: World, persona: str, poll: DatePoll, answers: list[str]) -> None:
    membership = getattr(world, persona)
    slots = list(poll.slots.order_by("starts_at"))
    services.poll_answer(
        access=access_for(membership),
        poll=poll,
        answers={slot.pk: answer for slot, answer in zip(slots, answers, strict=True)},
    )


def test_times_that_suit_everyone_come_first_with_the_most_yes(
    world: World, poll: DatePoll
) -> None:
    #                                   day 10  day 11   day 12   day 13
    _answer(world, "convener", poll, ["yes", "maybe", "yes", "no"])
    _answer(world, "member", poll, ["yes", "yes", "maybe", "yes"])
    _answer(world, "second_member", poll, ["no", "yes", "yes", "yes"])
    table = selectors.poll_table(poll=poll)
    assert not table.suitable  # the guide has not answered yet
    _answer(world, "guide", poll, ["yes", "maybe", "yes", "yes"])
    table = selectors.poll_table(poll=poll)
    assert [row.slot.starts_at for row in table.suitable] == [SLOTS[2], SLOTS[1]]
    assert [(row.yes, row.maybe, row.no) for row in table.suitable] == [(3, 1, 0), (2, 2, 0)]
    assert [row.slot.starts_at for row in table.rows][:2] == [SLOTS[2], SLOTS[1]]
    assert [row.suits_everyone for row in table.rows] == [True, True, False, False]
    assert [person.display_name for person in table.people] == ["Cleo", "Mika", "Sanna", "Gunilla"]
    first = table.rows[0]
    assert [cell.answer for cell in first.cells] == ["yes", "maybe", "yes", "yes"]


def test_changing_my_answers_replaces_them(world: World, poll: DatePoll) -> None:
    _answer(world, "member", poll, ["yes", "yes", "yes", "yes"])
    _answer(world, "member", poll, ["no", "maybe", "yes", "no"])
    assert DateAnswer.objects.filter(membership=world.member).count() == 4
    assert sorted(selectors.my_answers(access=access_for(world.member), poll=poll).values()) == [
        "maybe",
        "no",
        "no",
        "yes",
    ]


def test_answers_must_cover_every_time_with_a_known_answer(world: World, poll: DatePoll) -> None:
    slots = list(poll.slots.all())
    with pytest.raises(ValidationError):
        services.poll_answer(
            access=access_for(world.member), poll=poll, answers={slots[0].pk: "yes"}
        )
    with pytest.raises(ValidationError):
        services.poll_answer(
            access=access_for(world.member),
            poll=poll,
            answers={slot.pk: "perhaps" for slot in slots},
        )
    assert not DateAnswer.objects.exists()


def test_creating_a_poll_checks_the_times(world: World, undated: Meeting) -> None:
    access = access_for(world.second_member)  # the facilitator may propose times
    with pytest.raises(ValidationError, match="at least one"):
        services.poll_create(access=access, meeting=undated, slots=[], duration_minutes=150)
    with pytest.raises(ValidationError, match="twice"):
        services.poll_create(
            access=access, meeting=undated, slots=[SLOTS[0], SLOTS[0]], duration_minutes=150
        )
    with pytest.raises(ValidationError, match="future"):
        services.poll_create(
            access=access, meeting=undated, slots=[NOW - timedelta(days=1)], duration_minutes=150
        )
    with pytest.raises(PermissionDenied):
        services.poll_create(
            access=access_for(world.member), meeting=undated, slots=SLOTS, duration_minutes=150
        )
    services.poll_create(access=access, meeting=undated, slots=SLOTS, duration_minutes=150)
    with pytest.raises(ValidationError, match="already has an open"):
        services.poll_create(access=access, meeting=undated, slots=SLOTS, duration_minutes=150)


def test_choosing_a_time_fixes_the_meeting_and_closes_the_poll(
    world: World, poll: DatePoll, undated: Meeting
) -> None:
    slot = poll.slots.get(starts_at=SLOTS[1])
    with pytest.raises(PermissionDenied):
        services.poll_choose(access=access_for(world.member), poll=poll, slot_id=slot.pk)
    result = services.poll_choose(
        access=access_for(world.second_member), poll=poll, slot_id=slot.pk
    )
    assert result.first_time
    undated.refresh_from_db()
    poll.refresh_from_db()
    assert undated.starts_at == SLOTS[1] and undated.sequence == 1
    assert poll.closed_at is not None and poll.chosen_slot_id == slot.pk
    assert len(mail.outbox) == 4
    assert AuditEntry.objects.filter(action="meetings.poll_chosen").count() == 1
    with pytest.raises(ValidationError, match="closed"):
        services.poll_choose(access=access_for(world.convener), poll=poll, slot_id=slot.pk)
    with pytest.raises(ValidationError, match="closed"):
        _answer(world, "member", poll, ["yes", "yes", "yes", "yes"])


# --- pages --------------------------------------------------------------------------------


def _poll_url(world: World, poll: DatePoll, name: str = "meetings:poll") -> str:
    return reverse(name, kwargs={"group_id": world.group.pk, "poll_id": poll.pk})


def test_the_poll_page_shows_times_in_my_zone_and_everyones_answers(
    world: World, poll: DatePoll
) -> None:
    _answer(world, "convener", poll, ["yes", "no", "maybe", "yes"])
    world.member.user.time_zone = "America/New_York"
    world.member.user.save()
    page = client_for(world.member.user).get(_poll_url(world, poll))
    text = page.content.decode()
    assert page.status_code == 200
    assert "America/New_York" in text
    assert "Mon 11 Mar, 13:00" in text  # 17:00 UTC is 13:00 in New York (summer time)
    assert "Cleo" in text and "Gunilla" in text
    assert "Fix the meeting" not in text  # a member does not choose


def test_answering_on_the_page_keeps_what_was_typed_when_incomplete(
    world: World, poll: DatePoll
) -> None:
    client = client_for(world.member.user)
    slots = list(poll.slots.order_by("starts_at"))
    data = {f"slot_{slots[0].pk}": "yes", f"slot_{slots[1].pk}": "no"}
    page = client.post(_poll_url(world, poll), data)
    assert page.status_code == 400
    assert b"Answer for this time." in page.content
    assert f'value="no" id="id_slot_{slots[1].pk}_2" required checked'.encode() in page.content
    assert not DateAnswer.objects.exists()
    data.update({f"slot_{slots[2].pk}": "maybe", f"slot_{slots[3].pk}": "yes"})
    assert client.post(_poll_url(world, poll), data).status_code == 302
    assert DateAnswer.objects.filter(membership=world.member).count() == 4


def test_creating_a_poll_on_the_page(world: World, undated: Meeting) -> None:
    client = client_for(world.second_member.user)  # Helsinki time
    url = reverse(
        "meetings:poll_create", kwargs={"group_id": world.group.pk, "meeting_id": undated.pk}
    )
    page = client.get(url)
    assert b"Europe/Helsinki" in page.content
    bad = client.post(url, {"duration_minutes": "150", "date_1": "2030-03-12", "time_2": "18:00"})
    assert bad.status_code == 200
    assert b"Give the time for this date too." in bad.content
    assert b"Give the date for this time too." in bad.content
    assert b'value="2030-03-12"' in bad.content
    good = client.post(
        url,
        {
            "duration_minutes": "150",
            "date_1": "2030-03-12",
            "time_1": "18:00",
            "date_2": "2030-03-13",
            "time_2": "17:30",
        },
    )
    assert good.status_code == 302
    created = DatePoll.objects.get(meeting=undated)
    assert sorted(created.slots.values_list("starts_at", flat=True)) == [
        datetime(2030, 3, 12, 16, 0, tzinfo=UTC),
        datetime(2030, 3, 13, 15, 30, tzinfo=UTC),
    ]


def test_choosing_on_the_page(world: World, poll: DatePoll, undated: Meeting) -> None:
    client = client_for(world.convener.user)
    page = client.get(_poll_url(world, poll))
    assert b"Fix the meeting" in page.content
    assert client.post(_poll_url(world, poll, "meetings:poll_choose"), {}).status_code == 400
    slot = poll.slots.get(starts_at=SLOTS[3])
    response = client.post(_poll_url(world, poll, "meetings:poll_choose"), {"slot": slot.pk})
    assert response.status_code == 302
    assert response.url == reverse(
        "meetings:detail", kwargs={"group_id": world.group.pk, "meeting_id": undated.pk}
    )
    undated.refresh_from_db()
    assert undated.starts_at == SLOTS[3]
