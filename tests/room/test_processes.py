"""Real server processes: two uvicorn processes on one database and one Redis.

The facilitator's socket is on one process and a member's on the other; the member must
hear the facilitator. Then the facilitator's process is killed mid-meeting and started
again: the meeting resumes at the same step with the same deadline.

The database is the one the suite runs on (a file for SQLite, a fresh database on the
PostgreSQL server of DATABASE_URL); Redis is REDIS_URL or the local one. Without a Redis
answering, these tests are skipped with the reason shown.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def redis_url() -> str:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis answering at {url}: {error}")
    return url


def maintenance_url(url: str) -> str:
    """The server's "postgres" database, for creating and dropping others."""
    return url.rsplit("/", 1)[0] + "/postgres"


def database_url(tmp: Path) -> tuple[str, str | None]:
    """A database for the servers, and the name to drop afterwards (PostgreSQL)."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        import psycopg

        name = f"booster_procs_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(maintenance_url(base), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return base.rsplit("/", 1)[0] + "/" + name, name
    return f"sqlite:///{tmp / 'procs.sqlite3'}", None


@dataclass
class Cluster:
    env: dict[str, str]
    ports: list[int]
    data: dict[str, Any]
    servers: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, port: int) -> None:
        self.servers[port] = subprocess.Popen(
            [
                str(BIN / "uvicorn"),
                "booster.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                health = f"http://127.0.0.1:{port}/health/"
                with urllib.request.urlopen(health, timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"the server on {port} did not answer /health/")

    def kill(self, port: int) -> None:
        server = self.servers.pop(port)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)

    def stop(self) -> None:
        for port in list(self.servers):
            server = self.servers.pop(port)
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()

    def room_path(self) -> str:
        return f"/ws/room/{self.data['meeting']}/"


@contextmanager
def running_cluster(tmp: Path, *, servers: int, redis: str | None) -> Iterator[Cluster]:
    """``servers`` uvicorn processes on a fresh database with the rooms' people in it, on
    one Redis, or (``redis`` None) each on its own in-memory channel layer, as `make run`."""
    database, drop = database_url(tmp)
    # tests.faults.procs builds on this module: imported here, not at the top.

    # tests.faults.procs builds on this module: imported here, not at the top.
    from tests.faults.procs import process_env

    redis_env = (
        {"REDIS_URL": redis, "REDIS_PREFIX": f"booster-test-{uuid.uuid4().hex[:8]}"}
        if redis is not None
        else {}
    )
    env = process_env(tmp, database, **redis_env)
    subprocess.run(
        [str(BIN / "booster"), "setup", "--no-demo"], cwd=ROOT, env=env, check=True, timeout=300
    )
    made = subprocess.run(
        [sys.executable, "-m", "tests.room.procs_data"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = json.loads(made.stdout.decode().strip().splitlines()[-1])
    cluster = Cluster(env=env, ports=[free_port() for _ in range(servers)], data=data)
    try:
        for port in cluster.ports:
            cluster.start(port)
        yield cluster
    finally:
        cluster.stop()
        if drop:
            import psycopg

            with psycopg.connect(
                maintenance_url(os.environ["DATABASE_URL"]), autocommit=True
            ) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)')


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    url = redis_url()
    with running_cluster(tmp_path_factory.mktemp("procs"), servers=2, redis=url) as running:
        yield running


async def open_socket(cluster: Cluster, port: int, session: str) -> Any:
    import websockets

    return await websockets.connect(
        f"ws://127.0.0.1:{port}{cluster.room_path()}",
        additional_headers={"Cookie": f"sessionid={session}"},
        origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
        open_timeout=10,
    )


async def next_message(ws: Any, kind: str, name: str | None = None) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
        if message["type"] == kind and (name is None or message.get("name") == name):
            return message


def http_get(port: int, path: str, session: str) -> tuple[int, bytes]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"sessionid={session}"}
    )
    with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310 - loopback http
        return reply.status, reply.read()


def save_takeaway(cluster: Cluster, port: int, session: str, text: str) -> None:
    """What the notebook's autosave sends while a member types."""
    path = f"/en/groups/{cluster.data['group']}/notebook/meetings/{cluster.data['meeting']}/"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"sessionid={session}"}
    )
    with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310 - loopback http
        page = reply.read().decode()
        cookies = reply.headers.get_all("Set-Cookie") or []
    csrf_cookie = next(
        c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("csrftoken=")
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    version = re.search(r'name="version" value="(\d+)"', page)
    assert token and version
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token.group(1),
            "version": version.group(1),
            "action": "save",
            "answer-0": text,
            "notes": "",
        }
    ).encode()
    save = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=body,
        headers={
            "Cookie": f"sessionid={session}; csrftoken={csrf_cookie}",
            "X-CSRFToken": token.group(1),
            "X-Notebook-Autosave": "1",
            "Accept": "application/json",
            "Referer": f"http://127.0.0.1:{port}{path}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    with urllib.request.urlopen(save, timeout=10) as reply:  # noqa: S310 - loopback http
        assert json.loads(reply.read())["ok"] is True


def test_a_facilitator_on_one_process_reaches_members_on_the_other(cluster: Cluster) -> None:
    first, second = cluster.ports

    async def journey() -> None:
        facilitator = await open_socket(cluster, first, cluster.data["facilitator"])
        members = [
            await open_socket(cluster, second, session) for session in cluster.data["members"]
        ]
        await next_message(facilitator, "snapshot")
        for member in members:
            await next_message(member, "snapshot")
        await facilitator.send(json.dumps({"type": "start"}))
        started = [await next_message(member, "event", "start") for member in members]
        assert {event["version"] for event in started} == {started[0]["version"]}
        assert started[0]["changes"]["state"] == "running"
        # And back the other way: a member's own turn passed on process two reaches one.
        await facilitator.send(json.dumps({"type": "add_time", "minutes": 2}))
        for member in members:
            await next_message(member, "event", "add_time")
        for ws in (facilitator, *members):
            await ws.close()

    asyncio.run(journey())
    # The session made on one process is good on the other; the page shows the same state.
    path = f"/en/groups/{cluster.data['group']}/meetings/{cluster.data['meeting']}/room/state.json"
    status, body = http_get(second, path, cluster.data["members"][0])
    assert status == 200
    assert json.loads(body)["state"] == "running"


def test_a_restart_mid_meeting_keeps_the_step_the_deadline_and_typed_text(cluster: Cluster) -> None:
    first, second = cluster.ports

    async def before() -> dict[str, Any]:
        facilitator = await open_socket(cluster, first, cluster.data["facilitator"])
        snapshot = (await next_message(facilitator, "snapshot"))["snapshot"]
        if snapshot["state"] == "lobby":
            await facilitator.send(json.dumps({"type": "start"}))
            await next_message(facilitator, "event", "start")
        await facilitator.send(json.dumps({"type": "next"}))
        await next_message(facilitator, "event", "next")
        await facilitator.send(json.dumps({"type": "snapshot"}))
        state: dict[str, Any] = (await next_message(facilitator, "snapshot"))["snapshot"]
        # The process dies with this socket open.
        return state

    state = asyncio.run(before())
    typed = "What I take with me: ask for a fair fee, every time."
    save_takeaway(cluster, first, cluster.data["members"][0], typed)
    cluster.kill(first)
    cluster.start(first)
    path = f"/en/groups/{cluster.data['group']}/notebook/meetings/{cluster.data['meeting']}/"
    status, page = http_get(first, path, cluster.data["members"][0])
    assert status == 200
    assert typed.replace("'", "&#x27;") in page.decode()

    async def after() -> None:
        for port in (first, second):
            member = await open_socket(cluster, port, cluster.data["members"][1])
            snapshot = (await next_message(member, "snapshot"))["snapshot"]
            assert snapshot["current"] == state["current"]
            assert snapshot["deadline"] == state["deadline"]
            assert snapshot["state"] == "running"
            assert snapshot["version"] >= state["version"]
            await member.close()

    asyncio.run(after())
