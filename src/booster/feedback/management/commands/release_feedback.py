"""Release the programme feedback that is due (for cron; the task queue does it by itself)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from booster.feedback.tasks import feedback_release_send


class Command(BaseCommand):
    help = "Release each organisation's unreleased feedback answers when there are at least five."

    def handle(self, *args: Any, **options: Any) -> None:
        made = feedback_release_send.call()
        self.stdout.write(f"{made} release(s) made.")
