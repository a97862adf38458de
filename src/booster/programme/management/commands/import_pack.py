"""``manage.py import_pack [PATH]``: store a content pack as a new version if it changed."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from booster.programme.commands import BOOSTER_PACK_PATH, import_pack_command


class Command(BaseCommand):
    help = "Import a content pack folder (the BOOSTER pack when no path is given)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", nargs="?", default=str(BOOSTER_PACK_PATH))

    def handle(self, *args: Any, **options: Any) -> None:
        code = import_pack_command(options["path"], out=self.stdout, err=self.stderr)
        if code:
            raise SystemExit(code)
