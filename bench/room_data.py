"""Data for the room benchmark: M groups, each with 10 members and a guide who facilitates,
one meeting each, notebook consent for every member, and a signed-in Django session per
person — written straight into the bench database, no HTTP, no password hashing.

Run by ``bench/room.py`` in a fresh database (the caller sets ``BOOSTER_VAR_DIR``,
``DATABASE_URL`` and ``DJANGO_SETTINGS_MODULE``)::

    python bench/room_data.py --meetings 200 --out var/bench/sqlite-1proc/people.json

The JSON it writes lists, per meeting, the ids the load generator needs and the session
keys of its facilitator and members.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import string
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MEMBERS_PER_GROUP = 10
# A theme meeting, like most meetings on a programme evening. Its first task done alone
# (collaboration's "safety" task) has the plain questions editor and no planning tool, so
# the room page polls nothing while the members write (the opening meeting's tool steps
# refetch their tool every 20 s: not part of this bench's pattern).
THEME = "collaboration"
MEETING_NUMBER = 3
MEETING_MINUTES = 150


def _session_key() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


def build(meetings: int) -> dict[str, object]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.utils import timezone

    from booster.accounts.models import User
    from booster.groups.models import Group, Membership
    from booster.meetings.models import Meeting
    from booster.notebook.models import CONSENT_TEXT_VERSION, NotebookConsent
    from booster.programme.loader import BOOSTER_PACK_PATH
    from booster.programme.services import pack_import

    pack_version, _new = pack_import(path=BOOSTER_PACK_PATH)
    now = timezone.now()
    # An unusable password: nobody logs in with it, and it costs no hashing.
    password = make_password(None)
    backend = settings.AUTHENTICATION_BACKENDS[0]
    store = SessionStore()
    per_group = MEMBERS_PER_GROUP + 1

    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(
                    email=f"bench{index}@bench.example.org",
                    display_name=f"Bench {index}",
                    language="en",
                    time_zone="Europe/Helsinki",
                    password=password,
                )
                for index in range(meetings * per_group)
            ],
            batch_size=500,
        )
        groups = Group.objects.bulk_create(
            [
                Group(
                    name=f"Bench group {index}",
                    language="en",
                    form="remote",
                    video_link="https://meet.example.org/bench",
                    country="FI",
                    time_zone="Europe/Helsinki",
                    pack_version=pack_version,
                    state=Group.State.RUNNING,
                )
                for index in range(meetings)
            ],
            batch_size=500,
        )
        rows: list[Membership] = []
        for index, group in enumerate(groups):
            people = users[index * per_group : (index + 1) * per_group]
            for seat, user in enumerate(people[:MEMBERS_PER_GROUP], start=1):
                rows.append(
                    Membership(
                        group=group,
                        user=user,
                        role=Membership.Role.MEMBER,
                        is_convener=seat == 1,
                        display_name=user.display_name,
                        seat=seat,
                        principles_accepted_at=now,
                        principles_version=pack_version,
                    )
                )
            guide = people[MEMBERS_PER_GROUP]
            rows.append(
                Membership(
                    group=group,
                    user=guide,
                    role=Membership.Role.GUIDE,
                    display_name=guide.display_name,
                    guide_seat=1,
                    principles_accepted_at=now,
                    principles_version=pack_version,
                )
            )
        memberships = Membership.objects.bulk_create(rows, batch_size=500)
        NotebookConsent.objects.bulk_create(
            [
                NotebookConsent(membership=m, given_at=now, text_version=CONSENT_TEXT_VERSION)
                for m in memberships
                if m.role == Membership.Role.MEMBER
            ],
            batch_size=500,
        )
        meeting_rows = Meeting.objects.bulk_create(
            [
                Meeting(
                    group=group,
                    number=MEETING_NUMBER,
                    theme_key=THEME,
                    starts_at=now + timedelta(minutes=5),
                    duration_minutes=MEETING_MINUTES,
                    form="remote",
                    video_link=group.video_link,
                    facilitator=memberships[index * per_group + MEMBERS_PER_GROUP],
                )
                for index, group in enumerate(groups)
            ],
            batch_size=500,
        )
        sessions: list[Session] = []
        keys: dict[int, str] = {}
        expire = now + timedelta(days=14)
        for user in users:
            key = _session_key()
            keys[user.pk] = key
            data = {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: backend,
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
            sessions.append(
                Session(session_key=key, session_data=store.encode(data), expire_date=expire)
            )
        Session.objects.bulk_create(sessions, batch_size=500)

    out: list[dict[str, object]] = []
    for index, (group, meeting) in enumerate(zip(groups, meeting_rows, strict=True)):
        group_rows = memberships[index * per_group : (index + 1) * per_group]
        out.append(
            {
                "group": group.pk,
                "meeting": meeting.pk,
                "facilitator": {
                    "membership": group_rows[-1].pk,
                    "session": keys[group_rows[-1].user_id],
                },
                "members": [
                    {"membership": m.pk, "session": keys[m.user_id]}
                    for m in group_rows[:MEMBERS_PER_GROUP]
                ],
            }
        )
    return {"theme": THEME, "meetings": out}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meetings", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booster.settings.dev")
    sys.path.insert(0, str(ROOT / "src"))
    started = time.monotonic()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    call_command("createcachetable", verbosity=0)
    data = build(args.meetings)
    Path(args.out).write_text(json.dumps(data))
    print(
        f"room_data: {args.meetings} meetings, {args.meetings * (MEMBERS_PER_GROUP + 1)} people "
        f"in {time.monotonic() - started:.1f} s",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
