"""The HTTP side of ``booster.asgi``: one thread hop per request (booster/core/http.py).

The application is driven in-process as an ASGI server would drive it: a request's body,
then the response's start and body messages. The handler's own pool runs the requests.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.core import signals
from django.db import connection
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import path
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

import booster.urls
from booster.accounts.models import User
from booster.core.http import OneHopHandler

pytestmark = pytest.mark.django_db(transaction=True)


def streamed(request: HttpRequest) -> StreamingHttpResponse:
    def parts() -> Iterator[str]:
        for n in range(3):
            # Each part is made in the handler's thread, not on the event loop.
            yield f"part {n} {threading.current_thread().name.startswith('http')}\n"

    return StreamingHttpResponse(parts())


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a view that fails")


@csrf_exempt
def echo(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.body[::-1], content_type="text/plain")


def loop_of_async_to_sync(request: HttpRequest) -> HttpResponse:
    async def which_loop() -> int:
        return id(asyncio.get_running_loop())

    return HttpResponse(str(async_to_sync(which_loop)()))


urlpatterns = [
    path("test-loop/", loop_of_async_to_sync),
    path("test-streamed/", streamed),
    path("test-broken/", broken),
    path("test-echo/", echo),
    *booster.urls.urlpatterns,
]


def http_scope(
    path: str,
    *,
    method: str = "GET",
    query: str = "",
    headers: list[tuple[bytes, bytes]] | None = None,
) -> dict[str, Any]:
    """What an ASGI server passes for one HTTP request to ``path``."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver"), *(headers or [])],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }


def call(
    app: Any,
    url: str,
    *,
    method: str = "GET",
    body: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    chunks: int = 1,
) -> tuple[int, dict[bytes, list[bytes]], bytes]:
    """One request through ``app``; the response's status, headers and body."""
    path_part, _, query = url.partition("?")
    scope = http_scope(path_part, method=method, query=query, headers=headers)
    size = max(1, -(-len(body) // chunks))
    parts = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
    incoming = [
        {"type": "http.request", "body": part, "more_body": i < len(parts) - 1}
        for i, part in enumerate(parts)
    ]
    sent: list[dict[str, Any]] = []

    async def run() -> None:
        finished = asyncio.Event()

        async def receive() -> dict[str, Any]:
            if incoming:
                return incoming.pop(0)
            await finished.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await app(scope, receive, send)
        finished.set()

    asyncio.run(run())
    start = sent[0]
    assert start["type"] == "http.response.start"
    response_headers: dict[bytes, list[bytes]] = {}
    for name, value in start["headers"]:
        response_headers.setdefault(name.lower(), []).append(value)
    assert not sent[-1].get("more_body", False), "the last body message must end the body"
    return start["status"], response_headers, b"".join(m.get("body", b"") for m in sent[1:])


@pytest.fixture
def handler(settings: Any) -> Iterator[OneHopHandler]:
    settings.ROOT_URLCONF = __name__
    settings.WHITENOISE_USE_FINDERS = True  # static files from the source tree, as in dev
    app = OneHopHandler(threads=1)
    yield app
    app.executor.shutdown(wait=True)


@pytest.fixture
def request_threads() -> Iterator[list[str]]:
    names: list[str] = []

    def record(**kwargs: Any) -> None:
        names.append(threading.current_thread().name)

    signals.request_started.connect(record)
    yield names
    signals.request_started.disconnect(record)


def test_the_application_serves_http_with_the_one_hop_handler() -> None:
    from booster.asgi import django_asgi_app

    assert isinstance(django_asgi_app, OneHopHandler)
    # The middleware chain is the synchronous one: no coroutine between two middlewares.
    chain = django_asgi_app._middleware_chain  # type: ignore[attr-defined]
    assert not inspect.iscoroutinefunction(chain)
    assert not chain.__class__.__name__.startswith("SyncToAsync")


def test_a_page_is_served_in_the_handlers_own_thread(
    handler: OneHopHandler, request_threads: list[str]
) -> None:
    status, headers, body = call(handler, "/en/accounts/login/")
    assert status == 200
    assert b"<form" in body
    # Cookies set by the view and the middleware reach the client.
    assert any(value.startswith(b"csrftoken=") for value in headers[b"set-cookie"])
    assert headers[b"content-type"] == [b"text/html; charset=utf-8"]
    assert request_threads == [request_threads[0]]
    assert request_threads[0].startswith("http")


def test_a_signed_in_page_uses_the_session_cookie(handler: OneHopHandler, client: Any) -> None:
    user = User.objects.create_user(email="hop@example.test", password="a long password here")
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    status, _, body = call(handler, "/en/accounts/profile/", headers=[(b"cookie", cookie)])
    assert status == 200
    assert b"hop@example.test" in body
    status, headers, _ = call(handler, "/en/accounts/profile/")
    assert status == 302
    assert headers[b"location"][0].startswith(b"/en/accounts/login/")


def test_a_body_in_several_messages_reaches_the_view_whole(handler: OneHopHandler) -> None:
    body = b"0123456789" * 10_000
    status, _, answer = call(handler, "/test-echo/", method="POST", body=body, chunks=7)
    assert status == 200
    assert answer == body[::-1]


def test_a_streamed_response_is_sent_in_parts_and_closed(handler: OneHopHandler) -> None:
    finished: list[str] = []

    def record(**kwargs: Any) -> None:
        finished.append(threading.current_thread().name)

    signals.request_finished.connect(record)
    try:
        status, _, body = call(handler, "/test-streamed/")
    finally:
        signals.request_finished.disconnect(record)
    assert status == 200
    assert body == b"part 0 True\npart 1 True\npart 2 True\n"
    assert len(finished) == 1
    assert finished[0].startswith("http")


def test_a_static_file_is_sent_from_its_file(handler: OneHopHandler, settings: Any) -> None:
    status, headers, body = call(handler, "/static/js/room.js")
    assert status == 200
    assert headers[b"content-length"] == [str(len(body)).encode()]
    assert body == (settings.SRC_DIR / "static" / "js" / "room.js").read_bytes()


def test_async_to_sync_in_a_view_runs_on_the_servers_event_loop(
    handler: OneHopHandler,
) -> None:
    # The in-memory channel layer's queues belong to the server's loop: a broadcast from a
    # view must be made there, not in a loop of its own.
    seen: list[int] = []

    async def serve() -> None:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await handler(http_scope("/test-loop/"), receive, send)
        seen.append(int(sent[-1]["body"]))
        seen.append(id(asyncio.get_running_loop()))

    asyncio.run(serve())
    assert seen[0] == seen[1]


def test_a_failing_view_answers_500_and_the_next_request_is_served(
    handler: OneHopHandler,
) -> None:
    status, _, body = call(handler, "/test-broken/")
    assert status == 500
    assert b"a view that fails" not in body
    assert call(handler, "/health/")[0] == 200


def test_the_language_of_one_request_never_carries_into_the_next(
    handler: OneHopHandler, request_threads: list[str]
) -> None:
    seen: list[str | None] = []

    def language_at_start(**kwargs: Any) -> None:
        seen.append(translation.get_language())

    signals.request_started.connect(language_at_start)
    try:
        with translation.override("sv"):
            assert call(handler, "/fi/accounts/login/")[0] == 200
            assert call(handler, "/en/accounts/login/")[0] == 200
    finally:
        signals.request_started.disconnect(language_at_start)
    # One thread served both (threads=1), and each request began in the language of the
    # server around it, not in the one the request before it switched to.
    assert len(set(request_threads)) == 1
    assert seen == ["sv", "sv"]


def test_the_request_finishes_in_the_thread_that_used_the_database(
    handler: OneHopHandler,
) -> None:
    assert call(handler, "/health/")[0] == 200

    def state() -> tuple[bool, bool]:
        return connection.connection is not None, connection.in_atomic_block

    is_open, in_transaction = handler.executor.submit(state).result()
    assert not in_transaction
    if connection.vendor == "postgresql":
        # Back in the pool at the end of the request.
        assert not is_open
    else:
        # SQLite: kept for the thread's next request (CONN_MAX_AGE).
        assert is_open


def test_a_client_gone_before_its_body_ends_gets_nothing(handler: OneHopHandler) -> None:
    sent: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = [
        {"type": "http.request", "body": b"half", "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(handler(http_scope("/test-echo/", method="POST"), receive, send))
    assert sent == []


def test_only_http_is_served(handler: OneHopHandler) -> None:
    async def nothing() -> dict[str, Any]:
        return {}

    async def ignore(message: dict[str, Any]) -> None:
        return None

    with pytest.raises(ValueError, match="websocket"):
        asyncio.run(handler({"type": "websocket"}, nothing, ignore))
