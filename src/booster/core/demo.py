"""Demo accounts for trying Booster on a laptop. Created only when the database has no users."""

from __future__ import annotations

from typing import TextIO

from allauth.account.models import EmailAddress
from django.db import transaction

from booster.accounts.models import User
from booster.groups.demo import DEMO_GROUP_NAME, demo_group_create

DEMO_PASSWORD = "booster-demo"  # noqa: S105 - printed for local trials, never used in production
DEMO_PEOPLE = [
    ("aino@demo.booster.invalid", "Aino", "fi"),
    ("sara@demo.booster.invalid", "Sara", "sv"),
    ("maya@demo.booster.invalid", "Maya", "en"),
    ("johan@demo.booster.invalid", "Johan", "sv"),
    ("leena@demo.booster.invalid", "Leena", "fi"),
]


@transaction.atomic
def demo_create(*, stdout: TextIO) -> list[User]:
    """Create the demo people when there are no users yet; print how to log in."""
    if User.objects.exists():
        return []
    people = []
    for email, name, language in DEMO_PEOPLE:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, display_name=name, language=language
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        people.append(user)
    demo_group_create(people=people)
    stdout.write(
        "\nDemo accounts are ready. Log in at http://127.0.0.1:8000/ with one of:\n"
        + "".join(f"  {email}  ({name}, {language})\n" for email, name, language in DEMO_PEOPLE)
        + f"Password for all of them: {DEMO_PASSWORD}\n"
        f"Sara convenes the demo group {DEMO_GROUP_NAME}; the others are its members.\n"
        "Or sign up with any address: the e-mailed code appears in this terminal.\n\n"
    )
    return people
