"""Send the meeting reminders that are due (for cron; the task queue does it by itself)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from booster.meetings.tasks import meeting_reminders_send


class Command(BaseCommand):
    help = "Send the reminders for meetings that start within the next 24 hours."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = meeting_reminders_send.call()
        self.stdout.write(f"{sent} reminder(s) sent.")
