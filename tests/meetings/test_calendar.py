"""Calendar files: one per meeting, and a person's secret feed of all their meetings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.urls import reverse
from icalendar import Calendar

from booster.meetings import services
from booster.meetings.models import CalendarFeed, Meeting
from booster.programme.selectors import pack_for_version
from tests.factories import MeetingFactory, MembershipFactory
from tests.meetings.helpers import access_for, client_for, remove_member
from tests.personas import World


def _ics_url(meeting: Meeting, language: str = "en") -> str:
    return f"/{language}/groups/{meeting.group_id}/meetings/{meeting.pk}/calendar.ics"


def _events(content: bytes) -> list[object]:
    calendar = Calendar.from_ical(content)
    assert calendar["PRODID"] == "-//Booster//Booster meetings//EN"
    assert calendar["VERSION"] == "2.0"
    return list(calendar.walk("VEVENT"))


def _title(world: World, key: str, language: str) -> str:
    return pack_for_version(version_id=world.group.pack_version_id).theme(key).title.get(language)


def test_one_meetings_file(world: World, meeting: Meeting) -> None:
    response = client_for(world.member.user).get(_ics_url(meeting))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    (event,) = _events(response.content)
    assert str(event["UID"]) == f"{meeting.uid}@booster"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTSTART").tzinfo is not None
    assert event["DTSTART"].to_ical() == b"20300308T090000Z"
    assert event.decoded("DTEND") == meeting.starts_at + timedelta(minutes=150)  # type: ignore[operator]
    assert "DTSTAMP" in event
    assert str(event["SUMMARY"]) == f"Lantern group: {_title(world, 'opening', 'en')}"
    assert str(event["LOCATION"]) == "https://meet.example.org/booster"
    assert str(event["URL"]).endswith(f"/en/groups/{world.group.pk}/meetings/{meeting.pk}/")
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"


def test_the_file_speaks_the_pages_language(world: World, meeting: Meeting) -> None:
    response = client_for(world.member.user).get(_ics_url(meeting, "fi"))
    (event,) = _events(response.content)
    assert str(event["SUMMARY"]) == f"Lantern group: {_title(world, 'opening', 'fi')}"
    assert f"/fi/groups/{world.group.pk}/" in str(event["URL"])


def test_a_moved_meeting_keeps_its_uid_with_a_higher_sequence(
    world: World, meeting: Meeting
) -> None:
    client = client_for(world.member.user)
    (before,) = _events(client.get(_ics_url(meeting)).content)
    services.meeting_schedule(
        access=access_for(world.convener),
        meeting=meeting,
        starts_at=datetime(2030, 3, 9, 16, 0, tzinfo=UTC),
        duration_minutes=180,
        form="face_to_face",
        place="Kaapelitehdas, studio 3",
        video_link="",
    )
    (after,) = _events(client.get(_ics_url(meeting)).content)
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after["DTSTART"].to_ical() == b"20300309T160000Z"
    assert after["DTEND"].to_ical() == b"20300309T190000Z"
    assert str(after["LOCATION"]) == "Kaapelitehdas, studio 3"

    services.meeting_cancel(access=access_for(world.convener), meeting=meeting)
    (cancelled,) = _events(client.get(_ics_url(meeting)).content)
    assert cancelled["UID"] == before["UID"]
    assert cancelled["SEQUENCE"] > after["SEQUENCE"]
    assert str(cancelled["STATUS"]) == "CANCELLED"


def test_a_meeting_without_a_date_has_no_file(world: World) -> None:
    undated = MeetingFactory(group=world.group, number=2, theme_key="money")
    assert client_for(world.member.user).get(_ics_url(undated)).status_code == 404


def _feed_url(feed: CalendarFeed) -> str:
    return reverse("calendar:feed", kwargs={"token": feed.token})


def test_the_personal_feed_holds_my_meetings_in_all_my_groups(
    world: World, meeting: Meeting
) -> None:
    user = world.member.user
    user.language = "sv"
    user.save()
    second_group_membership = MembershipFactory(group=world.other_group, user=user)
    elsewhere = MeetingFactory(
        group=world.other_group,
        number=1,
        starts_at=meeting.starts_at + timedelta(days=3),  # type: ignore[operator]
    )
    cancelled = MeetingFactory(
        group=world.group,
        number=2,
        theme_key="money",
        starts_at=meeting.starts_at + timedelta(days=14),  # type: ignore[operator]
        state="cancelled",
        sequence=3,
    )
    MeetingFactory(group=world.group, number=3, theme_key="networks")  # no date: not in feeds
    feed = services.calendar_feed_create(user=user)

    response = client_for(None).get(_feed_url(feed))  # no login: the token is the key
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "no-store"
    events = {str(event["UID"]): event for event in _events(response.content)}
    assert set(events) == {f"{m.uid}@booster" for m in (meeting, elsewhere, cancelled)}
    assert str(events[f"{cancelled.uid}@booster"]["STATUS"]) == "CANCELLED"
    assert events[f"{cancelled.uid}@booster"]["SEQUENCE"] == 3
    summary = str(events[f"{meeting.uid}@booster"]["SUMMARY"])
    assert summary == f"Lantern group: {_title(world, 'opening', 'sv')}"
    assert "/sv/groups/" in str(events[f"{meeting.uid}@booster"]["URL"])

    # Leaving a group takes its meetings out of the feed.
    remove_member(second_group_membership)
    events_after = _events(client_for(None).get(_feed_url(feed)).content)
    assert f"{elsewhere.uid}@booster" not in {str(event["UID"]) for event in events_after}


def test_a_new_address_revokes_the_old_one(world: World, meeting: Meeting) -> None:
    old = services.calendar_feed_create(user=world.member.user)
    old_token, old_url = old.token, _feed_url(old)
    new = services.calendar_feed_create(user=world.member.user)
    assert new.token != old_token
    anonymous = client_for(None)
    assert anonymous.get(old_url).status_code == 404
    assert anonymous.get(_feed_url(new)).status_code == 200
    assert anonymous.get("/calendar/not-a-real-token.ics").status_code == 404
    assert CalendarFeed.objects.filter(user=world.member.user).count() == 1


def test_the_settings_page_makes_and_renews_the_address(world: World, meeting: Meeting) -> None:
    client = client_for(world.member.user)
    url = reverse("meetings:calendar_settings", kwargs={"group_id": world.group.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert b"Make my calendar address" in page.content
    assert client.post(url).status_code == 302
    first = CalendarFeed.objects.get(user=world.member.user)
    page = client.get(url)
    assert f"http://127.0.0.1:8000/calendar/{first.token}.ics".encode() in page.content
    assert b"Make a new address" in page.content
    client.post(url)
    second = CalendarFeed.objects.get(user=world.member.user)
    assert second.token != first.token
    assert client_for(None).get(f"/calendar/{first.token}.ics").status_code == 404


def test_an_inactive_account_has_no_feed(world: World, meeting: Meeting) -> None:
    feed = services.calendar_feed_create(user=world.member.user)
    world.member.user.is_active = False
    world.member.user.save()
    assert client_for(None).get(_feed_url(feed)).status_code == 404
