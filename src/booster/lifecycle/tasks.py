"""The retention sweep as a background task that schedules its own next run, every hour:
closing notices go out within the hour a group closes, reminders a week before the
deletion, and the deletion on its day."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from booster.core.tasks import schedule_once
from booster.lifecycle.services import retention_sweep

SWEEP_EVERY = timedelta(hours=1)


def retention_sweep_schedule(*, now: datetime | None = None) -> datetime | None:
    """Queue the next run, only on a backend that can wait (the immediate backend of the
    tests would run it at once, again and again) and only when none is waiting."""
    return schedule_once(retention_sweep_run, (now or timezone.now()) + SWEEP_EVERY)


@task()
def retention_sweep_run() -> dict[str, int]:
    """Send due notices and reminders, delete what is due, then schedule the next run."""
    counts = retention_sweep()
    retention_sweep_schedule()
    return counts
