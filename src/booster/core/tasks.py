"""Looking after the task queue: tasks whose worker died are put back in the queue.

django-tasks' database worker marks a task RUNNING when it claims it and never looks at
it again: a worker killed mid-task (out of memory, a deploy, a power cut) leaves the task
RUNNING for ever, and a task that re-queues itself (the daily board digest) stops for
good. ``booster worker`` therefore names itself after its host and process, and on start
puts back in the queue every RUNNING task whose worker was a process on this host that no
longer exists, or that has been running longer than :data:`STALE_AFTER` (a worker on
another host that died). A task run again this way must be safe to run twice; Booster's
are (an e-mail's row is deleted once it is sent, a reminder is recorded in a unique row
before it is queued, the digest marks what it has sent).
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta
from typing import Any

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import TaskResultStatus

logger = logging.getLogger(__name__)

# Booster's tasks take seconds; one still running after an hour lost its worker.
STALE_AFTER = timedelta(hours=1)
# A task whose worker died this many times is what kills it: it is marked failed instead.
MAX_CLAIMS = 5
WORKER_ID_MAX = 64  # django-tasks' limit


class WorkerLostError(Exception):
    """The worker running a task died (the exception recorded on a task given up)."""


def _host() -> str:
    return socket.gethostname()[:40]


def worker_id_new() -> str:
    """A worker id that names this host and process: ``host:pid:random``."""
    return f"{_host()}:{os.getpid()}:{get_random_string(8)}"[:WORKER_ID_MAX]


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def _worker_died_here(worker_id: str) -> bool:
    """Whether ``worker_id`` is a worker of this host whose process is gone."""
    parts = worker_id.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != _host() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    return pid != os.getpid() and not _process_exists(pid)


def tasks_requeue_abandoned(
    *, now: datetime | None = None, stale_after: timedelta = STALE_AFTER
) -> list[str]:
    """Put back in the queue the RUNNING tasks whose worker died. Returns their ids."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    requeued: list[str] = []
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).order_by("started_at")
    for result in running:
        last_worker = str(result.worker_ids[-1]) if result.worker_ids else ""
        stale = result.started_at is None or result.started_at < now - stale_after
        if not (stale or _worker_died_here(last_worker)):
            continue
        # Only if it is still the same claim: another worker may have finished it meanwhile.
        claim = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        )
        with transaction.atomic():
            if len(result.worker_ids) >= MAX_CLAIMS:
                changed = claim.update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    exception_class_path=f"{__name__}.{WorkerLostError.__qualname__}",
                    traceback=f"{WorkerLostError.__qualname__}: the worker running this task "
                    f"died {len(result.worker_ids)} times; it is not tried again.\n",
                )
                if changed:
                    logger.error(
                        "Task %s (%s) lost its worker %d times; marked failed.",
                        result.pk,
                        result.task_path,
                        len(result.worker_ids),
                    )
                continue
            changed = claim.update(status=TaskResultStatus.READY)
        if changed:
            requeued.append(str(result.pk))
            logger.warning(
                "Task %s (%s) was left running by worker %s, which is gone; queued again.",
                result.pk,
                result.task_path,
                last_worker or "(unknown)",
            )
    return requeued


def worker_run(*, interval: float = 1) -> None:
    """What ``booster worker`` runs: put back the tasks of dead workers, then work."""
    tasks_requeue_abandoned()
    call_command("db_worker", "--worker-id", worker_id_new(), "--interval", str(interval))


def schedule_once(task: Any, run_after: datetime) -> datetime | None:
    """Queue ``task`` to run at ``run_after``, once: the daily and hourly tasks schedule
    their own next run, and a cron line, a manual run and the run itself must never pile up
    copies. Only on a backend that can wait (the database queue): the immediate backend of
    the tests would run it at once, again and again. Returns when it will run, or None."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task.get_backend()
    if not backend.supports_defer:
        return None
    if (
        isinstance(backend, DatabaseBackend)
        and DBTaskResult.objects.filter(
            task_path=task.module_path, status=TaskResultStatus.READY
        ).exists()
    ):
        return None
    task.using(run_after=run_after).enqueue()
    return run_after
