"""The daily sweep that deletes sign-ups never placed in a group once their call's
retention period is over. It schedules its own next run, like the board digest."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from booster.calls.services import signups_expired_delete

SWEEP_EVERY = timedelta(days=1)


def _sweep_already_scheduled() -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(call_signups_sweep.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=call_signups_sweep.module_path, status=TaskResultStatus.READY
    ).exists()


def call_signups_sweep_schedule(*, now: datetime | None = None) -> datetime | None:
    """Queue the next run, a day from now, where the backend can wait (not the immediate
    backend of the tests, which would run it at once, again and again)."""
    if not call_signups_sweep.get_backend().supports_defer or _sweep_already_scheduled():
        return None
    run_after = (now or timezone.now()) + SWEEP_EVERY
    call_signups_sweep.using(run_after=run_after).enqueue()
    return run_after


@task()
def call_signups_sweep() -> int:
    """Delete the unplaced sign-ups that are due, then schedule tomorrow's run. Returns how
    many were deleted."""
    deleted = signups_expired_delete()
    call_signups_sweep_schedule()
    return deleted
