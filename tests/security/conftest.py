"""Fixtures of the security sweep: asyncio for the room's sockets, and one in-process channel
layer (each socket test runs on its own event loop, which a Redis layer's connections cannot
follow; several processes on Redis are tested in tests/room/test_processes.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def one_process_layer(settings: Any) -> Iterator[None]:
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True, scope="package")
def _forget_the_crawl() -> Iterator[None]:
    """The crawl's answers (tests/security/crawl.py) are kept while this directory runs and
    let go after it, so the rest of the suite does not carry them."""
    yield
    from tests.security.crawl import _CRAWL

    _CRAWL.clear()
