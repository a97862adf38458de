"""Readiness checks for the /health/ endpoint: the database and, when configured, Redis."""

from __future__ import annotations

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


def check_redis() -> str | None:
    """Return None when Redis answers (or is not configured), else a short reason."""
    url = settings.REDIS_URL
    if not url:
        return None
    import redis

    timeout = settings.HEALTH_CHECK_TIMEOUT_SECONDS
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:  # any failure means "not healthy"; the reason is reported
        return type(exc).__name__
    return None
