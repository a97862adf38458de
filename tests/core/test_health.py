"""The /health/ endpoint that a proxy or orchestrator polls."""

from __future__ import annotations

import pytest
from django.db import DatabaseError
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from booster.core import health

pytestmark = pytest.mark.django_db


def test_healthy(client: Client) -> None:
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_a_broken_database_answers_503(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_cursor(*args: object, **kwargs: object) -> None:
        raise DatabaseError("gone")

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "DatabaseError"


def test_an_unreachable_redis_answers_503(client: Client, settings: SettingsWrapper) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.HEALTH_CHECK_TIMEOUT_SECONDS = 1
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["redis"] == "ConnectionError"


def test_a_reachable_redis_is_reported(client: Client, settings: SettingsWrapper) -> None:
    import os

    url = os.environ.get("REDIS_URL")
    if not url:
        settings.REDIS_URL = ""
        assert client.get("/health/").json()["redis"] == "not configured"
        return
    settings.REDIS_URL = url
    assert client.get("/health/").json()["redis"] == "ok"
