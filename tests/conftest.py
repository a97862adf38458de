"""Shared fixtures: people in their roles, a clean cache, the BOOSTER pack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.factories import UserFactory

pytest_plugins = ["tests.programme.fixtures", "tests.personas"]


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    # Rate limits live in the cache; with Redis it outlives a test's transaction.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_by_default() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def user(db: None) -> object:
    return UserFactory(email="member@example.org", display_name="Member")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser journeys run last. Playwright's synchronous API keeps an event loop running
    in the main thread for the whole session; the asynchronous tests (room sockets, real
    server processes) must run before it starts. The sort is stable: the rest keeps its
    order."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
