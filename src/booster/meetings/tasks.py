"""Reminders 24 hours before each meeting, sent once per person and start time."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from booster.groups.models import Group, Membership
from booster.meetings.models import Absence, Meeting, ReminderSent

REMINDER_AHEAD = timedelta(hours=24)


def reminders_due(*, now: datetime | None = None) -> list[Meeting]:
    """Planned meetings of open groups that start within the next 24 hours."""
    now = now or timezone.now()
    return list(
        Meeting.objects.filter(
            state=Meeting.State.PLANNED,
            starts_at__gt=now,
            starts_at__lte=now + REMINDER_AHEAD,
        )
        .exclude(group__state=Group.State.CLOSED)
        .select_related("group")
        .order_by("starts_at", "id")
    )


def meeting_reminders_for(*, meeting: Meeting) -> int:
    """Remind everyone who wants reminders and has not reported an absence. A reminder is
    recorded before it is queued, so a second sweep (or worker) never sends it again."""
    from booster.meetings.services import meeting_notify

    assert meeting.starts_at is not None
    absent = Absence.objects.filter(meeting=meeting).values("membership_id")
    already = ReminderSent.objects.filter(meeting=meeting, starts_at=meeting.starts_at).values(
        "membership_id"
    )
    recipients = (
        Membership.objects.active()
        .filter(group_id=meeting.group_id, reminders=True)
        .exclude(pk__in=absent)
        .exclude(pk__in=already)
        .select_related("user")
        .order_by("id")
    )
    sent = 0
    for membership in recipients:
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    meeting=meeting, membership=membership, starts_at=meeting.starts_at
                )
                meeting_notify(
                    meeting=meeting, template="meeting_reminder", recipients=[membership]
                )
        except IntegrityError:
            continue  # another sweep got there first
        sent += 1
    return sent


@task()
def meeting_reminders_send(meeting_id: int | None = None, starts_at: str | None = None) -> int:
    """Send the reminders that are due. Queued for one meeting (``meeting_id`` with the
    ``starts_at`` it was queued for), it does nothing when the meeting has moved or was
    cancelled since; without arguments it sweeps every meeting (the cron command).
    Returns how many reminders were sent."""
    meetings = reminders_due()
    if meeting_id is not None:
        expected = datetime.fromisoformat(starts_at) if starts_at else None
        meetings = [
            meeting
            for meeting in meetings
            if meeting.pk == meeting_id and (expected is None or meeting.starts_at == expected)
        ]
    return sum(meeting_reminders_for(meeting=meeting) for meeting in meetings)
