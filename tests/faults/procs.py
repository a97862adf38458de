"""Real processes for fault tests: a database of their own, and the environment that
Booster's commands run with (the development settings, as `booster serve` uses them)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from cryptography.fernet import Fernet

from tests.room.test_processes import database_url, maintenance_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


# What settings.base gives the default SQLite file; a DATABASE_URL carries it in its query
# (dj-database-url turns the query into OPTIONS), or two processes meet "database is locked".
SQLITE_OPTIONS = urlencode(
    {
        "transaction_mode": "IMMEDIATE",
        "timeout": "20",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON;",
    }
)


@contextmanager
def own_database(tmp: Path) -> Iterator[str]:
    """A file for SQLite, or a fresh database on the PostgreSQL server of DATABASE_URL
    (dropped afterwards), as the suite runs on."""
    url, drop = database_url(tmp)
    if url.startswith("sqlite:"):
        url = f"{url}?{SQLITE_OPTIONS}"
    try:
        yield url
    finally:
        if drop:
            import psycopg

            with psycopg.connect(
                maintenance_url(os.environ["DATABASE_URL"]), autocommit=True
            ) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)')


def process_env(tmp: Path, database: str, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE", "EMAIL_BACKEND"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "booster.settings.dev",
            "DATABASE_URL": database,
            "SECRET_KEY": "fault tests " + uuid.uuid4().hex,
            "BOOSTER_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "BOOSTER_VAR_DIR": str(tmp),
            "DEBUG": "false",
            "PYTHONPATH": os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), str(ROOT)])),
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra)
    return env


def booster(env: dict[str, str], *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a `booster` command to the end."""
    return subprocess.run(
        [str(BIN / "booster"), *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=True,
        timeout=300,
        **kwargs,
    )


def query(database: str, sql: str) -> list[tuple[Any, ...]]:
    """Read the processes' database directly (no Django in the test process)."""
    if database.startswith("sqlite:///"):
        import sqlite3

        path = database.removeprefix("sqlite:///").split("?", 1)[0]
        with sqlite3.connect(path, timeout=20) as connection:
            return list(connection.execute(sql).fetchall())
    import psycopg

    with psycopg.connect(database) as connection:
        return list(connection.execute(sql).fetchall())  # type: ignore[arg-type]
