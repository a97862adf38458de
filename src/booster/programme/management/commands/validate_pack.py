"""``manage.py validate_pack [PATH]``: check a content pack without storing it."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from booster.programme.commands import BOOSTER_PACK_PATH, validate_pack_command


class Command(BaseCommand):
    help = "Validate a content pack folder (the BOOSTER pack when no path is given)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", nargs="?", default=str(BOOSTER_PACK_PATH))

    def handle(self, *args: Any, **options: Any) -> None:
        code = validate_pack_command(options["path"], out=self.stdout, err=self.stderr)
        if code:
            raise SystemExit(code)
