"""An e-mail server that refuses: nothing is lost.

A real SMTP server that answers every connection with ``421`` stands in for a mail server
that is down. The real database queue and the real worker loop run the delivery task;
time-machine moves the clock. The e-mail waits in its row, the task queues itself again
after 1, 2, 4 … minutes, gives up after the last attempt keeping the row marked failed,
and a later success sends it exactly once and deletes the row.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from booster.core.email import (
    MAX_ATTEMPTS,
    deliver_email,
    email_send,
    outgoing_emails_retry,
    retry_delay,
)
from booster.core.models import OutgoingEmail
from tests.faults.mailservers import refusing_smtp_server

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADDRESS = "ilona@example.org"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def queue(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The production task queue (the database) instead of the tests' immediate one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker checks its connection between tasks; inside the test's transaction that
    # would close it under the test.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.fixture
def refusing_server(settings: Any) -> Iterator[int]:
    with refusing_smtp_server() as port:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        yield port


def run_worker() -> int:
    """The real db_worker loop, in batch mode: run every task that is due now, then stop.
    Returns how many ran."""
    worker = db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="faults-test",
        excluded_queue_names=[],
    )
    worker.run()
    return worker._run_tasks


def waiting_deliveries() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            task_path=deliver_email.module_path, status=TaskResultStatus.READY
        ).order_by("run_after")
    )


def send_one() -> OutgoingEmail:
    email_send(
        to=ADDRESS,
        template_prefix="groups/email/concern_new",
        language="en",
        time_zone="Europe/Helsinki",
        context={"group": type("G", (), {"name": "Lyktan", "pk": 1})(), "url": "https://x/"},
    )
    return OutgoingEmail.objects.get()


def test_the_waits_double_from_a_minute_up_to_an_hour() -> None:
    waits = [retry_delay(attempt) for attempt in range(1, MAX_ATTEMPTS)]
    minutes = [int(wait.total_seconds() // 60) for wait in waits]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_a_refusing_server_is_tried_again_with_backoff_then_the_email_is_kept_as_failed(
    queue: None, refusing_server: int, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="booster.core.email")
    with time_machine.travel(START, tick=False) as clock:
        outgoing = send_one()
        assert len(waiting_deliveries()) == 1
        now = START
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert run_worker() == 1, f"attempt {attempt} did not run"
            outgoing.refresh_from_db()
            assert outgoing.attempts == attempt
            assert outgoing.last_error == "SMTPConnectError 421"
            if attempt == MAX_ATTEMPTS:
                break
            wait = retry_delay(attempt)
            assert outgoing.next_attempt_at == now + wait
            (queued,) = waiting_deliveries()
            assert queued.run_after == now + wait
            assert queued.args_kwargs == {"args": [], "kwargs": {"outgoing_id": outgoing.pk}}
            # Not a moment early.
            clock.shift(wait - timedelta(seconds=1))
            assert run_worker() == 0
            clock.shift(timedelta(seconds=1))
            now += wait
        # After the last attempt: no more runs, and the e-mail is kept, marked failed.
        assert outgoing.failed_at == now
        assert outgoing.next_attempt_at is None
        assert waiting_deliveries() == []
        clock.shift(timedelta(days=1))
        assert run_worker() == 0
    assert mail.outbox == []
    kept = OutgoingEmail.objects.get()
    assert (kept.to, kept.failed_at) == (ADDRESS, now)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(warnings) == MAX_ATTEMPTS - 1
    assert len(errors) == 1 and "marked failed" in errors[0].getMessage()
    # The log names the e-mail by its number, never its recipient.
    assert all(ADDRESS not in record.getMessage() for record in caplog.records)

    # The server works again; the operator retries: it goes once, and the row is gone.
    settings.EMAIL_BACKEND = LOCMEM
    call_command("retry_emails", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert run_worker() == 1
    assert [message.to for message in mail.outbox] == [[ADDRESS]]
    assert not OutgoingEmail.objects.exists()
    assert outgoing_emails_retry() == 0
    assert run_worker() == 0
    assert len(mail.outbox) == 1


def test_a_server_that_comes_back_gets_the_email_once_and_the_row_is_deleted(
    queue: None, refusing_server: int, settings: Any
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        outgoing = send_one()
        assert run_worker() == 1  # refused
        clock.shift(retry_delay(1))
        assert run_worker() == 1  # refused again
        outgoing.refresh_from_db()
        assert outgoing.attempts == 2
        settings.EMAIL_BACKEND = LOCMEM  # the server is back
        clock.shift(retry_delay(2))
        assert run_worker() == 1
        assert [message.to for message in mail.outbox] == [[ADDRESS]]
        assert mail.outbox[0].subject.startswith("Booster: ")
        assert not OutgoingEmail.objects.exists()
        assert waiting_deliveries() == []
        # Nothing more is queued, nothing is sent twice, however long we wait.
        clock.shift(timedelta(days=2))
        assert run_worker() == 0
        # A copy of the task that runs anyway (a worker's retry) finds no row.
        deliver_email.call(outgoing_id=outgoing.pk)
    assert len(mail.outbox) == 1
    runs = DBTaskResult.objects.filter(task_path=deliver_email.module_path)
    assert runs.count() == 3
    assert set(runs.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}


def test_without_a_queue_that_can_wait_the_email_is_kept_as_failed(
    refusing_server: int, settings: Any
) -> None:
    """The tests' immediate backend cannot defer a run: the row stays, marked failed at
    once, for retry_emails."""
    outgoing = send_one()
    outgoing.refresh_from_db()
    assert outgoing.attempts == 1 and outgoing.failed_at is not None
    assert mail.outbox == []
    settings.EMAIL_BACKEND = LOCMEM
    assert outgoing_emails_retry() == 1
    assert [message.to for message in mail.outbox] == [[ADDRESS]]
    assert not OutgoingEmail.objects.exists()
