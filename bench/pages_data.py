"""Data for the page benchmark: N groups of realistic size, built fast and incrementally.

Every group has 8 members (the first convenes), an organisation (one of four, each with a
coordinator), six meetings (three held, the fourth a week ahead), filled notebooks (the
held meetings' tasks answered at realistic lengths, a takeaway per held meeting and a free
note, all encrypted with the project's keys through ``booster.core.crypto``), board posts
and the planning pages' content (goal proposals and the agreed goals, ground-rule wishes
and rules with acknowledgements, practical agreements, theme preferences and the plan).

Rows go in with ``bulk_create``, no services and no password hashing. The command is
idempotent per N: it counts the bench groups already there and adds only the missing ones,
so ``--groups 10``, then ``--groups 1000``, then ``--groups 10000`` build one database in
three steps. It then writes the JSON the load generator needs: for 20 clients spread over
the groups, a signed-in session of a member and the ids of their pages; and a session per
coordinator. Run by ``bench/pages.py`` (which sets ``BOOSTER_VAR_DIR``, ``DATABASE_URL``
and ``DJANGO_SETTINGS_MODULE``)::

    python bench/pages_data.py --groups 1000 --clients 20 --out var/bench/pages/people.json
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
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

MEMBERS = 8
ORGANISATIONS = 4
NAME_PREFIX = "Bench group "
# Six meetings: the opening, four optional themes, the closing. The first three are held.
THEMES = ("opening", "work_ability", "competence", "networks", "collaboration", "closing")
HELD = 3
POSTS = 12
BATCH = 2000

SENTENCES = (
    "I want to keep my evenings free for the choir and still finish the spring commissions.",
    "Last month two projects ended at once and I noticed how much I rely on steady routines.",
    "Talking with the others helped me see that pricing my work is a skill I can practise.",
    "I will write to the union about contract advice before the next meeting.",
    "The quiet weeks between productions are hard; a buffer for the rent would help a lot.",
    "I am good at drawing people together around an idea, less good at saying no to work.",
    "My sister and my running group keep me going when the studio feels lonely.",
    "Next step: one coffee with a colleague every fortnight, and a day a week without e-mail.",
)


def _text(seed: int, sentences: int) -> str:
    return " ".join(SENTENCES[(seed + i) % len(SENTENCES)] for i in range(sentences))


def _session_key() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


def _task_contents(pack: Any) -> list[tuple[str, str, str, Any]]:
    """(theme, task, worksheet kind, content builder) for the held meetings' tasks that a
    member fills in: answers to the questions, or the worksheets the demo knows."""
    from booster.notebook import selectors
    from booster.notebook.demo import _TEXTS
    from booster.notebook.selectors import SPECIAL_KINDS

    texts = _TEXTS["en"]
    worksheets: dict[str, dict[str, Any]] = {
        "resources_demands": {
            "resources": [{"text": t, "weight": w, "note": n} for t, w, n in texts["resources"]],
            "demands": [{"text": t, "weight": w, "note": n} for t, w, n in texts["demands"]],
            "notes": texts["notes"],
        },
        "network_map": {
            "items": [
                {"name": a, "kind": b, "closeness": c, "note": d} for a, b, c, d in texts["network"]
            ],
            "widen": texts["widen"],
            "notes": "",
        },
        "competence": {
            "have": [{"text": t, "share": s} for t, s in texts["have"]],
            "need": [{"text": t, "share": s} for t, s in texts["need"]],
            "notes": "",
        },
    }
    found = []
    for theme_key in THEMES[:HELD]:
        theme = pack.theme(theme_key)
        for task in theme.tasks():
            slot = selectors.task_slot(pack=pack, theme_key=theme_key, task_key=task.key)
            if slot is None:
                continue
            kind = slot.worksheet_kind
            if kind in worksheets:
                content: Any = worksheets[kind]
            elif kind in SPECIAL_KINDS:
                continue  # a worksheet of its own this bench does not fill: left blank
            else:
                content = len(slot.questions)
            found.append((theme_key, task.key, kind, content))
    return found


def _answers(count: int, seed: int) -> dict[str, Any]:
    return {
        "answers": [_text(seed + i, 2 + (seed + i) % 3) for i in range(count)],
        "notes": _text(seed, 1),
    }


def _models() -> SimpleNamespace:
    """The models the bench fills, imported once Django is set up."""
    from booster.accounts.models import User
    from booster.board.models import Post
    from booster.groups.models import Group, Membership
    from booster.meetings.models import Meeting
    from booster.notebook.models import (
        CONSENT_TEXT_VERSION,
        EntryKind,
        NotebookConsent,
        NotebookEntry,
    )
    from booster.organisations.models import Coordinator, Organisation
    from booster.planning.models import (
        AgreementsVersion,
        GoalProposal,
        GoalsRecord,
        GroundRulesVersion,
        RulesAcknowledgement,
        RuleWish,
        ThemePlanVersion,
        ThemePreference,
    )

    return SimpleNamespace(
        User=User,
        Post=Post,
        Group=Group,
        Membership=Membership,
        Meeting=Meeting,
        CONSENT_TEXT_VERSION=CONSENT_TEXT_VERSION,
        EntryKind=EntryKind,
        NotebookConsent=NotebookConsent,
        NotebookEntry=NotebookEntry,
        Coordinator=Coordinator,
        Organisation=Organisation,
        AgreementsVersion=AgreementsVersion,
        GoalProposal=GoalProposal,
        GoalsRecord=GoalsRecord,
        GroundRulesVersion=GroundRulesVersion,
        RulesAcknowledgement=RulesAcknowledgement,
        RuleWish=RuleWish,
        ThemePlanVersion=ThemePlanVersion,
        ThemePreference=ThemePreference,
    )


def build(groups_wanted: int) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from booster.programme.loader import BOOSTER_PACK_PATH
    from booster.programme.selectors import pack_for_version
    from booster.programme.services import pack_import

    pack_version, _new = pack_import(path=BOOSTER_PACK_PATH)
    pack = pack_for_version(version_id=pack_version.pk)
    password = make_password(None)
    now = timezone.now()
    m = _models()
    Organisation, Coordinator, User = m.Organisation, m.Coordinator, m.User

    organisations = list(Organisation.objects.filter(slug__startswith="bench-").order_by("pk"))
    if len(organisations) < ORGANISATIONS:
        for index in range(len(organisations), ORGANISATIONS):
            organisation = Organisation.objects.create(
                name=f"Bench organisation {index}", slug=f"bench-{index}"
            )
            user = User.objects.create(
                email=f"coordinator{index}@bench.example.org",
                display_name=f"Coordinator {index}",
                language="en",
                time_zone="Europe/Helsinki",
                password=password,
            )
            Coordinator.objects.create(organisation=organisation, user=user)
            organisations.append(organisation)

    from django.db import connection

    if connection.vendor == "sqlite":
        # A throw-away bench database: no fsync after every batch.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
    have = m.Group.objects.filter(name__startswith=NAME_PREFIX).count()
    tasks = _task_contents(pack)
    for start in range(have, groups_wanted, BATCH):
        stop = min(groups_wanted, start + BATCH)
        with transaction.atomic():
            _add_groups(
                range(start, stop),
                pack_version=pack_version,
                organisations=organisations,
                tasks=tasks,
                password=password,
                now=now,
                m=m,
            )
    _reset_sequences(m)
    if connection.vendor == "postgresql":
        # A live installation's autovacuum keeps the planner's statistics; right after a
        # bulk load they are missing, and PostgreSQL then plans lookups by a member or a
        # group as scans of whole tables (36-49 ms instead of under 1 ms at 10,000 groups).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return _people(groups_wanted)


def _reset_sequences(m: SimpleNamespace) -> None:
    """After rows with ids of our own, PostgreSQL's sequences must move past them."""
    from django.core.management.color import no_style
    from django.db import connection

    models = [value for value in vars(m).values() if hasattr(value, "_meta")]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def _add_groups(
    indices: range,
    *,
    pack_version: Any,
    organisations: list[Any],
    tasks: list[tuple[str, str, str, Any]],
    password: str,
    now: Any,
    m: SimpleNamespace,
) -> None:
    """Rows for the groups numbered ``indices``, written with plain INSERTs and ids of
    their own (no model instances: 10,000 groups take seconds, not minutes)."""
    ins = _Inserter(now)
    count = len(indices)
    user_ids = ins.ids(m.User, count * MEMBERS)
    group_ids = ins.ids(m.Group, count)
    membership_ids = ins.ids(m.Membership, count * MEMBERS)
    meeting_ids = ins.ids(m.Meeting, count * len(THEMES))
    long_ago = ins.at(days=50)
    ins.insert(
        m.User,
        [
            {
                "id": user_ids[i * MEMBERS + seat - 1],
                "email": f"bench{g}-{seat}@bench.example.org",
                "display_name": f"Member {seat} of {g}",
                "language": "en",
                "time_zone": "Europe/Helsinki",
                "password": password,
                "date_joined": long_ago,
            }
            for i, g in enumerate(indices)
            for seat in range(1, MEMBERS + 1)
        ],
    )
    ins.insert(
        m.Group,
        [
            {
                "id": group_ids[i],
                "name": f"{NAME_PREFIX}{g}",
                "description": _text(g, 2),
                "language": "en",
                "form": "remote",
                "video_link": "https://meet.example.org/bench",
                "country": "FI",
                "time_zone": "Europe/Helsinki",
                "pack_version_id": pack_version.pk,
                "state": m.Group.State.RUNNING.value,
                "organisation_id": organisations[g % len(organisations)].pk,
                "created_at": long_ago,
            }
            for i, g in enumerate(indices)
        ],
    )
    ins.insert(
        m.Membership,
        [
            {
                "id": membership_ids[i * MEMBERS + seat - 1],
                "group_id": group_ids[i],
                "user_id": user_ids[i * MEMBERS + seat - 1],
                "role": m.Membership.Role.MEMBER.value,
                "is_convener": seat == 1,
                "display_name": f"Member {seat}",
                "seat": seat,
                "principles_accepted_at": long_ago,
                "principles_version_id": pack_version.pk,
                "joined_at": long_ago,
            }
            for i in range(count)
            for seat in range(1, MEMBERS + 1)
        ],
    )
    ins.insert(
        m.Meeting,
        [
            {
                "id": meeting_ids[i * len(THEMES) + number - 1],
                "group_id": group_ids[i],
                "number": number,
                "theme_key": theme,
                "starts_at": ins.at(days=-(14 * (number - HELD - 1) + 7)),
                "duration_minutes": 150,
                "form": "remote",
                "video_link": "https://meet.example.org/bench",
                "facilitator_id": membership_ids[i * MEMBERS + (number - 1) % MEMBERS],
                "timekeeper_id": membership_ids[i * MEMBERS + number % MEMBERS],
                "state": (
                    m.Meeting.State.HELD if number <= HELD else m.Meeting.State.PLANNED
                ).value,
            }
            for i in range(count)
            for number, theme in enumerate(THEMES, start=1)
        ],
        per_row=("uid",),
    )
    ins.insert(
        m.NotebookConsent,
        [
            {
                "membership_id": ms,
                "given_at": ins.at(days=40),
                "text_version": m.CONSENT_TEXT_VERSION,
            }
            for ms in membership_ids
        ],
    )
    entry_model = m.NotebookEntry
    entries = []
    for i in range(count):
        for seat in range(MEMBERS):
            ms = membership_ids[i * MEMBERS + seat]
            # Eight kinds of writer: the same texts come back every eighth member, so each
            # distinct page is encrypted once (a bench reads tokens, it need not vary them).
            for theme, task, kind, content in tasks:
                body = ("answers", content, seat) if isinstance(content, int) else ("sheet", kind)
                value = _answers(content, seat) if isinstance(content, int) else content
                entries.append(
                    {
                        "membership_id": ms,
                        "kind": m.EntryKind.TASK.value,
                        "theme_key": theme,
                        "task_key": task,
                        "worksheet_kind": kind,
                        "content": ins.sealed(entry_model, "content", body, value),
                        "version": 3,
                        "created_at": ins.at(days=30 - seat),
                        "updated_at": ins.at(days=20 - seat),
                    }
                )
            for number in range(1, HELD + 1):
                entries.append(
                    {
                        "membership_id": ms,
                        "kind": m.EntryKind.TAKEAWAY.value,
                        "theme_key": THEMES[number - 1],
                        "meeting_id": meeting_ids[i * len(THEMES) + number - 1],
                        "content": ins.sealed(
                            entry_model,
                            "content",
                            ("takeaway", seat, number),
                            _answers(2, seat + number),
                        ),
                        "version": 2,
                        "created_at": ins.at(days=40 - 14 * number),
                        "updated_at": ins.at(days=39 - 14 * number),
                    }
                )
            entries.append(
                {
                    "membership_id": ms,
                    "kind": m.EntryKind.FREE.value,
                    "content": ins.sealed(
                        entry_model,
                        "content",
                        ("free", seat),
                        {"title": "After the meeting", "text": _text(seat, 4)},
                    ),
                    "created_at": ins.at(days=3),
                    "updated_at": ins.at(days=3),
                }
            )
    ins.insert(entry_model, entries)
    ins.insert(
        m.Post,
        [
            {
                "group_id": group_ids[i],
                "author_id": membership_ids[i * MEMBERS + p % MEMBERS],
                "text": _text(g + p, 1 + p % 3),
                "link": "https://example.org/notes" if p % 4 == 0 else "",
                "created_at": ins.at(hours=6 * (POSTS - p)),
            }
            for i, g in enumerate(indices)
            for p in range(POSTS)
        ],
    )
    _add_planning(group_ids, membership_ids, ins=ins, m=m)


class _Inserter:
    """Plain INSERTs: rows are dicts of column values (attnames), every other column gets
    its field's default, prepared once (or per row for ``per_row`` fields, like a UUID)."""

    def __init__(self, now: Any) -> None:
        from django.db import connection

        self.connection = connection
        self.now = now
        self._times: dict[tuple[int, int], Any] = {}
        self._sealed: dict[Any, Any] = {}

    def at(self, *, days: int = 0, hours: int = 0) -> Any:
        key = (days, hours)
        if key not in self._times:
            value = self.now - timedelta(days=days, hours=hours)
            self._times[key] = self.connection.ops.adapt_datetimefield_value(value)
        return self._times[key]

    def sealed(self, model: Any, name: str, key: Any, value: Any) -> Any:
        """The stored form of a field's value (encrypted, or JSON), made by the field."""
        key = (model, name, key)
        if key not in self._sealed:
            field = model._meta.get_field(name)
            self._sealed[key] = field.get_db_prep_save(value, self.connection)
        return self._sealed[key]

    def ids(self, model: Any, count: int) -> list[int]:
        """``count`` new primary keys after the table's highest."""
        table = self.connection.ops.quote_name(model._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {table}")
            (top,) = cursor.fetchone()
        start = (top or 0) + 1
        return list(range(start, start + count))

    def insert(self, model: Any, rows: list[dict[str, Any]], per_row: tuple[str, ...] = ()) -> None:
        if not rows:
            return
        fields = [
            f
            for f in model._meta.concrete_fields
            if not (f.primary_key and f.attname not in rows[0])
        ]
        given = set().union(*(row.keys() for row in rows))
        defaults = {
            f.attname: f.get_db_prep_save(f.get_default(), self.connection)
            for f in fields
            if f.name not in per_row
        }
        for f in fields:
            missing = f.attname not in given and f.name not in per_row
            if missing and defaults.get(f.attname) is None and not f.null:
                raise ValueError(f"{model.__name__}.{f.name} needs a value")
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
        prepared = []
        for row in rows:
            values = []
            for f in fields:
                if f.name in per_row:
                    values.append(f.get_db_prep_save(f.get_default(), self.connection))
                else:
                    values.append(row.get(f.attname, defaults[f.attname]))
            prepared.append(values)
        with self.connection.cursor() as cursor:
            for start in range(0, len(prepared), 5000):
                cursor.executemany(sql, prepared[start : start + 5000])


def _add_planning(
    group_ids: list[int], membership_ids: list[int], *, ins: _Inserter, m: SimpleNamespace
) -> None:
    proposals, records, wishes, rules, agreements, preferences, plans, acks = ([] for _ in range(8))
    rule_ids = ins.ids(m.GroundRulesVersion, len(group_ids))
    goals = ins.sealed(m.GoalsRecord, "goals", "goals", [_text(k, 1) for k in range(4)])
    plan = ins.sealed(m.ThemePlanVersion, "theme_keys", "plan", list(THEMES))
    for i, group in enumerate(group_ids):
        people = membership_ids[i * MEMBERS : (i + 1) * MEMBERS]
        for seat, ms in enumerate(people):
            common = {"group_id": group, "author_id": ms, "created_at": ins.at(days=45)}
            proposals.append({**common, "text": _text(seat, 1)})
            wishes.append(
                {
                    **common,
                    "text": _text(seat + 3, 1),
                    "withdrawn_at": ins.at() if seat == 7 else None,
                }
            )
            for theme in THEMES[1 + seat % 3 : 3 + seat % 3]:
                preferences.append(
                    {
                        "group_id": group,
                        "membership_id": ms,
                        "theme_key": theme,
                        "created_at": ins.at(days=44),
                    }
                )
            acks.append({"version_id": rule_ids[i], "membership_id": ms, "at": ins.at(days=30)})
        records.append(
            {"group_id": group, "number": 1, "goals": goals, "recorded_by_id": people[0]}
        )
        rules.append(
            {
                "id": rule_ids[i],
                "group_id": group,
                "number": 1,
                "rules": _text(1, 5),
                "conflict_procedure": _text(2, 3),
                "written_by_id": people[0],
            }
        )
        agreements.append(
            {
                "group_id": group,
                "number": 1,
                "changed_by_id": people[1],
                "frequency": "fortnightly",
                "meeting_count": 6,
                "meeting_minutes": 150,
                "time_of_day": "Tuesdays 17.30-20.00",
                "times_can_change": "by_agreement",
                "form": "remote",
                "remote_invitations_by": "Member 1",
                "channel": "board",
                "absence_reporting": "Write on the board the day before.",
            }
        )
        plans.append(
            {"group_id": group, "number": 1, "theme_keys": plan, "recorded_by_id": people[0]}
        )
    ins.insert(m.GoalProposal, proposals)
    ins.insert(m.RuleWish, wishes)
    ins.insert(m.ThemePreference, preferences)
    ins.insert(m.GoalsRecord, records)
    ins.insert(m.GroundRulesVersion, rules)
    ins.insert(m.AgreementsVersion, agreements)
    ins.insert(m.ThemePlanVersion, plans)
    ins.insert(m.RulesAcknowledgement, acks)


def _people(groups: int, clients: int = 20) -> dict[str, Any]:
    """Sessions for ``clients`` members spread evenly over the first ``groups`` groups,
    and for every coordinator; with the ids of the pages they open."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from booster.groups.models import Group, Membership
    from booster.meetings.models import Meeting
    from booster.organisations.models import Coordinator

    store = SessionStore()
    backend = settings.AUTHENTICATION_BACKENDS[0]
    expire = timezone.now() + timedelta(days=14)
    ids = list(
        Group.objects.filter(name__startswith=NAME_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)[:groups]
    )
    sessions = []

    def signed_in(user: Any) -> str:
        key = _session_key()
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expire)
        )
        return key

    out = []
    for client in range(clients):
        group_id = ids[(client * len(ids)) // clients]
        seat = 1 + client % MEMBERS
        membership = Membership.objects.select_related("user").get(group_id=group_id, seat=seat)
        meeting = Meeting.objects.get(group_id=group_id, number=HELD + 1)
        out.append(
            {
                "group": group_id,
                "meeting": meeting.pk,
                "session": signed_in(membership.user),
                "pages": _member_pages(group_id, meeting.pk),
            }
        )
    coordinators = [
        {
            "slug": c.organisation.slug,
            "session": signed_in(c.user),
            "pages": _coordinator_pages(c.organisation.slug),
        }
        for c in Coordinator.objects.select_related("organisation", "user").filter(
            organisation__slug__startswith="bench-"
        )
    ]
    Session.objects.bulk_create(sessions)
    return {"groups": len(ids), "clients": out, "coordinators": coordinators}


def _member_pages(group_id: int, meeting_id: int) -> dict[str, str]:
    from django.urls import reverse
    from django.utils import translation

    with translation.override("en"):
        return {
            "group_home": reverse("groups:home", kwargs={"group_id": group_id}),
            "meeting_room": reverse(
                "room:room", kwargs={"group_id": group_id, "meeting_id": meeting_id}
            ),
            "notebook": reverse("notebook:index", kwargs={"group_id": group_id}),
            "planning_goals": reverse("planning:goals", kwargs={"group_id": group_id}),
            "planning_rules": reverse("planning:rules", kwargs={"group_id": group_id}),
            "planning_themes": reverse("planning:themes", kwargs={"group_id": group_id}),
            "board": reverse("board:index", kwargs={"group_id": group_id}),
        }


def _coordinator_pages(slug: str) -> dict[str, str]:
    """The organisation dashboard, when it is built (its URL resolves)."""
    from django.urls import NoReverseMatch, reverse
    from django.utils import translation

    with translation.override("en"):
        try:
            return {"org_dashboard": reverse("dashboard:index", kwargs={"slug": slug})}
        except NoReverseMatch:
            return {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--groups", type=int, required=True)
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
    data = build(args.groups)
    Path(args.out).write_text(json.dumps(data))
    print(
        f"# pages_data: {data['groups']} groups ready in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
