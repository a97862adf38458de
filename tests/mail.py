"""Helpers for reading the e-mails Booster sent during a test."""

from __future__ import annotations

import re

from django.core import mail

_CODE_LINE = re.compile(r"^\s*([A-Z0-9]{4,12}(?:-[A-Z0-9]{2,12})?)\s*$", re.MULTILINE)


def last_code(to: str) -> str:
    """The one-time code in the newest e-mail sent to ``to``."""
    for message in reversed(mail.outbox):
        if to in message.to:
            match = _CODE_LINE.search(message.body)
            if match:
                return match.group(1)
            raise AssertionError(f"no code in the e-mail to {to}: {message.body!r}")
    raise AssertionError(f"no e-mail was sent to {to}")
