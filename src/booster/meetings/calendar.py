"""iCalendar output: one file per meeting and a person's feed of all their meetings.

Each meeting keeps one UID for life and raises SEQUENCE whenever it changes, so calendar
programs update (or strike out, when cancelled) the event they already have.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, timedelta

from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from booster.meetings.models import Meeting
from booster.meetings.selectors import theme_text
from booster.meetings.services import meeting_url
from booster.programme.selectors import pack_for_version

PRODID = "-//Booster//Booster meetings//EN"


def meeting_uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@booster"


def meeting_event(*, meeting: Meeting, language: str) -> Event:
    """The meeting as a VEVENT, its texts in ``language``. The meeting must have a date."""
    assert meeting.starts_at is not None
    pack = pack_for_version(version_id=meeting.group.pack_version_id)
    title = theme_text(pack=pack, theme_key=meeting.theme_key)
    with translation.override(language):
        theme = title.get(language) if title else meeting.theme_key
        event = Event()
        event.add("uid", meeting_uid(meeting))
        event.add("dtstamp", meeting.updated_at.astimezone(UTC))
        event.add("dtstart", meeting.starts_at.astimezone(UTC))
        event.add(
            "dtend",
            (meeting.starts_at + timedelta(minutes=meeting.duration_minutes)).astimezone(UTC),
        )
        event.add("sequence", meeting.sequence)
        event.add("summary", f"{meeting.group.name}: {theme}")
        location = meeting.place if meeting.form == "face_to_face" else meeting.video_link
        if location:
            event.add("location", location)
        url = meeting_url(meeting=meeting, language=language)
        event.add("url", url)
        event.add(
            "description",
            _("Meeting %(number)s of %(group)s.")
            % {"number": meeting.number, "group": meeting.group.name}
            + "\n"
            + url,
        )
        if meeting.state == Meeting.State.CANCELLED:
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED")
    return event


def calendar_bytes(*, meetings: Iterable[Meeting], language: str, name: str | None = None) -> bytes:
    """A VCALENDAR with each dated meeting."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for meeting in meetings:
        if meeting.starts_at is not None:
            calendar.add_component(meeting_event(meeting=meeting, language=language))
    return bytes(calendar.to_ical())
