"""The daily feedback release: a safety net for the release made after each answer."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks import task

from booster.core.tasks import schedule_once
from booster.feedback.services import feedback_releases_due

RELEASE_TIME = time(3, 30)
RELEASE_TIME_ZONE = zoneinfo.ZoneInfo("Europe/Helsinki")


def next_release_time(*, now: datetime) -> datetime:
    """The next 03:30 in Helsinki strictly after ``now``."""
    local = now.astimezone(RELEASE_TIME_ZONE)
    candidate = datetime.combine(local.date(), RELEASE_TIME, tzinfo=RELEASE_TIME_ZONE)
    if candidate <= local:
        candidate = datetime.combine(
            local.date() + timedelta(days=1), RELEASE_TIME, tzinfo=RELEASE_TIME_ZONE
        )
    return candidate


def feedback_release_schedule(*, now: datetime | None = None) -> datetime | None:
    """Queue the next daily sweep, on a backend that can wait (the database queue) and
    only when none is waiting already."""
    return schedule_once(feedback_release_send, next_release_time(now=now or timezone.now()))


@task()
def feedback_release_send() -> int:
    """Release every organisation's due feedback, then schedule tomorrow's sweep."""
    made = feedback_releases_due()
    feedback_release_schedule()
    return made
