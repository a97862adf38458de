"""meeting_schedule and meeting_cancel: rules, sequence, e-mails in each person's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext

from booster.core.models import AuditEntry
from booster.groups.models import Membership
from booster.meetings import services
from booster.meetings.models import Meeting
from booster.meetings.services import ScheduleResult
from booster.meetings.tasks import meeting_reminders_send
from booster.programme.selectors import pack_for_version
from tests.factories import MeetingFactory
from tests.meetings.conftest import NOW
from tests.meetings.helpers import access_for, close_group, mail_to
from tests.personas import World

START = datetime(2030, 3, 10, 15, 0, tzinfo=UTC)  # 17:00 in Helsinki, 16:00 in Stockholm


def _schedule(membership: Membership, meeting: Meeting, **changes: Any) -> ScheduleResult:
    values = {
        "starts_at": START,
        "duration_minutes": 150,
        "form": "remote",
        "place": "",
        "video_link": "https://meet.example.org/lantern",
    }
    values.update(changes)
    return services.meeting_schedule(access=access_for(membership), meeting=meeting, **values)


def _subject(language: str, msgid: str) -> str:
    """The subject as the catalogue of ``language`` words it (translators fill them in)."""
    with translation.override(language):
        return "Booster: " + gettext(msgid) % {"group": "Lantern group", "number": 1}


@pytest.fixture
def undated(world: World) -> Meeting:
    return MeetingFactory(group=world.group, number=1, facilitator=world.second_member)


def test_fixing_a_date_tells_everyone_in_their_language_and_time_zone(
    world: World, undated: Meeting
) -> None:
    world.member.user.language, world.member.user.time_zone = "sv", "Europe/Stockholm"
    world.member.user.save()
    world.guide.user.language, world.guide.user.time_zone = "fi", "Europe/Helsinki"
    world.guide.user.save()
    result = _schedule(world.convener, undated)
    assert result.changed and result.first_time and result.length_warning is None
    undated.refresh_from_db()
    assert undated.starts_at == START and undated.sequence == 1
    assert len(mail.outbox) == 4  # every active member and the guide

    (swedish,) = mail_to(world.member.user.email)
    assert swedish.subject == _subject("sv", "%(group)s: meeting %(number)s is fixed")
    assert "söndag 10 mars 2030 kl. 16:00" in swedish.body  # Swedish dates, Stockholm time
    assert "Europe/Stockholm" in swedish.body
    assert f"/sv/groups/{world.group.pk}/meetings/{undated.pk}/" in swedish.body
    opening = pack_for_version(version_id=world.group.pack_version_id).theme("opening").title
    assert opening.get("sv") in swedish.body

    (finnish,) = mail_to(world.guide.user.email)
    assert finnish.subject == _subject("fi", "%(group)s: meeting %(number)s is fixed")
    assert "sunnuntai 10. maaliskuuta 2030 klo 17.00" in finnish.body
    assert opening.get("fi") in finnish.body
    assert f"/fi/groups/{world.group.pk}/meetings/{undated.pk}/" in finnish.body

    (english,) = mail_to(world.convener.user.email)
    assert english.subject == "Booster: Lantern group: meeting 1 is fixed"
    assert "Sunday 10 March 2030, 17:00" in english.body
    assert opening.get("en") in english.body
    assert "https://meet.example.org/lantern" in english.body
    assert f"/en/groups/{world.group.pk}/meetings/{undated.pk}/calendar.ics" in english.body
    assert AuditEntry.objects.filter(action="meetings.meeting_fixed").count() == 1


def test_moving_raises_the_sequence_and_sends_meeting_moved(world: World, meeting: Meeting) -> None:
    uid = meeting.uid
    _schedule(world.second_member, meeting, starts_at=START + timedelta(days=1))
    meeting.refresh_from_db()
    assert meeting.uid == uid and meeting.sequence == 1
    assert {m.subject for m in mail.outbox} == {"Booster: Lantern group: meeting 1 has changed"}
    body = mail_to(world.member.user.email)[0].body
    assert "Monday 11 March 2030, 17:00" in body
    assert "It was due to start on Friday 8 March 2030, 11:00." in body


def test_a_change_of_place_only_is_announced_too(world: World, meeting: Meeting) -> None:
    _schedule(
        world.convener,
        meeting,
        starts_at=meeting.starts_at,
        form="face_to_face",
        place="Kulttuuritalo, room 2",
    )
    meeting.refresh_from_db()
    assert (meeting.form, meeting.place, meeting.video_link) == (
        "face_to_face",
        "Kulttuuritalo, room 2",
        "",  # never hybrid: a face-to-face meeting keeps no video link
    )
    body = mail_to(world.member.user.email)[0].body
    assert "Where: Kulttuuritalo, room 2" in body
    assert "It was due to start" not in body


def test_saving_the_same_values_changes_nothing(world: World, meeting: Meeting) -> None:
    result = _schedule(
        world.convener,
        meeting,
        starts_at=meeting.starts_at,
        video_link=meeting.video_link,
    )
    assert not result.changed
    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"form": "face_to_face", "place": "  "}, "place"),
        ({"form": "remote", "video_link": ""}, "video_link"),
        ({"form": "hybrid"}, "form"),
        ({"starts_at": NOW - timedelta(hours=1)}, "starts_at"),
        ({"duration_minutes": 10}, "duration_minutes"),
        ({"duration_minutes": 600}, "duration_minutes"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(
    world: World, meeting: Meeting, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        _schedule(world.convener, meeting, **changes)
    assert field in raised.value.message_dict
    meeting.refresh_from_db()
    assert meeting.sequence == 0 and meeting.starts_at == NOW + timedelta(days=7)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("minutes", "warned"), [(119, True), (120, False), (180, False), (181, True), (90, True)]
)
def test_a_length_outside_two_to_three_hours_is_allowed_with_a_warning(
    world: World, meeting: Meeting, minutes: int, warned: bool
) -> None:
    result = _schedule(world.convener, meeting, duration_minutes=minutes)
    assert result.changed
    assert (result.length_warning is not None) is warned
    if warned:
        assert "120–180" in str(result.length_warning)


def test_only_a_steward_or_the_facilitator_may_schedule(world: World, meeting: Meeting) -> None:
    with pytest.raises(PermissionDenied):
        _schedule(world.member, meeting)
    _schedule(world.guide, meeting)
    _schedule(world.second_member, meeting, starts_at=START + timedelta(hours=1))


def test_held_cancelled_and_closed_meetings_do_not_move(world: World, meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(state="held")
    meeting.refresh_from_db()
    with pytest.raises(ValidationError, match="held or cancelled"):
        _schedule(world.convener, meeting)
    Meeting.objects.filter(pk=meeting.pk).update(state="planned")
    meeting.refresh_from_db()
    close_group(world.group)
    with pytest.raises(PermissionDenied):
        _schedule(world.convener, meeting)


def test_cancelling_marks_the_meeting_and_tells_everyone(world: World, meeting: Meeting) -> None:
    services.meeting_cancel(access=access_for(world.second_member), meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.state == "cancelled" and meeting.sequence == 1
    assert len(mail.outbox) == 4
    assert "Friday 8 March 2030, 11:00" in mail_to(world.member.user.email)[0].body
    with pytest.raises(PermissionDenied):
        services.meeting_cancel(access=access_for(world.member), meeting=meeting)
    with pytest.raises(ValidationError):
        services.meeting_cancel(access=access_for(world.convener), meeting=meeting)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_scheduling_queues_the_reminder_for_24_hours_before(world: World, meeting: Meeting) -> None:
    backend = meeting_reminders_send.get_backend()
    backend.clear()  # type: ignore[attr-defined]
    _schedule(world.convener, meeting, starts_at=START)
    reminders = [r for r in backend.results if r.task.name == "meeting_reminders_send"]  # type: ignore[attr-defined]
    assert len(reminders) == 1
    assert reminders[0].task.run_after == START - timedelta(hours=24)
    assert reminders[0].kwargs == {"meeting_id": meeting.pk, "starts_at": START.isoformat()}
    # A change of place alone needs no new reminder.
    _schedule(world.convener, meeting, starts_at=START, form="face_to_face", place="Studio")
    assert len([r for r in backend.results if r.task.name == "meeting_reminders_send"]) == 1  # type: ignore[attr-defined]
