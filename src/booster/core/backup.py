"""Backups of the database, and restoring one into an empty database.

SQLite is copied through SQLite's online backup API (a consistent copy while the server
runs); PostgreSQL through ``pg_dump --format=custom`` and ``pg_restore``. A backup holds
the database and nothing else: the encryption keys and the secret key live in settings,
never in the database, so a backup without its keys shows no notebook text.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
EXTENSIONS = {"sqlite": ".sqlite3", "postgresql": ".dump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Debian and Ubuntu keep each PostgreSQL version's programs here, often off PATH.
POSTGRESQL_LIB = Path("/usr/lib/postgresql")


class BackupError(Exception):
    """A backup or a restore could not be made; the message says why, for the operator."""


@dataclass(frozen=True)
class RestoreResult:
    migrations_applied: int
    # Migrations recorded in the backup that this version of Booster does not have.
    unknown_migrations: tuple[str, ...]


# --- backup -------------------------------------------------------------------------------


def backups_dir() -> Path:
    return Path(settings.VAR_DIR) / "backups"


def database_backup(*, output: Path | None = None, using: str = DEFAULT_DB_ALIAS) -> Path:
    """Write one backup file and return its path.

    Without ``output`` the file goes to ``var/backups/`` with a UTC timestamp in its name;
    an existing directory as ``output`` gets such a file inside it. An existing file is
    never overwritten, and a failed backup leaves no file behind.
    """
    vendor = _vendor(using)
    path = _output_path(output, vendor)
    partial = path.with_name(f".{path.name}.partial")
    try:
        # Made first with owner-only permissions: a backup holds names and e-mail addresses.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        if vendor == "sqlite":
            _sqlite_backup(using, partial)
        else:
            _postgresql_backup(using, partial)
        if path.exists():
            raise BackupError(f"{path} appeared while the backup was made; nothing overwritten")
        partial.replace(path)
    except OSError as error:
        raise BackupError(f"cannot write {path}: {error.strerror or error}") from error
    finally:
        partial.unlink(missing_ok=True)
    return path


def _output_path(output: Path | None, vendor: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"booster-{stamp}{EXTENSIONS[vendor]}"
    if output is None:
        directory = backups_dir()
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            raise BackupError(f"cannot create {directory}: {error.strerror}") from error
        path = directory / name
    elif output.is_dir():
        path = output / name
    else:
        path = output
        if not path.parent.is_dir():
            raise BackupError(f"the directory {path.parent} does not exist")
    if path.exists():
        raise BackupError(f"{path} already exists; a backup never overwrites a file")
    return path


def _sqlite_backup(using: str, destination: Path) -> None:
    source = _sqlite_path(using)
    if not source.is_file():
        raise BackupError(f"there is no database file at {source}; nothing to back up")
    try:
        with (
            closing(sqlite3.connect(source, timeout=20)) as origin,
            closing(sqlite3.connect(destination)) as copy,
        ):
            # One step copies every page under one read transaction: a consistent
            # snapshot, while the server (WAL mode) keeps writing beside it.
            origin.backup(copy)
            # One self-contained file, whatever journal mode the live database uses.
            copy.execute("PRAGMA journal_mode=DELETE")
            check = copy.execute("PRAGMA quick_check").fetchone()
            if check != ("ok",):
                raise BackupError(f"the copy of {source} fails SQLite's check: {check}")
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy {source}: {error}") from error


def _postgresql_backup(using: str, destination: Path) -> None:
    settings_dict = connections[using].settings_dict
    _run_postgresql(
        "pg_dump",
        [
            "--format=custom",
            "--no-password",
            f"--file={destination}",
            f"--dbname={settings_dict['NAME']}",
        ],
        using=using,
    )


# --- restore ------------------------------------------------------------------------------


def backup_vendor(path: Path) -> str | None:
    """ "sqlite" or "postgresql" after the file's first bytes; None for anything else."""
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    return None


def database_describe(*, using: str = DEFAULT_DB_ALIAS) -> str:
    """The database in words, for the operator: which engine and where."""
    vendor = _vendor(using)
    if vendor == "sqlite":
        return f"the SQLite database {_sqlite_path(using)}"
    settings_dict = connections[using].settings_dict
    host = settings_dict.get("HOST") or "the local socket"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"the PostgreSQL database {settings_dict['NAME']} on {host}{port}"


def table_with_rows(*, using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The first table that holds a row, or None when the database is empty.

    "Empty" means that no table holds a single row. A new SQLite file and a database just
    made with ``createdb`` have no tables at all; once ``migrate`` (or ``booster setup``)
    has run, ``django_migrations`` holds rows and the database is no longer empty.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        # Django's own record first: the clearest sign that something was set up here.
        for table in sorted(tables, key=lambda name: (name != "django_migrations", name)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT 1 FROM {quoted} LIMIT 1")  # noqa: S608 - introspected name
            if cursor.fetchone() is not None:
                return table
    return None


def restore_check(*, source: Path, using: str = DEFAULT_DB_ALIAS) -> None:
    """Raise BackupError unless ``source`` can be restored into the database."""
    if not source.is_file():
        raise BackupError(f"there is no backup file at {source}")
    vendor = _vendor(using)
    kind = backup_vendor(source)
    if kind is None:
        raise BackupError(
            f"{source} is not a Booster backup (neither a SQLite database nor a "
            "pg_dump custom-format archive)"
        )
    if kind != vendor:
        raise BackupError(
            f"{source} is a {VENDOR_NAMES[kind]} backup, but DATABASE_URL points at a "
            f"{VENDOR_NAMES[vendor]} database; restore it into a {VENDOR_NAMES[kind]} database"
        )
    table = table_with_rows(using=using)
    if table is not None:
        raise BackupError(
            f"{database_describe(using=using)} is not empty (the table {table} holds rows). "
            "A restore never overwrites data: create a new, empty database "
            "(PostgreSQL: createdb; SQLite: a new file in DATABASE_URL) and restore into it"
        )


def database_restore(*, source: Path, using: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    """Restore a backup into an empty database, then migrate it to this version."""
    restore_check(source=source, using=using)
    vendor = _vendor(using)
    # The restore writes past Django's connection; it must not hold the database open.
    connections[using].close()
    if vendor == "sqlite":
        _sqlite_restore(source, using)
    else:
        _run_postgresql(
            "pg_restore",
            [
                "--no-owner",
                "--no-privileges",
                "--no-password",
                # All or nothing: a failed restore leaves the database as empty as before.
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connections[using].settings_dict['NAME']}",
                str(source),
            ],
            using=using,
        )
    result = database_migrate(using=using)
    if vendor == "postgresql":
        # pg_restore brings the rows but not the planner's statistics, and autovacuum may
        # take its time: until then PostgreSQL guesses at table sizes, and a lookup by a
        # member or a group can turn into a scan of a whole table (seen in bench/pages.py:
        # 36-49 ms instead of under 1 ms at 10,000 groups).
        with connections[using].cursor() as cursor:
            cursor.execute("ANALYZE")
    return result


def _sqlite_restore(source: Path, using: str) -> None:
    target = _sqlite_path(using)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            closing(sqlite3.connect(source)) as backup,
            closing(sqlite3.connect(target, timeout=20)) as database,
        ):
            check = backup.execute("PRAGMA quick_check").fetchone()
            if check != ("ok",):
                raise BackupError(f"{source} fails SQLite's check: {check}")
            backup.backup(database)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not restore {source}: {error}") from error


def database_migrate(*, using: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    """Bring a restored database up to this version; note migrations it does not know."""
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    known = set(executor.loader.graph.nodes)
    unknown = sorted(
        f"{app}.{name}"
        for app, name in executor.recorder.applied_migrations()
        if app in executor.loader.migrated_apps and (app, name) not in known
    )
    call_command("migrate", database=using, interactive=False, verbosity=0)
    call_command("createcachetable", database=using, verbosity=0)
    return RestoreResult(migrations_applied=len(plan), unknown_migrations=tuple(unknown))


# --- helpers ------------------------------------------------------------------------------


def _vendor(using: str) -> str:
    connection = connections[using]
    if connection.vendor not in EXTENSIONS:
        raise BackupError(f"backups work on SQLite and PostgreSQL, not on {connection.vendor}")
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name):
        raise BackupError("the database is in memory; there is nothing to back up or restore")
    return str(connection.vendor)


def _sqlite_path(using: str) -> Path:
    return Path(connections[using].settings_dict["NAME"])


def postgresql_program(name: str) -> str:
    """pg_dump or pg_restore: from PATH, else the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: Path) -> tuple[int, str]:
        number = path.parent.parent.name
        return (int(number) if number.isdigit() else 0, number)

    candidates = sorted(POSTGRESQL_LIB.glob(f"*/bin/{name}"), key=version, reverse=True)
    if candidates:
        return str(candidates[0])
    raise BackupError(
        f"{name} was found neither on PATH nor in {POSTGRESQL_LIB}/*/bin; install the "
        "PostgreSQL client programs (Debian: apt install postgresql-client)"
    )


def _postgresql_env(using: str) -> dict[str, str]:
    """libpq's variables for the database Django uses. The password travels in the
    environment, never on the command line where any user could read it."""
    settings_dict: dict[str, Any] = connections[using].settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    options: dict[str, Any] = settings_dict.get("OPTIONS") or {}
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if options.get(option):
            env[f"PG{option.upper()}"] = str(options[option])
    return env


def _run_postgresql(program: str, arguments: list[str], *, using: str) -> None:
    command = [postgresql_program(program), *arguments]
    try:
        finished = subprocess.run(  # noqa: S603 - our arguments, no shell
            command, env=_postgresql_env(using), capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise BackupError(f"cannot run {command[0]}: {error.strerror or error}") from error
    if finished.returncode != 0:
        said = finished.stderr.strip() or finished.stdout.strip() or "no message"
        raise BackupError(f"{program} failed (exit {finished.returncode}): {said}")
