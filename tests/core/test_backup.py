"""`booster backup` and `booster restore`, and a restore drill.

The commands run in child processes, as an operator runs them, against databases of
their own: SQLite files in a temporary directory, or — when DATABASE_URL points at
PostgreSQL — fresh databases on that server, dropped afterwards. The installation is a
development one (settings ``dev``), so its secret key and encryption key are the files
``var/secret_key`` and ``var/encryption_keys``, right beside ``var/backups/``.

This module is also the child processes' script: ``python -m tests.core.test_backup
make`` builds the data, ``read`` prints everything back (notebooks decrypted).
"""

from __future__ import annotations

import base64
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GROUP_NAMES = ("Restore drill: the printmakers", "Restore drill: the sound designers")


# --- databases of their own ---------------------------------------------------------------


@dataclass
class Databases:
    """Creates empty databases (SQLite files or PostgreSQL databases) and drops them."""

    tmp: Path
    base_url: str = field(default_factory=lambda: os.environ.get("DATABASE_URL", ""))
    made: list[str] = field(default_factory=list)

    @property
    def postgresql(self) -> bool:
        return self.base_url.startswith("postgres")

    def maintenance(self) -> Any:
        import psycopg

        return psycopg.connect(self.base_url.rsplit("/", 1)[0] + "/postgres", autocommit=True)

    def empty(self, role: str) -> str:
        """The URL of a new, empty database."""
        if not self.postgresql:
            return f"sqlite:///{self.tmp / f'{role}.sqlite3'}"
        name = f"booster_backup_{role}_{uuid.uuid4().hex[:8]}"
        with self.maintenance() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return self.base_url.rsplit("/", 1)[0] + "/" + name

    def missing(self) -> str:
        """The URL of a database that does not exist."""
        if not self.postgresql:
            return f"sqlite:///{self.tmp / 'missing' / 'nothing.sqlite3'}"
        return self.base_url.rsplit("/", 1)[0] + f"/booster_backup_missing_{uuid.uuid4().hex[:8]}"

    def drop(self) -> None:
        if not self.made:
            return
        with self.maintenance() as connection:
            for name in self.made:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def booster_env(var_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # The development settings make the keys in var/ when these are not set.
        if key not in {"SECRET_KEY", "BOOSTER_ENCRYPTION_KEYS", "REDIS_URL", "DATABASE_URL"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "booster.settings.dev",
            "DATABASE_URL": database_url,
            "BOOSTER_VAR_DIR": str(var_dir),
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra)
    return env


def run(
    command: list[str], env: dict[str, str], *, stdin: int | None = subprocess.DEVNULL
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, env=env, stdin=stdin, capture_output=True, text=True, timeout=300
    )


def booster(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run([str(BIN / "booster"), *args], env)


def script(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "tests.core.test_backup", *args], env)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def read_json(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    return json.loads(ok(result).strip().splitlines()[-1])  # type: ignore[no-any-return]


# --- the drill ----------------------------------------------------------------------------


@dataclass
class Drill:
    databases: Databases
    var_dir: Path
    source: str
    target: str
    markers: list[str]
    before: dict[str, Any]
    backup: Path
    backup_stdout: str
    restore_stdout: str
    after: dict[str, Any]

    def env(self, database_url: str, **extra: str) -> dict[str, str]:
        return booster_env(self.var_dir, database_url, **extra)


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Drill]:
    tmp = tmp_path_factory.mktemp("backup")
    databases = Databases(tmp=tmp)
    var_dir = tmp / "var"
    try:
        source = databases.empty("source")
        made = read_json(script("make", env=booster_env(var_dir, source)))
        before = read_json(script("read", env=booster_env(var_dir, source)))
        backup_stdout = ok(booster("backup", env=booster_env(var_dir, source)))
        backup = Path(backup_stdout.strip())
        target = databases.empty("target")
        restore_stdout = ok(
            booster("restore", str(backup), "--yes", env=booster_env(var_dir, target))
        )
        after = read_json(script("read", env=booster_env(var_dir, target)))
        yield Drill(
            databases=databases,
            var_dir=var_dir,
            source=source,
            target=target,
            markers=made["markers"],
            before=before,
            backup=backup,
            backup_stdout=backup_stdout,
            restore_stdout=restore_stdout,
            after=after,
        )
    finally:
        databases.drop()


def test_a_backup_is_one_timestamped_file_under_var_backups_readable_by_its_owner_only(
    drill: Drill,
) -> None:
    assert drill.backup.parent == drill.var_dir / "backups"
    extension = ".dump" if drill.databases.postgresql else ".sqlite3"
    assert re.fullmatch(rf"booster-\d{{8}}T\d{{6}}Z\{extension}", drill.backup.name)
    # Nothing else was written there: no copy of var/'s key files, no leftover partial file.
    assert [path.name for path in drill.backup.parent.iterdir()] == [drill.backup.name]
    assert drill.backup.stat().st_mode & 0o077 == 0
    assert drill.backup_stdout == f"{drill.backup}\n"


def searchable_bytes(drill: Drill, backup: Path) -> bytes:
    """The backup as stored and, for PostgreSQL's compressed archive, as plain SQL."""
    data = backup.read_bytes()
    if drill.databases.postgresql:
        from booster.core.backup import postgresql_program

        plain = subprocess.run(
            [postgresql_program("pg_restore"), "--file=-", str(backup)],
            capture_output=True,
            check=True,
            timeout=120,
        )
        data += plain.stdout
    return data


def key_forms(key: str) -> list[bytes]:
    """A Fernet key as text, as its 32 raw bytes, and as each 16-byte half alone."""
    raw = base64.urlsafe_b64decode(key)
    return [key.encode(), raw, raw[:16], raw[16:]]


def test_a_backup_holds_neither_the_encryption_keys_nor_the_secret_key(drill: Drill) -> None:
    keys = (drill.var_dir / "encryption_keys").read_text().split()
    secret_key = (drill.var_dir / "secret_key").read_text().strip()
    assert keys and secret_key
    data = searchable_bytes(drill, drill.backup)
    # The search can see what the backup does hold in the open: names and addresses.
    assert GROUP_NAMES[0].encode() in data
    assert drill.before["members"][0]["email"].encode() in data
    for key in keys:
        for form in key_forms(key):
            assert form not in data
    assert secret_key.encode() not in data
    # Notebook text is in the backup only as Fernet tokens.
    assert drill.markers
    for marker in drill.markers:
        assert marker.encode() not in data


def test_the_restore_drill_reads_back_every_group_member_and_notebook_entry(
    drill: Drill,
) -> None:
    assert drill.restore_stdout.startswith(f"Restored {drill.backup} into ")
    assert {group["name"] for group in drill.after["groups"]} == set(GROUP_NAMES)
    assert len(drill.after["members"]) == 8
    assert len(drill.after["entries"]) == 16
    assert drill.after["snapshots"] and drill.after["ideas"]
    # Every row, every decrypted text, the same as in the database that was backed up.
    assert drill.after == drill.before
    restored_text = json.dumps(drill.after, ensure_ascii=False)
    for marker in drill.markers:
        assert marker in restored_text


def test_a_restored_postgresql_database_has_its_planner_statistics(drill: Drill) -> None:
    if drill.databases.postgresql:
        import psycopg

        with psycopg.connect(drill.target) as connection:
            not_analysed = connection.execute(
                "SELECT relname FROM pg_stat_user_tables "
                "WHERE last_analyze IS NULL AND last_autoanalyze IS NULL AND n_live_tup > 0"
            ).fetchall()
            analysed = connection.execute(
                "SELECT count(*) FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL"
            ).fetchone()
        assert not_analysed == []
        assert analysed is not None and analysed[0] > 0
    else:
        # SQLite: the file is copied as it was, statistics included (the source has none:
        # SQLite's planner then prefers the indexes, which is what these lookups need).
        path = drill.target.removeprefix("sqlite:///")
        with closing(sqlite3.connect(path)) as connection:
            stats = connection.execute(
                "SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'"
            ).fetchall()
        assert stats == []


def test_a_backup_of_an_older_version_is_migrated_on_restore(drill: Drill) -> None:
    # The source database stopped before the newest core migration (see make()).
    assert "Upgraded it to this version of Booster" in drill.restore_stdout
    ok(booster("manage", "migrate", "--check", env=drill.env(drill.target)))


def test_the_drill_check_in_the_docs_reads_every_encrypted_value(drill: Drill) -> None:
    """docs/deployment.md ends a restore drill with rotate_encryption_keys: it decrypts
    every encrypted value, passing with the right keys and naming a row without them."""
    checked = ok(booster("manage", "rotate_encryption_keys", env=drill.env(drill.target)))
    assert "Done: 0 values re-encrypted" in checked
    other_key = Fernet.generate_key().decode()
    env = drill.env(drill.target, BOOSTER_ENCRYPTION_KEYS=other_key)
    failed = booster("manage", "rotate_encryption_keys", env=env)
    assert failed.returncode != 0
    assert "cannot be read with any configured key" in failed.stderr


def test_with_another_key_the_restored_notebooks_cannot_be_read(drill: Drill) -> None:
    other_key = Fernet.generate_key().decode()
    result = script(
        "read", "--probe", env=drill.env(drill.target, BOOSTER_ENCRYPTION_KEYS=other_key)
    )
    seen = read_json(result)
    # What is not encrypted still reads: groups and who is in them.
    assert seen["groups"] == drill.before["groups"]
    assert seen["members"] == drill.before["members"]
    # The notebooks do not: every read of one stops with the crypto layer's DecryptionError.
    assert seen["notebooks"] == {
        table: "booster.core.crypto.DecryptionError: an encrypted value cannot be read with "
        "the configured BOOSTER_ENCRYPTION_KEYS"
        for table in ("entries", "snapshots", "ideas")
    }
    for marker in drill.markers:
        assert marker not in result.stdout + result.stderr


def test_restore_refuses_a_database_that_is_not_empty(drill: Drill) -> None:
    refused = booster("restore", str(drill.backup), "--yes", env=drill.env(drill.target))
    assert refused.returncode == 1
    assert refused.stderr.startswith("booster restore: ")
    assert "is not empty (the table django_migrations holds rows)" in refused.stderr
    assert "never overwrites data" in refused.stderr
    # Nothing was touched.
    assert read_json(script("read", env=drill.env(drill.target))) == drill.before


def test_restore_asks_first_and_without_a_terminal_needs_yes(drill: Drill) -> None:
    empty = drill.databases.empty("unasked")
    refused = booster("restore", str(drill.backup), env=drill.env(empty))
    assert refused.returncode == 2
    assert "add --yes" in refused.stderr
    assert "Restored" not in refused.stdout


def test_restore_refuses_a_file_that_is_not_a_backup(drill: Drill, tmp_path: Path) -> None:
    impostor = tmp_path / "notes.txt"
    impostor.write_text("not a database")
    # The file is looked at before the database (here not empty) is.
    refused = booster("restore", str(impostor), "--yes", env=drill.env(drill.target))
    assert refused.returncode == 1
    assert "is not a Booster backup" in refused.stderr
    missing = booster("restore", str(tmp_path / "gone.dump"), "--yes", env=drill.env(drill.target))
    assert missing.returncode == 1
    assert "there is no backup file at" in missing.stderr


def test_a_failed_backup_says_why_and_leaves_no_file(drill: Drill, tmp_path: Path) -> None:
    failed = booster("backup", "--output", str(tmp_path), env=drill.env(drill.databases.missing()))
    assert failed.returncode == 1
    assert failed.stderr.startswith("booster backup: ")
    assert failed.stdout == ""
    assert list(tmp_path.iterdir()) == []
    # An existing file is never overwritten.
    taken = tmp_path / "taken.bak"
    taken.write_text("an earlier backup")
    refused = booster("backup", "--output", str(taken), env=drill.env(drill.source))
    assert refused.returncode == 1
    assert "already exists" in refused.stderr
    assert taken.read_text() == "an earlier backup"


def test_a_backup_does_not_wait_for_an_open_write_and_leaves_it_out(
    drill: Drill, tmp_path: Path
) -> None:
    """The server is writing (a transaction is open) while the backup runs: the backup
    neither waits for it nor contains the half-done write."""
    unfinished = f"Unfinished rename {uuid.uuid4().hex}"
    update = "UPDATE groups_group SET name = %s WHERE name = %s"
    if drill.databases.postgresql:
        import psycopg

        writer: Any = psycopg.connect(drill.source)
        writer.execute(update, (unfinished, GROUP_NAMES[0]))
    else:
        path = drill.source.removeprefix("sqlite:///")
        writer = sqlite3.connect(path, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(update.replace("%s", "?"), (unfinished, GROUP_NAMES[0]))
    try:
        started = time.monotonic()
        output = Path(
            ok(booster("backup", "--output", str(tmp_path), env=drill.env(drill.source))).strip()
        )
        assert time.monotonic() - started < 15
    finally:
        writer.rollback()
        writer.close()
    data = searchable_bytes(drill, output)
    assert GROUP_NAMES[0].encode() in data
    assert unfinished.encode() not in data


@pytest.mark.django_db
def test_a_migrated_database_is_not_empty_and_django_migrations_is_named_first() -> None:
    from booster.core.backup import table_with_rows

    assert table_with_rows() == "django_migrations"


@pytest.mark.django_db
def test_a_backup_from_a_newer_booster_is_flagged_after_restore() -> None:
    from django.db.migrations.recorder import MigrationRecorder

    from booster.core.backup import RestoreResult, database_migrate

    MigrationRecorder.Migration.objects.create(app="core", name="9999_from_a_newer_booster")
    assert database_migrate() == RestoreResult(
        migrations_applied=0, unknown_migrations=("core.9999_from_a_newer_booster",)
    )


# --- the child processes' script ------------------------------------------------------------


def make() -> None:
    """Migrate, then two groups with members who keep notebooks; print the markers."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from booster.notebook import selectors, services
    from tests.factories import MeetingFactory, MembershipFactory
    from tests.notebook.helpers import MAP, access_of, consent, slot_of, write

    run_id = uuid.uuid4().hex[:12]
    markers: list[str] = []

    def marker(what: str) -> str:
        # Non-ASCII on purpose: the text must come back exactly.
        text = f"{what} {run_id} — päiväkirjan sivu åäö"
        markers.append(text)
        return text

    from tests.factories import GroupFactory

    for number, name in enumerate(GROUP_NAMES):
        group = GroupFactory(name=name)
        members = [
            MembershipFactory(group=group, is_convener=True),
            MembershipFactory(group=group),
            MembershipFactory(group=group),
        ]
        MembershipFactory(group=group, role="guide")
        meeting = MeetingFactory(group=group)
        for index, membership in enumerate(members):
            access = consent(membership)
            tag = f"g{number}m{index}"
            write(membership, "goals", {"goals": [marker(f"goal {tag}"), "", ""], "notes": ""})
            note = services.note_create(access=access, title=f"Note {tag}")
            services.entry_save(
                access=access,
                slot=selectors.free_slot(),
                entry=note,
                content={"title": f"Note {tag}", "text": marker(f"note {tag}")},
                version=note.version,
            )
        takeaway = selectors.takeaway_slot(
            pack=selectors.group_pack(access=access_of(members[1])), meeting=meeting
        )
        services.entry_save(
            access=access_of(members[1]),
            slot=takeaway,
            entry=None,
            content={"answers": [marker(f"takeaway g{number}")], "notes": ""},
            version=0,
        )
        shared = write(members[0], "network_map", {**MAP, "widen": marker(f"map g{number}")})
        snapshot = services.snapshot_create(
            access=access_of(members[0]), entry=shared, slot=slot_of(members[0], "network_map")
        )
        services.idea_add(
            access=access_of(members[2]), snapshot=snapshot, text=marker(f"idea g{number}")
        )
    # Stand in for a backup made by an older Booster: the newest core migration is undone,
    # and the restore must apply it again.
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(connection).graph
    (newest,) = graph.leaf_nodes("core")
    (before,) = (parent for parent in graph.node_map[newest].parents if parent[0] == "core")
    call_command("migrate", *before, interactive=False, verbosity=0)
    print(json.dumps({"markers": markers}, ensure_ascii=False))


def read(*, probe: bool) -> None:
    """Print every group and member and, decrypted, every notebook entry, shared snapshot
    and idea, as one JSON line. With ``probe``, a notebook table that cannot be read is
    given as the exception its read raised."""
    from booster.groups.models import Group, Membership
    from booster.notebook.models import MapIdea, NotebookConsent, NotebookEntry, SharedSnapshot

    data: dict[str, Any] = {
        "groups": [
            {"id": g.pk, "name": g.name, "state": g.state, "pack": g.pack_version.number}
            for g in Group.objects.select_related("pack_version").order_by("pk")
        ],
        "members": [
            {
                "id": m.pk,
                "group": m.group_id,
                "email": m.user.email,
                "name": m.display_name,
                "role": m.role,
                "convener": m.is_convener,
                "seat": m.seat,
            }
            for m in Membership.objects.select_related("user").order_by("pk")
        ],
    }
    data["consents"] = sorted(NotebookConsent.objects.values_list("membership", flat=True))
    readers: dict[str, Any] = {
        "entries": lambda: [
            {
                "id": e.pk,
                "membership": e.membership_id,
                "kind": e.kind,
                "task": [e.theme_key, e.task_key],
                "meeting": e.meeting_id,
                "version": e.version,
                "content": e.content,
            }
            for e in NotebookEntry.objects.order_by("pk")
        ],
        "snapshots": lambda: [
            {"id": s.pk, "membership": s.membership_id, "entry": s.entry_id, "content": s.content}
            for s in SharedSnapshot.objects.order_by("pk")
        ],
        "ideas": lambda: [
            {"id": i.pk, "snapshot": i.snapshot_id, "author": i.author_id, "text": i.text}
            for i in MapIdea.objects.order_by("pk")
        ],
    }
    for table, reader in readers.items():
        if not probe:
            data[table] = reader()
            continue
        try:
            data[table] = reader()
        except Exception as error:
            failure = f"{type(error).__module__}.{type(error).__name__}: {error}"
            data.setdefault("notebooks", {})[table] = failure
    print(json.dumps(data, ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booster.settings.dev")
    django.setup()
    if sys.argv[1] == "make":
        make()
    else:
        read(probe="--probe" in sys.argv[2:])
