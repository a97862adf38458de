"""Typed helpers that read configuration from the environment, in one place."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path


class ConfigurationError(RuntimeError):
    """A required setting is missing or malformed."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ConfigurationError(f"{name} must be set in production")
    return value


def secret_key_from_file(path: Path) -> str:
    """Read the development secret key, creating it on first use.

    Development needs no configuration; the key lives in ``var/`` so that sessions and
    encrypted text survive a restart.
    """
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


def encryption_keys_from_file(path: Path) -> list[str]:
    """Read the development encryption keys (one Fernet key a line), creating one on first use.

    Like the secret key, the key lives in ``var/`` so that notebooks written in development
    can still be read after a restart. The first line is the key that encrypts.
    """
    if path.exists():
        keys = [line.strip() for line in path.read_text().splitlines() if line.strip()]
        if keys:
            return keys
    path.parent.mkdir(parents=True, exist_ok=True)
    # A Fernet key: 32 random bytes, URL-safe base64 (what Fernet.generate_key() makes).
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
    path.write_text(key + "\n")
    path.chmod(0o600)
    return [key]
