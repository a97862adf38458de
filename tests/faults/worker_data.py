"""Queue one e-mail in the database of a fault test (run as a child process with the
test's environment). Prints the waiting e-mail's id."""

from __future__ import annotations

import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booster.settings.dev")
    django.setup()
    from booster.core.email import email_send
    from booster.core.models import OutgoingEmail

    email_send(
        to="ilona@example.org",
        template_prefix="groups/email/concern_new",
        language="en",
        time_zone="Europe/Helsinki",
        context={"group": type("G", (), {"name": "Lyktan", "pk": 1})(), "url": "https://x/"},
    )
    print(OutgoingEmail.objects.get().pk)


if __name__ == "__main__":
    main()
