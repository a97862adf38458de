"""Put back in the queue the tasks whose worker died (``booster worker`` does it on start)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from booster.core.tasks import tasks_requeue_abandoned


class Command(BaseCommand):
    help = "Queue again the tasks left running by a worker that is gone."

    def handle(self, *args: Any, **options: Any) -> None:
        requeued = tasks_requeue_abandoned()
        self.stdout.write(f"{len(requeued)} task(s) queued again.")
