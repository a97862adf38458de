"""Send the board digests that are due now (run it from cron once a day)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from booster.board.services import board_digests_send
from booster.board.tasks import board_digest_schedule


class Command(BaseCommand):
    help = (
        "E-mail each member who wants it the board posts others made since their last digest, "
        "then make sure the next daily run is queued (on a queue that can wait)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="Only send; do not queue tomorrow's run (when cron does the scheduling).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = board_digests_send()
        self.stdout.write(f"Board digests sent: {sent}")
        if not options["no_schedule"]:
            run_after = board_digest_schedule()
            if run_after is not None:
                self.stdout.write(f"Next run queued for {run_after.isoformat()}")
