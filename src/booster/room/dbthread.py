"""The room sockets' database work, in the one thread that serves it.

Channels' ``database_sync_to_async`` runs each call in a single shared thread and closes
that thread's connections before and after every call (they are "obsolete" at once with
``CONN_MAX_AGE=0``). For PostgreSQL that is right: the connection goes back to the pool.
For SQLite it means opening the file and running the connection's PRAGMAs for every
heartbeat write, command and save, about 1.2 ms of CPU each, more than a save's UPDATE.
Here the SQLite connection of that thread stays open between calls (SQLite has no server
to drop it; autocommit means no transaction outlives a call), and every connection is
closed after a call that failed, so the next one starts clean.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.db import connections

P = ParamSpec("P")
R = TypeVar("R")


def _close(*, keep_sqlite: bool) -> None:
    for connection in connections.all(initialized_only=True):
        if keep_sqlite and connection.vendor == "sqlite" and not connection.in_atomic_block:
            continue
        connection.close_if_unusable_or_obsolete() if keep_sqlite else connection.close()


def in_db_thread(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """``func`` run in the sockets' database thread, awaited from the event loop."""

    @functools.wraps(func)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = func(*args, **kwargs)
        except BaseException:
            _close(keep_sqlite=False)
            raise
        _close(keep_sqlite=True)
        return result

    return sync_to_async(call, thread_sensitive=True)
