"""Queue again the e-mails that were given up after the mail server refused them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from booster.core.email import outgoing_emails_retry


class Command(BaseCommand):
    help = "Try again every e-mail that was given up (after the mail server is fixed)."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = outgoing_emails_retry()
        self.stdout.write(f"{queued} e-mail(s) queued again.")
