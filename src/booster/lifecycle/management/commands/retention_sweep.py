"""``booster manage retention_sweep``: closing notices, reminders and deletions now (cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from booster.lifecycle.services import retention_sweep
from booster.lifecycle.tasks import retention_sweep_schedule


class Command(BaseCommand):
    help = "Tell, remind and delete the content of closed groups whose time has come."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = retention_sweep()
        retention_sweep_schedule()
        self.stdout.write(
            f"notices: {counts['notices']}, reminders: {counts['reminders']}, "
            f"groups deleted: {counts['deleted']}"
        )
