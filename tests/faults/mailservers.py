"""Mail servers for fault tests: one that refuses every connection the way a busy or
broken SMTP server does, and a slow outbox a worker can be killed in the middle of."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

REFUSAL = b"421 4.3.2 Service not available, closing transmission channel\r\n"


@contextmanager
def refusing_smtp_server() -> Iterator[int]:
    """A real SMTP server on a free port that greets every client with 421 and hangs up.
    Django's SMTP backend answers that with ``SMTPConnectError``. Yields the port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    stop = threading.Event()
    connections: list[int] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with client:
                connections.append(1)
                client.sendall(REFUSAL)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


class SlowFileBackend(BaseEmailBackend):
    """Writes each message to a file in ``$FAULTS_MAIL_DIR``. The very first send ever
    (no ``started`` marker yet) first leaves the marker and then waits a minute, so a
    test can kill the worker while it is sending; later sends go straight through."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = Path(os.environ["FAULTS_MAIL_DIR"])
        marker = folder / "started"
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            time.sleep(60)
        for message in email_messages:
            name = f"{time.time_ns()}-{os.getpid()}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
        return len(email_messages)
