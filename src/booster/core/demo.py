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
# The coordinator of the demo organisation, printed with the others.
DEMO_COORDINATOR = ("kaisa@demo.booster.invalid", "Kaisa", "fi")
# Members of the closed demo group who are not printed (their password is the same).
DEMO_MORE_PEOPLE = [
    ("henrik@demo.booster.invalid", "Henrik", "sv"),
    ("elsa@demo.booster.invalid", "Elsa", "sv"),
    ("mikael@demo.booster.invalid", "Mikael", "sv"),
    ("linnea@demo.booster.invalid", "Linnea", "sv"),
]


def _person_create(email: str, name: str, language: str) -> User:
    user = User.objects.create_user(
        email=email, password=DEMO_PASSWORD, display_name=name, language=language
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@transaction.atomic
def demo_create(*, stdout: TextIO) -> list[User]:
    """Create the demo people, their groups and their organisation when there are no users
    yet; print how to log in. Returns the people whose logins are printed as members."""
    if User.objects.exists():
        return []
    people = [_person_create(*person) for person in DEMO_PEOPLE]
    coordinator = _person_create(*DEMO_COORDINATOR)
    more = [_person_create(*person) for person in DEMO_MORE_PEOPLE]
    group = demo_group_create(people=people)

    from booster.calls.demo import call_demo_create
    from booster.closing.demo import DEMO_CLOSED_GROUP_NAME, closed_group_demo_create
    from booster.organisations.demo import DEMO_ORGANISATION_NAME, organisation_demo_create

    organisation = organisation_demo_create(coordinator=coordinator, groups=[group])
    call_demo_create(organisation=organisation, coordinator=coordinator)
    closed_group_demo_create(
        people={person.display_name: person for person in [*people, *more]},
        organisation=organisation,
    )
    coordinator_email, coordinator_name, coordinator_language = DEMO_COORDINATOR
    stdout.write(
        "\nDemo accounts are ready. Log in at http://127.0.0.1:8000/ with one of:\n"
        + "".join(f"  {email}  ({name}, {language})\n" for email, name, language in DEMO_PEOPLE)
        + f"  {coordinator_email}  ({coordinator_name}, {coordinator_language})"
        f" - coordinator of {DEMO_ORGANISATION_NAME}\n"
        f"Password for all of them: {DEMO_PASSWORD}\n"
        f"Sara convenes the demo group {DEMO_GROUP_NAME}; the others are its members.\n"
        f"Sara and Johan were also in {DEMO_CLOSED_GROUP_NAME}, which closed today: see its "
        "look back and gratitude wall.\n"
        f"{coordinator_name} sees {DEMO_ORGANISATION_NAME}'s groups, its open call for "
        "participants with sign-ups to form groups from, and its released feedback.\n"
        "Or sign up with any address: the e-mailed code appears in this terminal.\n\n"
    )
    return people
