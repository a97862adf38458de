"""One real server process without Redis, as `make run` serves: the in-memory channel layer.

A command sent over HTTP (the room's controls without JavaScript) must reach the sockets of
the room. The HTTP request runs in the server's pool of request threads
(booster/core/http.py) and broadcasts with ``async_to_sync``, which the handler has run on
the server's event loop, where the in-memory layer's queues live (that property is checked
in tests/core/test_http_handler.py); here the whole way is checked through a real server.
"""

from __future__ import annotations

import asyncio
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from tests.room.test_processes import Cluster, next_message, open_socket, running_cluster


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with running_cluster(tmp_path_factory.mktemp("one-process"), servers=1, redis=None) as one:
        yield one


def post_command(server: Cluster, name: str) -> int:
    """The facilitator presses a control on the room page without JavaScript."""
    port = server.ports[0]
    session = server.data["facilitator"]
    room = f"/en/groups/{server.data['group']}/meetings/{server.data['meeting']}/room/"
    page_request = urllib.request.Request(
        f"http://127.0.0.1:{port}{room}", headers={"Cookie": f"sessionid={session}"}
    )
    with urllib.request.urlopen(page_request, timeout=10) as reply:  # noqa: S310 - loopback
        page = reply.read().decode()
        cookies = reply.headers.get_all("Set-Cookie") or []
    csrf_cookie = next(
        c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("csrftoken=")
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    command = urllib.request.Request(
        f"http://127.0.0.1:{port}{room}command/",
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "type": name}).encode(),
        headers={
            "Cookie": f"sessionid={session}; csrftoken={csrf_cookie}",
            "Referer": f"http://127.0.0.1:{port}{room}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(command, timeout=10) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as answer:  # the redirect back to the room
        return int(answer.code)


def test_a_command_sent_over_http_reaches_the_members_sockets(server: Cluster) -> None:
    port = server.ports[0]

    async def journey() -> None:
        members = [await open_socket(server, port, s) for s in server.data["members"]]
        for member in members:
            await next_message(member, "snapshot")
        status = await asyncio.to_thread(post_command, server, "start")
        assert status == 302
        started = [await next_message(member, "event", "start") for member in members]
        assert {event["version"] for event in started} == {started[0]["version"]}
        assert started[0]["changes"]["state"] == "running"
        status = await asyncio.to_thread(post_command, server, "pause")
        assert status == 302
        for member in members:
            await next_message(member, "event", "pause")
        for ws in members:
            await ws.close()

    asyncio.run(journey())
