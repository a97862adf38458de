"""The daily sweep that deletes sign-ups never placed in a group once their call's
retention period is over. It schedules its own next run, like the board digest."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from booster.calls.services import signups_expired_delete
from booster.core.tasks import schedule_once

SWEEP_EVERY = timedelta(days=1)


def call_signups_sweep_schedule(*, now: datetime | None = None) -> datetime | None:
    """Queue the next run, a day from now, where the backend can wait (not the immediate
    backend of the tests, which would run it at once, again and again)."""
    return schedule_once(call_signups_sweep, (now or timezone.now()) + SWEEP_EVERY)


@task()
def call_signups_sweep() -> int:
    """Delete the unplaced sign-ups that are due, then schedule tomorrow's run. Returns how
    many were deleted."""
    deleted = signups_expired_delete()
    call_signups_sweep_schedule()
    return deleted
