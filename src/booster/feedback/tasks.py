"""The daily feedback release: a safety net for the release made after each answer."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task

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


def _already_scheduled() -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(feedback_release_send.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=feedback_release_send.module_path, status=TaskResultStatus.READY
    ).exists()


def feedback_release_schedule(*, now: datetime | None = None) -> datetime | None:
    """Queue the next daily sweep, on a backend that can wait (the database queue) and
    only when none is waiting already."""
    if not feedback_release_send.get_backend().supports_defer or _already_scheduled():
        return None
    run_after = next_release_time(now=now or timezone.now())
    feedback_release_send.using(run_after=run_after).enqueue()
    return run_after


@task()
def feedback_release_send() -> int:
    """Release every organisation's due feedback, then schedule tomorrow's sweep."""
    made = feedback_releases_due()
    feedback_release_schedule()
    return made
