"""Query counts of the meeting pages stay the same with more members, meetings and times."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from booster.meetings import services
from booster.meetings.models import Absence, DateAnswer, DatePoll, FacilitatorSwap, Meeting
from booster.meetings.services import meetings_sync_to_plan
from tests.factories import MembershipFactory
from tests.meetings.conftest import NOW
from tests.meetings.helpers import access_for, client_for
from tests.personas import World

SHORT = ["opening", "money", "closing"]
LONG = [
    "opening",
    "work_ability",
    "professional_identity",
    "self_leadership",
    "competence",
    "money",
    "collaboration",
    "networks",
    "closing",
]
MAX_QUERIES = 10


def _queries(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200, url
    return len(captured)


def _grow(world: World, meeting: Meeting, poll: DatePoll) -> None:
    """Six more members, all meetings planned and dated with facilitators, more poll times,
    absences and answers."""
    people = [MembershipFactory(group=world.group) for _ in range(6)]
    meetings_sync_to_plan(group=world.group, theme_keys=LONG, actor=None)
    for number, row in enumerate(Meeting.objects.filter(group=world.group), start=1):
        row.starts_at = NOW + timedelta(days=7 * number)
        row.facilitator = people[number % len(people)]
        row.timekeeper = world.guide
        row.save()
    for person in people:
        Absence.objects.create(meeting=meeting, membership=person, note="away")
    slots = list(poll.slots.all())
    for day in range(20, 30):
        slots.append(poll.slots.create(starts_at=NOW + timedelta(days=day)))
    for person in [*people, world.member, world.guide]:
        for slot in slots:
            DateAnswer.objects.get_or_create(
                slot=slot, membership=person, defaults={"answer": "yes"}
            )
    meeting.refresh_from_db()
    FacilitatorSwap.objects.create(meeting=meeting, requested_by=meeting.facilitator)


def test_pages_do_not_grow(world: World, meeting: Meeting) -> None:
    meetings_sync_to_plan(group=world.group, theme_keys=SHORT, actor=None)
    poll = services.poll_create(
        access=access_for(world.convener),
        meeting=Meeting.objects.get(group=world.group, number=2),
        slots=[NOW + timedelta(days=10), NOW + timedelta(days=11)],
        duration_minutes=150,
    )
    services.poll_answer(
        access=access_for(world.member),
        poll=poll,
        answers={slot.pk: "maybe" for slot in poll.slots.all()},
    )
    feed = services.calendar_feed_create(user=world.second_member.user)
    group_id = world.group.pk
    urls = {
        "list": reverse("meetings:list", kwargs={"group_id": group_id}),
        "rota": reverse("meetings:rota", kwargs={"group_id": group_id}),
        "detail": reverse(
            "meetings:detail", kwargs={"group_id": group_id, "meeting_id": meeting.pk}
        ),
        "poll": reverse("meetings:poll", kwargs={"group_id": group_id, "poll_id": poll.pk}),
        "edit": reverse("meetings:edit", kwargs={"group_id": group_id, "meeting_id": meeting.pk}),
        "roles": reverse("meetings:roles", kwargs={"group_id": group_id, "meeting_id": meeting.pk}),
        "ics": reverse("meetings:ics", kwargs={"group_id": group_id, "meeting_id": meeting.pk}),
        "feed": reverse("calendar:feed", kwargs={"token": feed.token}),
    }
    client = client_for(world.convener.user)  # a steward sees the most
    for url in urls.values():
        _queries(client, url)  # warm caches (the pack, the session)
    before = {name: _queries(client, url) for name, url in urls.items()}
    _grow(world, meeting, poll)
    after = {name: _queries(client, url) for name, url in urls.items()}
    assert after == before
    assert max(after.values()) <= MAX_QUERIES, after
