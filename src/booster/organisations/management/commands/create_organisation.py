"""Create an organisation, and invite its first coordinator by e-mail."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from booster.organisations.services import organisation_create


class Command(BaseCommand):
    help = "Create an organisation; with --coordinator, e-mail its first coordinator an invitation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="the organisation's name")
        parser.add_argument("--slug", required=True, help="its short name in addresses")
        parser.add_argument(
            "--coordinator", default="", help="the e-mail address of its first coordinator"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation, invite = organisation_create(
                actor=None,
                name=options["name"],
                slug=options["slug"],
                coordinator_email=options["coordinator"],
            )
        except ValidationError as error:
            problems = (
                [
                    f"{field}: {message}"
                    for field, messages in error.message_dict.items()
                    for message in messages
                ]
                if hasattr(error, "error_dict")
                else list(error.messages)
            )
            raise CommandError("\n".join(problems)) from error
        self.stdout.write(f"Created the organisation {organisation.name} ({organisation.slug}).")
        if invite is not None:
            self.stdout.write(f"Invited {invite.email} to coordinate it (valid 14 days).")
