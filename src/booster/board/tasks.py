"""The daily board digest as a background task that schedules its own next run."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks import task

from booster.board.services import board_digests_send
from booster.core.tasks import schedule_once

# Digests go out in the morning, Finnish time, the programme's home.
DIGEST_TIME = time(7, 0)
DIGEST_TIME_ZONE = zoneinfo.ZoneInfo("Europe/Helsinki")


def next_digest_time(*, now: datetime) -> datetime:
    """The next 07:00 in Helsinki strictly after ``now`` (right across daylight-saving days)."""
    local = now.astimezone(DIGEST_TIME_ZONE)
    candidate = datetime.combine(local.date(), DIGEST_TIME, tzinfo=DIGEST_TIME_ZONE)
    if candidate <= local:
        candidate = datetime.combine(
            local.date() + timedelta(days=1), DIGEST_TIME, tzinfo=DIGEST_TIME_ZONE
        )
    return candidate


def board_digest_schedule(*, now: datetime | None = None) -> datetime | None:
    """Queue the next daily run. Only on a backend that can wait (the database queue):
    the immediate backend of the tests would run it at once, again and again."""
    return schedule_once(board_digest_send, next_digest_time(now=now or timezone.now()))


@task()
def board_digest_send() -> int:
    """Send every due board digest, then schedule tomorrow's run."""
    sent = board_digests_send()
    board_digest_schedule()
    return sent
