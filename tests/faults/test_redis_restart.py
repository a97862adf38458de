"""Redis restarted under a running meeting on two server processes.

The test runs its own ``redis-server`` on a free port, two uvicorn processes using it on
one database, the facilitator's socket on one process and a member's on the other.

What happens, as observed: when Redis dies, every room socket is dropped at once (the
socket's channel-layer receive fails, the connection closes with 1006). The browser
reconnects with backoff and gets a fresh snapshot on connecting; the test does the same,
and checks that both snapshots equal the state a fresh page fetch reads, and that the
facilitator's next command reaches the member. A process's first WebSocket handshake
after the restart may fail once (HTTP 500: a dead pooled Redis connection); the client's
next attempt succeeds.

Redis can also forget its data while connections stay up (a flush, an eviction under
``maxmemory``, a failover to an empty replica). Channel groups live in Redis, so open
sockets stop hearing events; every ping joins the groups again (``RoomConsumer``), and
the first event after it shows a version gap, on which the client asks for a snapshot.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from tests.faults.procs import ROOT, booster, own_database, process_env
from tests.room.test_processes import Cluster, free_port, http_get, next_message, open_socket

RECONNECT_FIRST = 0.25  # seconds; the browser starts at 1 s, this keeps the test short
RECONNECT_FOR = 20.0
# channels-redis waits 5 s for a message before asking again; longer than that.
QUIET_FOR = 7.0


class OwnRedis:
    """A redis-server of the test's own, that can be killed and started again."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def flushall(self) -> None:
        redis.Redis.from_url(self.url).flushall()


@pytest.fixture(scope="module")
def own_redis() -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed: cannot restart a Redis of the test's own")
    server = OwnRedis(free_port())
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.kill()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, own_redis: OwnRedis) -> Iterator[Cluster]:
    tmp = tmp_path_factory.mktemp("redis-restart")
    with own_database(tmp) as database:
        env = process_env(
            tmp,
            database,
            REDIS_URL=own_redis.url,
            REDIS_PREFIX=f"booster-faults-{uuid.uuid4().hex[:8]}",
        )
        booster(env, "manage", "migrate", "--no-input", "--verbosity", "0")
        made = subprocess.run(
            [sys.executable, "-m", "tests.room.procs_data"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        data = json.loads(made.stdout.decode().strip().splitlines()[-1])
        cluster = Cluster(env=env, ports=[free_port(), free_port()], data=data)
        try:
            for port in cluster.ports:
                cluster.start(port)
            yield cluster
        finally:
            cluster.stop()


class Client:
    """What the browser's room script does about its socket, in short."""

    def __init__(self, cluster: Cluster, port: int, session: str) -> None:
        self.cluster, self.port, self.session = cluster, port, session
        self.ws: Any = None
        self.snapshot: dict[str, Any] = {}
        self.failed_handshakes = 0
        self.reconnects = 0

    async def connect(self) -> None:
        """Connect with backoff, as after a drop; the server sends a snapshot at once."""
        delay, deadline = RECONNECT_FIRST, time.monotonic() + RECONNECT_FOR
        while True:
            try:
                self.ws = await open_socket(self.cluster, self.port, self.session)
                break
            except Exception:
                self.failed_handshakes += 1
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 4)
        self.snapshot = (await next_message(self.ws, "snapshot"))["snapshot"]

    async def is_open(self, wait: float = 3.0) -> bool:
        """Whether the socket is still up (reading what arrives meanwhile)."""
        try:
            while True:
                await asyncio.wait_for(self.ws.recv(), timeout=wait)
        except TimeoutError:
            return True
        except Exception:  # closed: 1006 after the server's consumer failed
            return False

    async def resync(self) -> None:
        """After a drop: reconnect and take the fresh snapshot. Still open: ping (which
        joins the groups again) and ask for a snapshot."""
        if await self.is_open():
            await self.send({"type": "ping", "t": 1})
            await next_message(self.ws, "pong")
            await self.send({"type": "snapshot"})
            self.snapshot = (await next_message(self.ws, "snapshot"))["snapshot"]
        else:
            self.reconnects += 1
            await self.connect()

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def event(self, name: str, timeout: float = 10) -> dict[str, Any]:
        message: dict[str, Any] = await asyncio.wait_for(
            next_message(self.ws, "event", name), timeout=timeout
        )
        return message

    async def heard_nothing(self, seconds: float) -> bool:
        try:
            raw = await asyncio.wait_for(self.ws.recv(), timeout=seconds)
        except TimeoutError:
            return True
        return json.loads(raw).get("type") != "event"

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def fresh_state(cluster: Cluster, port: int) -> dict[str, Any]:
    """What a page fetched now reads (the client's poll while offline)."""
    path = f"/en/groups/{cluster.data['group']}/meetings/{cluster.data['meeting']}/room/state.json"
    status, body = http_get(port, path, cluster.data["members"][0])
    assert status == 200
    state: dict[str, Any] = json.loads(body)
    return state


async def running_meeting(cluster: Cluster) -> tuple[Client, Client]:
    first, second = cluster.ports
    facilitator = Client(cluster, first, cluster.data["facilitator"])
    member = Client(cluster, second, cluster.data["members"][0])
    await facilitator.connect()
    await member.connect()
    if facilitator.snapshot["state"] == "lobby":
        await facilitator.send({"type": "start"})
        await member.event("start")
    return facilitator, member


def test_a_quiet_socket_stays_open(cluster: Cluster) -> None:
    """Nothing happens in the room for a while (the usual case): the socket stays up."""

    async def journey() -> None:
        member = Client(cluster, cluster.ports[1], cluster.data["members"][1])
        await member.connect()
        assert await member.is_open(wait=QUIET_FOR), "the server dropped a quiet socket"
        await member.close()

    asyncio.run(journey())


def test_after_a_redis_restart_clients_reconnect_resync_and_hear_the_facilitator(
    cluster: Cluster, own_redis: OwnRedis
) -> None:
    async def journey() -> tuple[Client, Client]:
        facilitator, member = await running_meeting(cluster)
        await facilitator.send({"type": "add_time", "minutes": 1})
        before = (await member.event("add_time"))["version"]

        own_redis.kill()
        await asyncio.sleep(0.5)
        own_redis.start()

        await facilitator.resync()
        await member.resync()
        for port in cluster.ports:
            assert fresh_state(cluster, port) == member.snapshot == facilitator.snapshot
        assert member.snapshot["version"] == before
        assert member.snapshot["state"] == "running"
        # The facilitator's next command reaches the member on the other process, as the
        # very next version (no gap: nothing was lost).
        await facilitator.send({"type": "add_time", "minutes": 2})
        event = await member.event("add_time")
        assert event["version"] == before + 1
        await facilitator.close()
        await member.close()
        return facilitator, member

    facilitator, member = asyncio.run(journey())
    print(
        f"redis restart: facilitator reconnected {facilitator.reconnects}x "
        f"({facilitator.failed_handshakes} failed handshakes), member "
        f"{member.reconnects}x ({member.failed_handshakes} failed handshakes)"
    )


def test_when_redis_forgets_the_groups_the_next_ping_joins_them_again(
    cluster: Cluster, own_redis: OwnRedis
) -> None:
    async def journey() -> None:
        facilitator, member = await running_meeting(cluster)
        await facilitator.send({"type": "add_time", "minutes": 1})
        before = (await member.event("add_time"))["version"]

        own_redis.flushall()  # the connections stay up; the channel groups are gone
        await facilitator.send({"type": "add_time", "minutes": 1})
        # Nobody is in the room's group any more: the event reaches no one.
        assert await member.heard_nothing(1.5)

        # Each browser pings every 25 seconds; a ping joins the groups again.
        for client in (facilitator, member):
            await client.send({"type": "ping", "t": 1})
            await next_message(client.ws, "pong")
        await facilitator.send({"type": "add_time", "minutes": 1})
        event = await member.event("add_time")
        assert event["version"] == before + 2  # one missed: a gap the client notices
        await member.send({"type": "snapshot"})
        snapshot = (await next_message(member.ws, "snapshot"))["snapshot"]
        assert snapshot["version"] == event["version"]
        assert snapshot == fresh_state(cluster, cluster.ports[0])
        await facilitator.close()
        await member.close()

    asyncio.run(journey())
