"""Django's HTTP side under ASGI, with one hop to a worker thread per request.

Booster's views and middleware are synchronous (the only asynchronous code is the room's
sockets, which Channels serves). Django's own ``ASGIHandler`` runs the middleware chain
in its asynchronous mode: every middleware written in the classic style then runs its
``process_request`` and ``process_response`` through ``sync_to_async``, each a hop
between the event loop and a thread, and every request gets a new thread of its own, so
no database connection outlives a request. Measured in-process (``bench/pages.py``
notes), that cost 8–9 ms of CPU per request before a view did anything — more than most
views.

:class:`OneHopHandler` keeps Django's ASGI request and response handling (reading the
body, building the request, sending headers and chunks) and runs everything between
them — the ``request_started`` signal, the whole middleware chain in its synchronous
mode, the view and, for ordinary responses, ``request_finished`` — as one call in a fixed
pool of threads (``BOOSTER_HTTP_THREADS``). The threads live as long as the process, as in
a threaded WSGI server, so a SQLite connection can be kept between requests
(``CONN_MAX_AGE``) and a PostgreSQL one goes back to the pool at the end of each request.

Each call runs in a copy of its request's context (``sync_to_async`` with the pool as its
executor), so state that Django keeps in context variables (the active language, the time
zone, the URLconf) never carries from one request to the next in the same thread, and
``async_to_sync`` inside a view runs on the server's event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from tempfile import SpooledTemporaryFile
from typing import Any, cast

from asgiref.sync import sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers import base
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.urls import set_script_prefix

Scope = dict[str, Any]


class OneHopHandler(ASGIHandler):
    """An ASGI callable for Django's HTTP requests: one thread hop each."""

    def __init__(self, *, threads: int) -> None:
        # Not ASGIHandler.__init__: that loads the middleware in asynchronous mode.
        base.BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="http")

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django serves HTTP here, not {scope['type']}.")
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Any, send: Any) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            response = await self.in_thread(self.respond, scope, body_file)
            if isinstance(response, StreamingHttpResponse) and not response.is_async:
                # A file or a generator: read each part in a worker thread as it is sent
                # (Django would read the whole of it into memory first).
                parts = cast(Iterator[bytes], response.streaming_content)
                response.streaming_content = self.parts_in_thread(parts)
            try:
                await self.send_response(response, send)
            except (asyncio.CancelledError, OSError):
                # The client went away while we were sending: nothing left to tell it.
                pass
            finally:
                if response.streaming:
                    # Its content was produced while sending: close it now.
                    await self.in_thread(response.close)
        finally:
            body_file.close()

    async def parts_in_thread(self, parts: Iterable[bytes]) -> AsyncIterator[bytes]:
        iterator = iter(parts)
        end = object()
        while (part := await self.in_thread(next, iterator, end)) is not end:
            yield part

    async def in_thread(self, func: Any, *args: Any) -> Any:
        # asgiref's own hop (not a bare run_in_executor): the thread then knows the
        # server's event loop, so async_to_sync in a view (the room's broadcasts) runs
        # there, as the in-memory channel layer needs, instead of in a loop of its own.
        return await sync_to_async(func, thread_sensitive=False, executor=self.executor)(*args)

    def respond(self, scope: Scope, body_file: SpooledTemporaryFile[bytes]) -> HttpResponseBase:
        """Everything between the request's body and its response's first byte."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error = self.create_request(scope, body_file)
        if request is None:
            response = cast(HttpResponseBase, error)
        else:
            response = self.get_response(request)
            response._handler_class = self.__class__  # type: ignore[attr-defined]
            if isinstance(response, FileResponse):
                # The ASGI server chunks the body itself: read the file in large blocks.
                response.block_size = self.chunk_size
        if not response.streaming:
            # The body is already in memory: finish the request (``request_finished``
            # closes or returns the database connections) in the thread that used them.
            response.close()
        return response
