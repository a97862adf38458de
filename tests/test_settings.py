"""Configuration from the environment: typed helpers and the production requirements."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from booster.settings import env
from booster.settings.base import database_config


def test_env_bool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "yes")
    assert env.env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env.env_bool("X_FLAG", default=True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(env.ConfigurationError, match="X_FLAG"):
        env.env_bool("X_FLAG")


def test_env_int_and_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_NUMBER", "12")
    assert env.env_int("X_NUMBER", 3) == 12
    monkeypatch.setenv("X_NUMBER", "twelve")
    with pytest.raises(env.ConfigurationError):
        env.env_int("X_NUMBER", 3)
    monkeypatch.setenv("X_HOSTS", " a.example , b.example,")
    assert env.env_list("X_HOSTS") == ["a.example", "b.example"]


def test_development_secret_key_is_created_once(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secret_key"
    first = env.secret_key_from_file(path)
    assert len(first) > 40
    assert env.secret_key_from_file(path) == first
    assert path.stat().st_mode & 0o777 == 0o600


def test_sqlite_by_default_postgres_from_url() -> None:
    sqlite = database_config("")
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert sqlite["OPTIONS"]["transaction_mode"] == "IMMEDIATE"  # type: ignore[index]
    postgres = database_config("postgres://booster:pw@db.internal:5432/booster")
    assert postgres["ENGINE"] == "django.db.backends.postgresql"
    assert postgres["NAME"] == "booster"


def _import_prod(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "import booster.settings.prod as s; print(s.SESSION_COOKIE_SECURE, s.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", **extra_env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _import_prod({})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_cookies_are_secure() -> None:
    result = _import_prod(
        {
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "booster.example.org",
            "BOOSTER_ENCRYPTION_KEYS": "dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHQ=",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]
