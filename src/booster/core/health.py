"""Readiness checks for the /health/ endpoint: the database and, when configured, Redis."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.db import connection


def check_database() -> str | None:
    """Return None when the database answers, else a short reason."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not healthy"; the reason is reported
        return type(exc).__name__
    return None


@functools.cache
def _redis_client(url: str, timeout: int) -> Any:
    """One client per process and URL: its pool keeps the connection between checks
    (a new client per check cost a connection, and redis-py's handshake reads the
    library's own metadata from disk: about 2 ms a request)."""
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)


def check_redis() -> str | None:
    """Return None when Redis answers (or is not configured), else a short reason."""
    url = settings.REDIS_URL
    if not url:
        return None
    try:
        _redis_client(url, settings.HEALTH_CHECK_TIMEOUT_SECONDS).ping()
    except Exception as exc:  # any failure means "not healthy"; the reason is reported
        return type(exc).__name__
    return None
