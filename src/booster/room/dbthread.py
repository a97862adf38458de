"""The room sockets' database work: in one thread on SQLite, a few on PostgreSQL.

Channels' ``database_sync_to_async`` runs each call in a single shared thread and closes
that thread's connections before and after every call (they are "obsolete" at once with
``CONN_MAX_AGE=0``). For PostgreSQL that is right: the connection goes back to the pool.
For SQLite it means opening the file and running the connection's PRAGMAs for every
heartbeat write, command and save, about 1.2 ms of CPU each, more than a save's UPDATE.
Here the SQLite connection of that thread stays open between calls (SQLite has no server
to drop it; autocommit means no transaction outlives a call), and every connection is
closed after a call that failed, so the next one starts clean.

On PostgreSQL the calls run in a few threads instead of one (``DB_THREADS``): each call
waits for its round trips to the server, and in one thread every save and command of the
process queued behind the others' waits. A socket's own messages are still handled one at
a time (Channels awaits each before the next); two commands of one room are serialised by
the run's row lock, though their events may then be published out of order, which the
clients repair (a version gap fetches a snapshot). SQLite keeps the one thread: it has no
round trips to overlap, and writers would only wait for each other's locks.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.db import DEFAULT_DB_ALIAS, connections

P = ParamSpec("P")
R = TypeVar("R")

# Threads for the sockets' database calls on PostgreSQL, per process (each holds a pooled
# connection only during a call: keep it under DATABASE_POOL_SIZE, which HTTP shares).
DB_THREADS = 4
_pool = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="room-db")


def _threads_in_parallel() -> bool:
    return bool(connections[DEFAULT_DB_ALIAS].vendor == "postgresql")


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

    one_thread = sync_to_async(call, thread_sensitive=True)
    pooled = sync_to_async(call, thread_sensitive=False, executor=_pool)

    @functools.wraps(func)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if _threads_in_parallel():
            return await pooled(*args, **kwargs)
        return await one_thread(*args, **kwargs)

    return run
