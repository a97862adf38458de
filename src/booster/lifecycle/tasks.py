"""The retention sweep as a background task that schedules its own next run, every hour:
closing notices go out within the hour a group closes, reminders a week before the
deletion, and the deletion on its day."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from booster.lifecycle.services import retention_sweep

SWEEP_EVERY = timedelta(hours=1)


def _sweep_already_scheduled() -> bool:
    """Whether the database queue already holds a sweep waiting its turn."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(retention_sweep_run.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=retention_sweep_run.module_path, status=TaskResultStatus.READY
    ).exists()


def retention_sweep_schedule(*, now: datetime | None = None) -> datetime | None:
    """Queue the next run, only on a backend that can wait (the immediate backend of the
    tests would run it at once, again and again) and only when none is waiting."""
    if not retention_sweep_run.get_backend().supports_defer or _sweep_already_scheduled():
        return None
    run_after = (now or timezone.now()) + SWEEP_EVERY
    retention_sweep_run.using(run_after=run_after).enqueue()
    return run_after


@task()
def retention_sweep_run() -> dict[str, int]:
    """Send due notices and reminders, delete what is due, then schedule the next run."""
    counts = retention_sweep()
    retention_sweep_schedule()
    return counts
