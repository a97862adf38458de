"""The tasks that schedule their own next run queue it once, whoever asks and how often."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from booster.board.tasks import board_digest_schedule, board_digest_send
from booster.calls.tasks import call_signups_sweep, call_signups_sweep_schedule
from booster.feedback.tasks import feedback_release_schedule, feedback_release_send
from booster.lifecycle.tasks import retention_sweep_run, retention_sweep_schedule

pytestmark = pytest.mark.django_db

SCHEDULES = [
    (board_digest_schedule, board_digest_send),
    (call_signups_sweep_schedule, call_signups_sweep),
    (feedback_release_schedule, feedback_release_send),
    (retention_sweep_schedule, retention_sweep_run),
]


@pytest.mark.parametrize(("schedule", "task"), SCHEDULES)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_next_run_is_queued_once(
    schedule: Callable[..., datetime | None], task: object
) -> None:
    run_after = schedule()
    assert run_after is not None and run_after > timezone.now()
    assert schedule() is None
    assert schedule(now=timezone.now()) is None
    waiting = DBTaskResult.objects.filter(task_path=task.module_path)  # type: ignore[attr-defined]
    assert waiting.count() == 1
    assert waiting.get().run_after == run_after


@pytest.mark.parametrize(("schedule", "task"), SCHEDULES)
def test_a_backend_that_cannot_wait_schedules_nothing(
    schedule: Callable[..., datetime | None], task: object
) -> None:
    # The tests' immediate backend would run the task at once, again and again.
    assert schedule() is None
    assert not DBTaskResult.objects.exists()
