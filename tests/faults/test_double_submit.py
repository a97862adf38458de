"""The same form submitted twice: no duplicate.

A double click, a browser retrying a slow answer, or reload-and-resend posts the same form
again. For every form where a second copy would hurt, the same POST is sent twice in a row
and exactly one row (and one e-mail) must come of it. Answering a date poll and joining
through an invitation are also sent twice at the same moment from two threads, on a
database every thread reaches (PostgreSQL, or SQLite in a file).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from booster.board.models import Post
from booster.groups import services as group_services
from booster.groups.models import Concern, Group, Invite, Membership
from booster.meetings import services as meeting_services
from booster.meetings.models import Absence, DateAnswer, DatePoll, Meeting
from booster.planning.models import GoalProposal, RuleWish
from booster.programme.models import PackVersion
from tests.factories import MeetingFactory, UserFactory
from tests.groups.test_concurrency import shared_database  # noqa: F401 - a fixture
from tests.meetings.helpers import access_for
from tests.personas import World


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def twice(client: Client, url: str, data: dict[str, str]) -> list[int]:
    """The same POST, twice in a row, as a double click sends it."""
    return [client.post(url, data).status_code for _ in range(2)]


# --- twice in a row -----------------------------------------------------------------------


@pytest.mark.django_db
def test_creating_a_group_twice_makes_one_group(booster_pack: PackVersion) -> None:
    user = UserFactory(display_name="Cleo")
    data = {
        "name": "Evening lanterns",
        "description": "Freelance musicians in Turku.",
        "language": "en",
        "form": "remote",
        "video_link": "https://meet.example.org/lanterns",
        "country": "FI",
        "time_zone": "Europe/Helsinki",
        "opening": "fixed",
        "opening_date": (date.today() + timedelta(days=30)).isoformat(),
        "opening_time": "18:00",
        "opening_length": "150",
        "display_name": "Cleo",
        "accept_principles": "on",
    }
    client = client_for(user)
    first = client.post(reverse("groups:create"), data)
    second = client.post(reverse("groups:create"), data)
    group = Group.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]  # both lead to the one group
    assert Membership.objects.filter(group=group).count() == 1
    assert Meeting.objects.filter(group=group).count() == 1
    # A second group of another name is still a second group.
    client.post(reverse("groups:create"), {**data, "name": "Morning lanterns"})
    assert Group.objects.count() == 2


@pytest.mark.django_db
def test_sending_invitations_twice_sends_each_once(world: World) -> None:
    url = reverse("groups:invite_email_send", kwargs={"group_id": world.group.pk})
    data = {
        "email-addresses": "ada@example.org, bo@example.org",
        "email-days": "7",
        "email-role": "member",
    }
    assert twice(client_for(world.convener.user), url, data) == [302, 302]
    invites = Invite.objects.filter(group=world.group, kind=Invite.Kind.EMAIL)
    assert sorted(invites.values_list("email", flat=True)) == ["ada@example.org", "bo@example.org"]
    assert sorted(message.to[0] for message in mail.outbox) == ["ada@example.org", "bo@example.org"]
    # A new address in a later submission is invited; the earlier ones are not again.
    client_for(world.convener.user).post(
        url, {**data, "email-addresses": "bo@example.org, cy@example.org"}
    )
    assert invites.count() == 3 and len(mail.outbox) == 3


@pytest.mark.django_db
def test_proposing_a_goal_twice_makes_one_proposal(world: World) -> None:
    url = reverse("planning:goal_propose", args=[world.group.pk])
    assert twice(client_for(world.member.user), url, {"text": "Ask for fair fees"}) == [302, 302]
    assert GoalProposal.objects.filter(group=world.group).count() == 1
    # Someone else proposing the same goal is a second voice, not a duplicate.
    client_for(world.second_member.user).post(url, {"text": "Ask for fair fees"})
    assert GoalProposal.objects.filter(group=world.group).count() == 2


@pytest.mark.django_db
def test_adding_a_rule_wish_twice_makes_one_wish(world: World) -> None:
    url = reverse("planning:rule_wish_add", args=[world.group.pk])
    assert twice(client_for(world.member.user), url, {"text": "Phones away"}) == [302, 302]
    assert RuleWish.objects.filter(group=world.group).count() == 1


@pytest.mark.django_db
def test_posting_on_the_board_twice_makes_one_post(world: World) -> None:
    url = reverse("board:index", kwargs={"group_id": world.group.pk})
    data = {"text": "See you on Tuesday!", "link": "https://example.org/notes"}
    assert twice(client_for(world.member.user), url, data) == [302, 302]
    assert Post.objects.filter(group=world.group).count() == 1
    # Another message is another post.
    client_for(world.member.user).post(url, {"text": "And bring the notes", "link": ""})
    assert Post.objects.filter(group=world.group).count() == 2


@pytest.mark.django_db
def test_raising_a_concern_twice_tells_the_stewards_once(world: World) -> None:
    url = reverse("groups:concern_new", kwargs={"group_id": world.group.pk})
    data = {"text": "Someone shares outside"}
    assert twice(client_for(world.member.user), url, data) == [302, 302]
    assert Concern.objects.filter(group=world.group).count() == 1
    stewards = world.group.memberships.stewards().exclude(pk=world.member.pk).count()
    assert len(mail.outbox) == stewards


@pytest.mark.django_db
def test_reporting_an_absence_twice_makes_one_absence(world: World) -> None:
    meeting = MeetingFactory(group=world.group, number=1, starts_at=_soon())
    url = reverse("meetings:absence", kwargs={"group_id": world.group.pk, "meeting_id": meeting.pk})
    assert twice(client_for(world.member.user), url, {"note": "Sick child"}) == [302, 302]
    assert Absence.objects.get(meeting=meeting).note == "Sick child"


@pytest.mark.django_db
def test_answering_a_date_poll_twice_keeps_one_answer_per_time(world: World) -> None:
    poll = _poll(world)
    url = reverse("meetings:poll", kwargs={"group_id": world.group.pk, "poll_id": poll.pk})
    data = _poll_answers(poll, ["yes", "maybe", "no"])
    assert twice(client_for(world.member.user), url, data) == [302, 302]
    assert _answers_of(world.member, poll) == ["yes", "maybe", "no"]


@pytest.mark.django_db
def test_joining_by_a_link_twice_makes_one_membership(world: World) -> None:
    invite = group_services.invite_link_create(
        actor=world.convener.user, group=world.group, days=14, role="member"
    )
    person = UserFactory(display_name="Noa")
    url = reverse("groups:join", kwargs={"token": invite.token})
    data = {"display_name": "Noa", "accept_principles": "on"}
    assert twice(client_for(person), url, data) == [302, 302]
    assert Membership.objects.filter(group=world.group, user=person).count() == 1
    invite.refresh_from_db()
    assert invite.uses == 1


@pytest.mark.django_db
def test_joining_by_an_emailed_invitation_twice_lands_in_the_group_both_times(
    world: World,
) -> None:
    """A single-use invitation is used up by the first submission; the second must still
    take the new member to the group, not say the invitation was used."""
    (invite,) = group_services.invite_emails_send(
        actor=world.convener.user,
        group=world.group,
        addresses=["noa@example.org"],
        days=7,
        role="member",
    )
    person = UserFactory(display_name="Noa", email="noa@example.org")
    client = client_for(person)
    url = reverse("groups:join", kwargs={"token": invite.token})
    data = {"display_name": "Noa", "accept_principles": "on"}
    first = client.post(url, data)
    second = client.post(url, data)
    home = reverse("groups:home", kwargs={"group_id": world.group.pk})
    assert (first.status_code, first["Location"]) == (302, home)
    assert Membership.objects.filter(group=world.group, user=person).count() == 1
    assert (second.status_code, second.get("Location")) == (302, home)


# --- twice at the same moment ---------------------------------------------------------------


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; returns results or exceptions."""
    from django.db import connection as main_connection

    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        from django.db import connection

        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert main_connection.vendor != "sqlite" or not main_connection.is_in_memory_db()
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("answers", [("yes", "yes"), ("yes", "no")], ids=["same", "changed"])
def test_a_date_poll_answered_twice_at_once_keeps_one_answer_per_time(
    shared_database: None,  # noqa: F811
    world: World,
    answers: tuple[str, str],
) -> None:
    poll = _poll(world)
    access = access_for(world.member)
    slots = list(poll.slots.order_by("starts_at"))

    def answer(value: str) -> Callable[[], None]:
        return lambda: meeting_services.poll_answer(
            access=access, poll=poll, answers={slot.pk: value for slot in slots}
        )

    for _round in range(3):
        results = at_once(answer(answers[0]), answer(answers[1]))
        assert results == [None, None], results
        saved = _answers_of(world.member, poll)
        assert len(saved) == len(slots)
        # One submission wins whole: never half of one and half of the other.
        assert len(set(saved)) == 1 and saved[0] in answers


@pytest.mark.django_db(transaction=True)
def test_of_two_racing_poll_answers_the_later_one_is_kept(
    shared_database: None,  # noqa: F811
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The second submission reads no answers yet, the first one saves meanwhile, then the
    second saves: the second's answers must be the ones kept (they used to be dropped,
    with an IntegrityError swallowed on PostgreSQL)."""
    poll = _poll(world)
    access = access_for(world.member)
    slots = list(poll.slots.order_by("starts_at"))
    real_bulk_create = DateAnswer.objects.bulk_create
    raced: list[bool] = []

    def bulk_create_after_the_other(*args: Any, **kwargs: Any) -> Any:
        if not raced:
            raced.append(True)
            (first,) = at_once(
                lambda: meeting_services.poll_answer(
                    access=access, poll=poll, answers={slot.pk: "yes" for slot in slots}
                )
            )
            assert first is None, first
        return real_bulk_create(*args, **kwargs)

    monkeypatch.setattr(DateAnswer.objects, "bulk_create", bulk_create_after_the_other)
    meeting_services.poll_answer(
        access=access, poll=poll, answers={slot.pk: "no" for slot in slots}
    )
    assert raced
    assert _answers_of(world.member, poll) == ["no"] * len(slots)


@pytest.mark.django_db(transaction=True)
def test_joining_twice_at_once_makes_one_membership_and_uses_the_invitation_once(
    shared_database: None,  # noqa: F811
    world: World,
) -> None:
    invite = group_services.invite_link_create(
        actor=world.convener.user, group=world.group, days=14, role="member"
    )
    url = reverse("groups:join", kwargs={"token": invite.token})
    people = [UserFactory(display_name=f"Racer {n}") for n in range(3)]
    clients = [client_for(person) for person in people]
    data = {"display_name": "Racer", "accept_principles": "on"}
    home = reverse("groups:home", kwargs={"group_id": world.group.pk})
    for client, person in zip(clients, people, strict=True):
        results = at_once(lambda c=client: c.post(url, data), lambda c=client: c.post(url, data))
        assert all(getattr(r, "status_code", r) == 302 for r in results), results
        assert all(r["Location"] == home for r in results)
        assert Membership.objects.filter(group=world.group, user=person).count() == 1
    invite.refresh_from_db()
    assert invite.uses == len(people)
    seats = list(world.group.memberships.members().values_list("seat", flat=True))
    assert sorted(seats) == list(range(1, len(seats) + 1))


@pytest.mark.django_db(transaction=True)
def test_a_board_post_sent_twice_at_once_is_one_post(
    shared_database: None,  # noqa: F811
    world: World,
) -> None:
    from booster.board import services as board_services

    access = access_for(world.member)
    for n in range(3):

        def post(text: str = f"Message {n}") -> Post:
            return board_services.post_create(access=access, text=text)

        first, second = at_once(post, post)
        assert isinstance(first, Post) and first.pk == getattr(second, "pk", second)
    assert Post.objects.filter(group=world.group).count() == 3


# --- helpers ------------------------------------------------------------------------------


def _soon() -> Any:
    from django.utils import timezone

    return timezone.now() + timedelta(days=7)


def _poll(world: World) -> DatePoll:
    undated = MeetingFactory(group=world.group, number=1, facilitator=world.second_member)
    base = _soon()
    return meeting_services.poll_create(
        access=access_for(world.convener),
        meeting=undated,
        slots=[base + timedelta(days=n) for n in range(3)],
        duration_minutes=150,
    )


def _poll_answers(poll: DatePoll, values: list[str]) -> dict[str, str]:
    slots = list(poll.slots.order_by("starts_at"))
    return {f"slot_{slot.pk}": value for slot, value in zip(slots, values, strict=True)}


def _answers_of(membership: Membership, poll: DatePoll) -> list[str]:
    return list(
        DateAnswer.objects.filter(membership=membership, slot__poll=poll)
        .order_by("slot__starts_at")
        .values_list("answer", flat=True)
    )
