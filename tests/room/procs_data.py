"""Data for the multi-process room tests, run in a child process against its own database.

Prints one JSON line: the meeting id, the group id and a session cookie per person.
"""

from __future__ import annotations

import json
import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booster.settings.dev")
    django.setup()
    from django.contrib.sessions.backends.db import SessionStore

    from tests.factories import GroupFactory, MeetingFactory, MembershipFactory

    group = GroupFactory(name="Two processes")
    facilitator = MembershipFactory(group=group, is_convener=True)
    members = [MembershipFactory(group=group) for _ in range(3)]
    meeting = MeetingFactory(group=group, number=2, theme_key="networks", facilitator=facilitator)
    from booster.notebook.models import CONSENT_TEXT_VERSION, NotebookConsent

    for member in members:
        NotebookConsent.objects.create(membership=member, text_version=CONSENT_TEXT_VERSION)

    def cookie(membership: object) -> str:
        session = SessionStore()
        user = membership.user  # type: ignore[attr-defined]
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        return str(session.session_key)

    print(
        json.dumps(
            {
                "group": group.pk,
                "meeting": meeting.pk,
                "facilitator": cookie(facilitator),
                "members": [cookie(member) for member in members],
                "member_ids": [member.pk for member in members],
            }
        )
    )


if __name__ == "__main__":
    main()
