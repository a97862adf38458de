"""The worker killed mid-task: the task runs again, once.

A real ``booster worker`` runs against a database of its own and starts delivering an
e-mail through a mail backend that is slow the first time. The worker is killed with
SIGKILL in the middle. django-tasks' own worker, started again, does not touch the task:
it stays RUNNING for ever (shown with ``db_worker --batch``). ``booster worker`` puts it
back in the queue when it starts (its worker was a process of this host that is gone),
runs it, and the e-mail is sent exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from booster.core.email import deliver_email
from booster.core.tasks import MAX_CLAIMS, _host, tasks_requeue_abandoned
from tests.faults.procs import BIN, ROOT, booster, own_database, process_env, query

# `booster worker`: django-tasks' worker after putting back the tasks of dead workers.
WORKER = [str(BIN / "booster"), "worker"]
TASKS_SQL = "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult"


@dataclass
class Setup:
    env: dict[str, str]
    database: str
    mail: Path
    logs: Path

    def tasks(self) -> list[tuple[str, list[str]]]:
        rows = query(self.database, TASKS_SQL)
        return [
            (status, json.loads(ids) if isinstance(ids, str) else list(ids)) for status, ids in rows
        ]

    def waiting_emails(self) -> int:
        return int(query(self.database, "SELECT count(*) FROM core_outgoingemail")[0][0])

    def sent(self) -> list[Path]:
        return sorted(self.mail.glob("*.eml"))

    def start_worker(self, name: str) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("wb") as log:
            return subprocess.Popen(
                WORKER, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )


@pytest.fixture
def worker_setup(tmp_path: Path) -> Iterator[Setup]:
    mail = tmp_path / "mail"
    mail.mkdir()
    with own_database(tmp_path) as database:
        env = process_env(
            tmp_path,
            database,
            EMAIL_BACKEND="tests.faults.mailservers.SlowFileBackend",
            FAULTS_MAIL_DIR=str(mail),
            LOG_LEVEL="INFO",
        )
        booster(env, "manage", "migrate", "--no-input", "--verbosity", "0")
        yield Setup(env=env, database=database, mail=mail, logs=tmp_path)


def wait_for(condition: object, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)


def test_a_task_whose_worker_was_killed_runs_again_and_sends_once(worker_setup: Setup) -> None:
    setup = worker_setup
    queued = subprocess.run(
        [sys.executable, "-m", "tests.faults.worker_data"],
        cwd=ROOT,
        env=setup.env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert queued.stdout.strip().isdigit()
    assert setup.tasks() == [("READY", [])]

    first = setup.start_worker("first")
    try:
        # The worker has claimed the task and is in the middle of sending.
        wait_for((setup.mail / "started").exists, "the first worker to start sending")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        stop(first)
    ((status, claimed_by),) = setup.tasks()
    assert status == "RUNNING" and len(claimed_by) == 1
    assert setup.waiting_emails() == 1 and setup.sent() == []

    # django-tasks' worker alone never runs it again: the task stays RUNNING.
    booster(setup.env, "manage", "db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert setup.tasks() == [("RUNNING", claimed_by)]
    assert setup.sent() == []

    second = setup.start_worker("second")
    try:
        wait_for(lambda: setup.tasks()[0][0] == "SUCCESSFUL", "the task to run again", 20)
    finally:
        stop(second)
        log = (setup.logs / "second.log").read_text()
    ((status, claimed_by_now),) = setup.tasks()
    assert status == "SUCCESSFUL"
    assert claimed_by_now[0] == claimed_by[0] and len(claimed_by_now) == 2
    assert "queued again" in log, log
    # Exactly one e-mail went out, and its waiting row is gone.
    (sent,) = setup.sent()
    assert "To: ilona@example.org" in sent.read_text()
    assert setup.waiting_emails() == 0


# --- the recovery rule, in the test process -------------------------------------------


@pytest.fixture
def db_queue(settings: Any, db: None) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def claimed(worker_id: str, *, minutes_ago: float = 0, claims: int = 1) -> str:
    result = deliver_email.enqueue(outgoing_id=1)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING",
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
        worker_ids=[f"{worker_id}-{n}" for n in range(claims - 1)] + [worker_id],
    )
    return str(result.id)


def status_of(result_id: str) -> str:
    return str(DBTaskResult.objects.get(pk=result_id).status)


def test_only_tasks_of_dead_or_long_silent_workers_are_put_back(db_queue: None) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead_here = claimed(f"{_host()}:{gone.pid}:abcdefgh")
    alive_here = claimed(f"{_host()}:{os.getppid()}:abcdefgh")
    elsewhere_recent = claimed("other-host:123:abcdefgh", minutes_ago=5)
    elsewhere_stale = claimed("other-host:123:abcdefgh", minutes_ago=61)
    anonymous_stale = claimed("Zq3xY7randomid", minutes_ago=90)
    assert sorted(tasks_requeue_abandoned()) == sorted(
        [dead_here, elsewhere_stale, anonymous_stale]
    )
    assert status_of(dead_here) == "READY"
    assert status_of(alive_here) == "RUNNING"
    assert status_of(elsewhere_recent) == "RUNNING"
    # Running it again changes nothing.
    assert tasks_requeue_abandoned() == []


def test_a_task_that_keeps_killing_its_worker_is_given_up(db_queue: None) -> None:
    poison = claimed("other-host:1:abcdefgh", minutes_ago=120, claims=MAX_CLAIMS)
    assert tasks_requeue_abandoned() == []
    result = DBTaskResult.objects.get(pk=poison)
    assert result.status == "FAILED"
    assert result.exception_class_path == "booster.core.tasks.WorkerLostError"
