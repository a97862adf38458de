"""Reminders 24 hours before a meeting: once per person and start, in their language."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from booster.meetings import services
from booster.meetings.models import Absence, Meeting, ReminderSent
from booster.meetings.tasks import meeting_reminders_send
from tests.meetings.helpers import access_for, close_group, mail_to, remove_member
from tests.personas import World


def _due(meeting: Meeting) -> datetime:
    assert meeting.starts_at is not None
    return meeting.starts_at - timedelta(hours=24)


def test_nothing_is_sent_before_the_day(
    world: World, meeting: Meeting, time_machine: time_machine.TimeMachineFixture
) -> None:
    time_machine.move_to(_due(meeting) - timedelta(minutes=1), tick=False)
    assert meeting_reminders_send.call() == 0
    assert mail.outbox == []


def test_each_person_gets_one_reminder_however_often_the_sweep_runs(
    world: World, meeting: Meeting, time_machine: time_machine.TimeMachineFixture
) -> None:
    time_machine.move_to(_due(meeting), tick=False)
    assert meeting_reminders_send.call() == 4
    assert meeting_reminders_send.call() == 0
    time_machine.move_to(_due(meeting) + timedelta(hours=20), tick=False)
    assert meeting_reminders_send.call() == 0
    assert len(mail.outbox) == 4
    assert ReminderSent.objects.filter(meeting=meeting).count() == 4


def test_not_to_those_who_are_absent_turned_reminders_off_or_left(
    world: World, meeting: Meeting, time_machine: time_machine.TimeMachineFixture
) -> None:
    Absence.objects.create(meeting=meeting, membership=world.member)
    world.guide.reminders = False
    world.guide.save()
    remove_member(world.convener)
    time_machine.move_to(_due(meeting), tick=False)
    assert meeting_reminders_send.call() == 1
    assert [message.to for message in mail.outbox] == [[world.second_member.user.email]]


def test_cancelled_meetings_and_closed_groups_get_no_reminder(
    world: World, meeting: Meeting, time_machine: time_machine.TimeMachineFixture
) -> None:
    time_machine.move_to(_due(meeting), tick=False)
    Meeting.objects.filter(pk=meeting.pk).update(state="cancelled")
    assert meeting_reminders_send.call() == 0
    Meeting.objects.filter(pk=meeting.pk).update(state="planned")
    close_group(world.group)
    assert meeting_reminders_send.call() == 0


def test_a_moved_meeting_is_reminded_again_and_a_stale_task_does_nothing(
    world: World, meeting: Meeting, time_machine: time_machine.TimeMachineFixture
) -> None:
    old_start = meeting.starts_at
    assert old_start is not None
    time_machine.move_to(_due(meeting), tick=False)
    assert meeting_reminders_send.call(meeting_id=meeting.pk, starts_at=old_start.isoformat()) == 4
    services.meeting_schedule(
        access=access_for(world.convener),
        meeting=meeting,
        starts_at=old_start + timedelta(hours=3),
        duration_minutes=150,
        form="remote",
        place="",
        video_link=meeting.video_link,
    )
    mail.outbox.clear()
    # The task queued for the old start finds the meeting moved and sends nothing.
    assert meeting_reminders_send.call(meeting_id=meeting.pk, starts_at=old_start.isoformat()) == 0
    new_start = old_start + timedelta(hours=3)
    time_machine.move_to(new_start - timedelta(hours=24), tick=False)
    assert meeting_reminders_send.call(meeting_id=meeting.pk, starts_at=new_start.isoformat()) == 4
    assert ReminderSent.objects.filter(meeting=meeting).count() == 8


def test_reminders_in_swedish_finnish_and_english(
    world: World, meeting: Meeting, time_machine: time_machine.TimeMachineFixture
) -> None:
    for membership, language, zone in (
        (world.member, "sv", "Europe/Stockholm"),
        (world.guide, "fi", "Europe/Helsinki"),
        (world.convener, "en", "Europe/London"),
    ):
        membership.user.language, membership.user.time_zone = language, zone
        membership.user.save()
    time_machine.move_to(_due(meeting), tick=False)
    meeting_reminders_send.call()

    def subject(language: str) -> str:
        with translation.override(language):
            return "Booster: " + gettext("%(group)s: a reminder of meeting %(number)s") % {
                "group": "Lantern group",
                "number": 1,
            }

    (swedish,) = mail_to(world.member.user.email)
    assert swedish.subject == subject("sv")
    assert "fredag 8 mars 2030 kl. 10:00" in swedish.body  # 09:00 UTC in Stockholm
    assert f"/sv/groups/{world.group.pk}/meetings/{meeting.pk}/" in swedish.body
    (finnish,) = mail_to(world.guide.user.email)
    assert finnish.subject == subject("fi")
    assert "perjantai 8. maaliskuuta 2030 klo 11.00" in finnish.body
    assert f"/fi/groups/{world.group.pk}/meetings/{meeting.pk}/" in finnish.body
    (english,) = mail_to(world.convener.user.email)
    assert english.subject == "Booster: Lantern group: a reminder of meeting 1"
    assert "Friday 8 March 2030, 09:00" in english.body  # London
    assert "https://meet.example.org/booster" in english.body
    assert "turn these reminders off" in english.body


def test_the_send_reminders_command_runs_the_same_sweep(
    world: World, meeting: Meeting, time_machine: time_machine.TimeMachineFixture
) -> None:
    time_machine.move_to(_due(meeting), tick=False)
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "4 reminder(s) sent." in out.getvalue()
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "0 reminder(s) sent." in out.getvalue()
