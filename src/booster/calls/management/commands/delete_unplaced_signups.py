"""Delete the sign-ups never placed in a group whose call's retention period is over (run it
from cron once a day, or let the queued daily run do it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from booster.calls.services import signups_expired_delete
from booster.calls.tasks import call_signups_sweep_schedule


class Command(BaseCommand):
    help = (
        "Delete calls' sign-ups that were never placed in a group once the call's retention "
        "period is over, then make sure the next daily run is queued (on a queue that can wait)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="Only delete; do not queue tomorrow's run (when cron does the scheduling).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = signups_expired_delete()
        self.stdout.write(f"Unplaced sign-ups deleted: {deleted}")
        if not options["no_schedule"]:
            run_after = call_signups_sweep_schedule()
            if run_after is not None:
                self.stdout.write(f"Next run queued for {run_after.isoformat()}")
