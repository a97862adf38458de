"""A "peak evening" in the live meeting room, on loopback.

M meetings run at once, each with 10 members and a facilitator connected to
``/ws/room/<meeting>/`` with real session cookies. Every member saves private writing
every 5 s in the room's notebook editor, as the room page sends it while its socket is
open (a ``write`` message from ``static/js/room.js``, answered by ``written``; the HTTP
autosave POST of ``static/js/notebook.js`` is room.js's fallback and is measured as a
cost per operation), and every facilitator acts every 10 s over the socket (add time,
pause, resume, in turn).
Fan-out is the time from the facilitator sending a command to the *last* socket of the
meeting receiving the event it caused (matched by version).

For M in 10, 25, 50, 100 and 200 it prints one line per configuration::

    config=sqlite-1proc meetings=50 sockets=550 fanout_p50_ms=… fanout_p99_ms=… \
        save_p95_ms=… errors=… baseline_fanout_p99_ms=…

then ``capacity config=… meetings=…``: the largest M with fan-out p99 ≤ 100 ms, save p95 ≤
150 ms and no errors. The baseline is a bare ``websockets`` server (``bench/ws_baseline.py``)
fanning the same facilitator messages out to the same number of sockets in the same run.

Configurations: ``sqlite-1proc`` (one uvicorn process, SQLite under var/bench/, the
in-memory channel layer) and ``pg-redis-2proc`` (two uvicorn processes on PostgreSQL
database ``bench`` and Redis db 5; skipped, with the reason, when either does not answer).
The server runs on one core and this load generator on the other. Progress and diagnostics
go to stderr, lines starting with ``#``; the results go to stdout.

Usage: ``make bench`` or ``.venv/bin/python bench/room.py [--configs sqlite-1proc]
[--meetings 10,25] [--window 20]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import itertools
import json
import math
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BENCH_VAR = ROOT / "var" / "bench"

LEVELS = (10, 25, 50, 100, 200)
CONFIGS = ("sqlite-1proc", "pg-redis-2proc")
MEMBERS = 10
SAVE_EVERY = 5.0
ACT_EVERY = 10.0
# The room's client sends a heartbeat this often (room.selectors.PRESENCE_STALE_SECONDS).
HEARTBEAT_EVERY = 25.0
# The commands a facilitator sends in turn. None of them moves the meeting off the task
# that the members are writing in.
COMMANDS: tuple[dict[str, Any], ...] = (
    {"type": "add_time", "minutes": 1},
    {"type": "pause"},
    {"type": "resume"},
)
FANOUT_TIMEOUT = 5.0
# Operations of each kind sent one at a time to measure their CPU cost (the server's CPU
# time is counted in 10 ms ticks: 25 of them put the cost within ±0.4 ms; the room allows
# 30 commands and 30 writes per socket in 10 s).
COST_SAMPLES = 25
SAVE_TIMEOUT = 15.0
CONNECT_TIMEOUT = 30.0
# Goals from the issue: the capacity is the largest M that meets all three.
GOAL_FANOUT_P99_MS = 100.0
GOAL_SAVE_P95_MS = 150.0
# A level whose errors reach this share of its operations (and at least EXPLODE_MIN) ends
# the ramp: the server is past saturation and higher levels would only time out.
EXPLODE_SHARE = 0.01
EXPLODE_MIN = 5
# A level this many times over a goal (fan-out p99 or save p95) also ends the ramp: the
# next level could only be worse, and connecting it to a saturated server takes minutes.
OVERLOAD_FACTOR = 10


@dataclass(frozen=True)
class Writing:
    """What the members write in, read off the real room page: the first step with a
    notebook editor (its step id and page key, as room.js sends them), the editor's
    field names (what FormData sends) and its page's URL (the HTTP autosave's)."""

    step: str
    key: str
    url: str
    fields: tuple[str, ...]


PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://root@127.0.0.1:5432/bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")


def log(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


# --- measurements -----------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def fmt(value: float) -> str:
    return "nan" if math.isnan(value) else f"{value:.1f}"


@dataclass
class Stats:
    fanout_ms: list[float] = field(default_factory=list)
    save_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    commands: int = 0
    saves: int = 0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


class Recorder:
    """What happened in the current measurement window (reset after each warm-up)."""

    def __init__(self) -> None:
        self.stats = Stats()
        self.closing = False

    def reset(self) -> Stats:
        done, self.stats = self.stats, Stats()
        return done


# --- a small HTTP/1.1 client (keep-alive, one connection per member, like a browser tab) --


class HttpConnection:
    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> tuple[int, dict[str, str], bytes]:
        """Send one request and read its response. Like a browser, a request that finds
        its kept-alive connection closed by the server (uvicorn closes idle ones after
        5 s) is sent again once on a new connection."""
        reused = self.writer is not None and self.reader is not None
        if reused and self.reader is not None and self.reader.at_eof():
            self.close()
            reused = False
        try:
            return await self._exchange(raw)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            if not reused or (isinstance(exc, asyncio.IncompleteReadError) and exc.partial):
                raise
            return await self._exchange(raw)

    async def _exchange(self, raw: bytes) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        try:
            self.writer.write(raw)
            head = await self.reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            headers: dict[str, str] = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    key = name.strip().lower()
                    headers[key] = (
                        f"{headers[key]}\n{value.strip()}" if key in headers else value.strip()
                    )
            if "content-length" in headers:
                body = await self.reader.readexactly(int(headers["content-length"]))
            elif "chunked" in headers.get("transfer-encoding", "").lower():
                parts = []
                while True:
                    size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                    if size == 0:
                        await self.reader.readuntil(b"\r\n")
                        break
                    parts.append(await self.reader.readexactly(size))
                    await self.reader.readexactly(2)
                body = b"".join(parts)
            else:
                body = await self.reader.read()
                self.close()
            if headers.get("connection", "").lower() == "close":
                self.close()
            return status, headers, body
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def csrf_secret() -> str:
    """A CSRF secret as Django keeps it in the ``csrftoken`` cookie (32 letters and digits).

    The browser reads its token from the editor's form; a token equal to the cookie's secret
    is one Django accepts as well, so the bench need not load 2,000 editor pages first."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


def multipart(fields: Sequence[tuple[str, str]]) -> tuple[str, bytes]:
    """A body as the browser's FormData sends it."""
    boundary = "----BoosterBench" + secrets.token_hex(8)
    chunks = []
    for name, value in fields:
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    chunks.append(f"--{boundary}--\r\n")
    return f"multipart/form-data; boundary={boundary}", "".join(chunks).encode()


TEXT = (
    "I hope to find people who know this work from the inside, to hear how they "
    "manage the gaps between projects, and to leave with one or two concrete steps "
    "for the spring; I want to say out loud what I am good at and to ask for help."
)
WORDS = TEXT.split()


# --- the simulated people -----------------------------------------------------------------


class Room:
    """One meeting: its sockets, its facilitator's commands and the events they cause."""

    def __init__(
        self,
        spec: dict[str, Any],
        ports: Sequence[int],
        recorder: Recorder,
        *,
        baseline: bool,
        writing: Writing | None,
        saves: bool = True,
    ) -> None:
        self.spec = spec
        self.saves = saves
        self.meeting = int(spec["meeting"])
        self.group = int(spec["group"])
        self.ports = ports
        self.recorder = recorder
        self.baseline = baseline
        self.writing = writing
        # index -> the answer awaited for that member's save over the socket
        self.saves_waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.sockets: list[ClientConnection] = []
        self.readers: list[asyncio.Task[None]] = []
        self.loops: list[asyncio.Task[None]] = []
        self.snapshots: list[asyncio.Future[dict[str, Any]]] = []
        # version -> receive times, one per socket
        self.received: dict[int, list[float]] = {}
        self.sent_at = 0.0
        self.sent_name = ""
        self.sent_version: int | None = None
        self.done: asyncio.Event = asyncio.Event()
        self.reply: asyncio.Future[dict[str, Any]] | None = None

    @property
    def size(self) -> int:
        return len(self.sockets)

    # people: index 0 is the facilitator, 1..10 the members
    def people(self) -> list[dict[str, Any]]:
        return [self.spec["facilitator"], *self.spec["members"]]

    def port_of(self, index: int) -> int:
        return self.ports[index % len(self.ports)]

    async def connect(self, limit: asyncio.Semaphore) -> None:
        async def one(index: int, person: dict[str, Any]) -> ClientConnection:
            port = self.port_of(index)
            headers = {} if self.baseline else {"Cookie": f"sessionid={person['session']}"}
            async with limit:
                return await connect(
                    f"ws://127.0.0.1:{port}/ws/room/{self.meeting}/",
                    origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
                    additional_headers=headers,
                    ping_interval=None,  # browsers do not ping; the server does
                    open_timeout=CONNECT_TIMEOUT,
                    max_size=2**22,
                    proxy=None,
                )

        self.sockets = list(await asyncio.gather(*(one(i, p) for i, p in enumerate(self.people()))))
        loop = asyncio.get_running_loop()
        self.snapshots = [loop.create_future() for _ in self.sockets]
        self.readers = [
            asyncio.create_task(self.read(index, ws)) for index, ws in enumerate(self.sockets)
        ]
        await asyncio.wait_for(asyncio.gather(*self.snapshots), CONNECT_TIMEOUT)

    async def read(self, index: int, ws: ClientConnection) -> None:
        try:
            async for raw in ws:
                now = time.perf_counter()
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "event":
                    self.on_event(index, message, now)
                elif kind == "snapshot":
                    if not self.snapshots[index].done():
                        self.snapshots[index].set_result(message.get("snapshot") or {})
                elif kind == "written":
                    self.on_written(index, message)
                elif kind == "error":
                    self.recorder.stats.error(f"server_error_{message.get('code')}")
                    if message.get("command") == "write":
                        self.on_written(index, message)
                    elif index == 0 and self.reply is not None and not self.reply.done():
                        self.reply.set_result(message)
        except ConnectionClosed as closed:
            if not self.recorder.closing:
                self.recorder.stats.error(f"ws_closed_{closed.rcvd.code if closed.rcvd else 0}")
        except Exception as exc:  # a bench must not die of one bad socket: count it
            if not self.recorder.closing:
                self.recorder.stats.error(f"ws_{type(exc).__name__}")
        finally:
            if not self.snapshots[index].done():
                self.snapshots[index].set_exception(ConnectionError("closed before snapshot"))

    def on_written(self, index: int, message: dict[str, Any]) -> None:
        waiting = self.saves_waiting.get(index)
        if waiting is not None and not waiting.done():
            waiting.set_result(message)

    def on_event(self, index: int, message: dict[str, Any], now: float) -> None:
        version = int(message.get("version", 0))
        times = self.received.setdefault(version, [])
        times.append(now)
        if index == 0:
            if self.reply is not None and not self.reply.done():
                self.reply.set_result(message)
            if self.sent_version is None and message.get("name") == self.sent_name:
                self.sent_version = version
        if version == self.sent_version and len(times) >= self.size and not self.done.is_set():
            self.recorder.stats.fanout_ms.append((max(times) - self.sent_at) * 1000)
            self.done.set()
            for old in [v for v in self.received if v <= version]:
                del self.received[old]

    async def command(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send a command as the facilitator and wait for its answer (event or error)."""
        self.reply = asyncio.get_running_loop().create_future()
        await self.sockets[0].send(json.dumps(message))
        return await asyncio.wait_for(self.reply, CONNECT_TIMEOUT)

    async def prepare(self) -> None:
        """Bring the meeting to the step written in: start it, then go to that step."""
        if self.baseline:
            return
        snapshot = self.snapshots[0].result()
        if snapshot.get("state") == "lobby":
            reply = await self.command({"type": "start"})
            if reply.get("type") == "error":
                raise RuntimeError(f"start refused: {reply}")
        steps = snapshot.get("steps") or []
        wanted = self.writing.step if self.writing else None
        target = next((s for s in steps if s.get("id") == wanted and not s.get("skipped")), None)
        if target is not None and snapshot.get("current") != target["id"]:
            reply = await self.command({"type": "goto", "step": target["id"]})
            if reply.get("type") == "error":
                raise RuntimeError(f"goto refused: {reply}")
        self.received.clear()

    def start_load(self) -> None:
        self.loops.append(asyncio.create_task(self.facilitate()))
        for ws in self.sockets:
            self.loops.append(asyncio.create_task(self.heartbeat(ws)))
        if not self.baseline and self.saves:
            for index in range(1, self.size):
                self.loops.append(asyncio.create_task(self.write(index)))

    async def heartbeat(self, ws: ClientConnection) -> None:
        await asyncio.sleep(random.uniform(0, HEARTBEAT_EVERY))
        while True:
            with contextlib.suppress(ConnectionClosed):
                await ws.send(json.dumps({"type": "ping", "t": int(time.time() * 1000)}))
            await asyncio.sleep(HEARTBEAT_EVERY)

    async def facilitate(self) -> None:
        await asyncio.sleep(random.uniform(0, ACT_EVERY))
        for turn in itertools.count():
            began = time.perf_counter()
            message = COMMANDS[turn % len(COMMANDS)]
            self.done.clear()
            self.sent_name = str(message["type"])
            self.sent_version = None
            self.sent_at = time.perf_counter()
            self.recorder.stats.commands += 1
            try:
                await self.sockets[0].send(json.dumps(message))
                await asyncio.wait_for(self.done.wait(), FANOUT_TIMEOUT)
            except TimeoutError:
                self.recorder.stats.error("fanout_timeout")
            except ConnectionClosed:
                return  # counted by the reader
            await asyncio.sleep(max(0.0, ACT_EVERY - (time.perf_counter() - began)))

    async def write(self, index: int, *, every: float = SAVE_EVERY, count: int = 0) -> None:
        """A member writing: one save every ``every`` seconds (``count`` of them, or for
        ever), never two at once, over the room's socket as room.js sends it (a ``write``
        message with the editor's fields, answered by ``written``)."""
        assert self.writing is not None
        ws = self.sockets[index]
        version = 0
        words: list[str] = []
        loop = asyncio.get_running_loop()
        await asyncio.sleep(random.uniform(0, every))
        for turn in itertools.count(1):
            began = time.perf_counter()
            words.append(WORDS[len(words) % len(WORDS)])
            if len(words) > 150:
                words = words[-20:]
            fields = {
                name: (" ".join(words) if name == "answer-0" else "")
                for name in self.writing.fields
            }
            message = {
                "type": "write",
                "ref": turn,
                "key": self.writing.key,
                "version": version,
                "fields": fields,
            }
            stats = self.recorder.stats
            stats.saves += 1
            waiting = self.saves_waiting[index] = loop.create_future()
            try:
                await ws.send(json.dumps(message))
                answer = await asyncio.wait_for(waiting, SAVE_TIMEOUT)
            except TimeoutError:
                stats.error("save_timeout")
            except ConnectionClosed:
                return  # counted by the reader
            else:
                elapsed = (time.perf_counter() - began) * 1000
                if answer.get("type") == "written" and answer.get("status") == 200:
                    version = int(answer["version"])
                    # counted in the window the answer arrived in
                    self.recorder.stats.save_ms.append(elapsed)
                elif answer.get("type") == "written":
                    stats.error(f"save_status_{answer.get('status')}")
                    if answer.get("status") == 409:
                        version = int(answer.get("version") or version)
                # an error event is counted by the reader
            if count and turn >= count:
                return
            # Like the browser: one save in flight at a time, the next one 5 s later.
            await asyncio.sleep(max(0.0, every - (time.perf_counter() - began)))

    async def write_http(self, index: int, *, every: float = SAVE_EVERY, count: int = 0) -> None:
        """A member writing over HTTP: the notebook editor's autosave POST, as notebook.js
        sends it when the room's socket is not open (and on the notebook's own pages)."""
        person = self.people()[index]
        port = self.port_of(index)
        assert self.writing is not None
        path = self.writing.url
        token = csrf_secret()
        http = HttpConnection("127.0.0.1", port)
        version = 0
        words: list[str] = []
        await asyncio.sleep(random.uniform(0, every))
        for _turn in itertools.count(1):
            began = time.perf_counter()
            words.append(WORDS[len(words) % len(WORDS)])
            if len(words) > 150:
                words = words[-20:]
            fields = [("csrfmiddlewaretoken", token), ("version", str(version))]
            for name in self.writing.fields:
                fields.append((name, " ".join(words) if name == "answer-0" else ""))
            fields.append(("action", "save"))
            content_type, body = multipart(fields)
            raw = (
                f"POST {path} HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{port}\r\n"
                f"Origin: http://127.0.0.1:{port}\r\n"
                f"Referer: http://127.0.0.1:{port}/en/groups/{self.group}/meetings/"
                f"{self.meeting}/room/\r\n"
                f"Cookie: sessionid={person['session']}; csrftoken={token}\r\n"
                f"X-CSRFToken: {token}\r\n"
                "X-Notebook-Autosave: 1\r\n"
                "Accept: application/json\r\n"
                f"Content-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode() + body
            stats = self.recorder.stats
            stats.saves += 1
            try:
                status, _headers, answer = await asyncio.wait_for(http.request(raw), SAVE_TIMEOUT)
            except TimeoutError:
                http.close()
                stats.error("save_timeout")
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                stats.error(f"save_{type(exc).__name__}")
            else:
                elapsed = (time.perf_counter() - began) * 1000
                if status == 200:
                    try:
                        version = int(json.loads(answer)["version"])
                    except (ValueError, KeyError):
                        stats.error("save_bad_json")
                    else:
                        # counted in the window the answer arrived in
                        self.recorder.stats.save_ms.append(elapsed)
                else:
                    stats.error(f"save_http_{status}")
                    if status == 409:
                        with contextlib.suppress(ValueError, KeyError):
                            version = int(json.loads(answer)["version"])
            if count and _turn >= count:
                return
            # Like the browser: one save in flight at a time, the next one 5 s later.
            await asyncio.sleep(max(0.0, every - (time.perf_counter() - began)))

    async def close(self) -> None:
        for task in self.loops:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)
        for task in self.readers:
            task.cancel()


# --- servers ----------------------------------------------------------------------------


@dataclass
class Cores:
    server: set[int] | None
    load: set[int] | None

    @classmethod
    def pick(cls) -> Cores:
        available = sorted(os.sched_getaffinity(0))
        if len(available) < 2:
            log(f"only {len(available)} core(s): server and load generator share it")
            return cls(None, None)
        return cls({available[0]}, {available[1]})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    def __init__(self, argv: list[str], env: dict[str, str], log_path: Path, cores: Cores) -> None:
        self.log_file = log_path.open("wb")
        core = cores.server

        def pin() -> None:
            if core is not None:
                os.sched_setaffinity(0, core)

        self.process = subprocess.Popen(
            argv,
            env=env,
            cwd=ROOT,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            preexec_fn=pin,
            start_new_session=True,
        )
        self.log_path = log_path

    def cpu_seconds(self) -> float:
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


async def wait_ready(port: int, path: str, server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited; see {server.log_path}")
        http = HttpConnection("127.0.0.1", port)
        try:
            status, _h, _b = await http.request(
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            if status == 200:
                return
        except (OSError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            http.close()
        await asyncio.sleep(0.2)
    raise RuntimeError(f"server on port {port} not ready after {timeout:.0f} s")


def server_env(config: str, var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "REDIS_PREFIX", "DJANGO_SETTINGS_MODULE"}
    }
    # BENCH_DJANGO_SETTINGS and BENCH_PYTHONPATH let an experiment run the same bench
    # against changed settings without touching the project's own.
    path = [os.environ.get("BENCH_PYTHONPATH", ""), str(ROOT / "src")]
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "BENCH_DJANGO_SETTINGS", "booster.settings.dev"
            ),
            "DEBUG": "false",
            "BOOSTER_VAR_DIR": str(var_dir),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(p for p in path if p),
        }
    )
    if config == "pg-redis-2proc":
        env["DATABASE_URL"] = PG_URL
        env["REDIS_URL"] = REDIS_URL
        env["REDIS_PREFIX"] = "booster-bench"
    return env


def uvicorn_argv(port: int) -> list[str]:
    return [
        str(BIN / "uvicorn"),
        "booster.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        "--lifespan",
        "off",
        # As ``booster serve`` runs it (src/booster/cli.py).
        "--ws-per-message-deflate",
        "false",
    ]


def profile_start(
    directory: Path, label: str, server: Server, seconds: float
) -> subprocess.Popen[bytes] | None:
    """Sample the server with py-spy (busy threads, without pausing it) for one window."""
    spy = shutil.which("py-spy") or shutil.which("py-spy", path="/tmp/bench-tools/bin")
    if spy is None:
        log("py-spy not found: no profile")
        return None
    directory.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(server.process.pid),
            "--duration",
            str(max(1, int(seconds) - 1)),
            "--rate",
            "100",
            "--nonblocking",
            "--format",
            "raw",
            "--output",
            str(directory / f"{label}.txt"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def core_jiffies(cores: set[int] | None) -> tuple[int, int] | None:
    """(busy, total) clock ticks of these cores since boot, from /proc/stat."""
    if not cores:
        return None
    busy = total = 0
    try:
        lines = Path("/proc/stat").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        name, *values = line.split()
        if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cores:
            ticks = [int(v) for v in values[:8]]
            idle = ticks[3] + ticks[4]  # idle + iowait
            busy += sum(ticks) - idle
            total += sum(ticks)
    return busy, total


def core_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float:
    if before is None or after is None or after[1] == before[1]:
        return math.nan
    return (after[0] - before[0]) / (after[1] - before[1])


# --- PostgreSQL and Redis -----------------------------------------------------------------


def redis_command(url: str, *commands: list[str]) -> list[bytes]:
    parsed = urllib.parse.urlsplit(url)
    replies = []
    with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 3) as s:
        stream = s.makefile("rb")
        for words in commands:
            payload = f"*{len(words)}\r\n" + "".join(f"${len(w)}\r\n{w}\r\n" for w in words)
            s.sendall(payload.encode())
            replies.append(stream.readline().strip())
    return replies


def pg_redis_unavailable() -> str | None:
    """Why the pg-redis-2proc configuration cannot run here, or None."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    admin = urllib.parse.urlsplit(PG_URL)._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"PostgreSQL does not answer at {admin}: {str(exc).strip().splitlines()[0]}"
    try:
        (reply,) = redis_command(REDIS_URL, ["PING"])
    except OSError as exc:
        return f"Redis does not answer at {REDIS_URL}: {exc}"
    if reply != b"+PONG":
        return f"Redis at {REDIS_URL} answered {reply!r}"
    return None


def pg_redis_fresh() -> None:
    import psycopg

    name = urllib.parse.urlsplit(PG_URL).path.lstrip("/")
    admin = urllib.parse.urlsplit(PG_URL)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    db = urllib.parse.urlsplit(REDIS_URL).path.lstrip("/") or "0"
    redis_command(REDIS_URL, ["SELECT", db], ["FLUSHDB"])


# --- the ramp -----------------------------------------------------------------------------


@dataclass
class Level:
    meetings: int
    sockets: int
    stats: Stats
    server_cpu: float = 0.0
    load_cpu: float = 0.0
    # How busy the server's core was in all: well above server_cpu means that something
    # else ran on it too (the numbers are then pessimistic).
    core_busy: float = math.nan

    @property
    def fanout_p50(self) -> float:
        return percentile(self.stats.fanout_ms, 0.50)

    @property
    def fanout_p99(self) -> float:
        return percentile(self.stats.fanout_ms, 0.99)

    @property
    def save_p95(self) -> float:
        return percentile(self.stats.save_ms, 0.95)

    def meets_goal(self, *, with_saves: bool = True) -> bool:
        if self.stats.error_count or math.isnan(self.fanout_p99):
            return False
        if self.fanout_p99 > GOAL_FANOUT_P99_MS:
            return False
        return not with_saves or (
            not math.isnan(self.save_p95) and self.save_p95 <= GOAL_SAVE_P95_MS
        )


async def ramp(
    *,
    name: str,
    specs: Sequence[dict[str, Any]],
    ports: Sequence[int],
    levels: Sequence[int],
    window: float,
    warmup: float,
    baseline: bool,
    servers: Sequence[Server],
    writing: Writing | None = None,
    on_level: Callable[[Level], None] | None = None,
    profile: Path | None = None,
    saves: bool = True,
    deadline: float | None = None,
    server_cores: set[int] | None = None,
) -> list[Level]:
    recorder = Recorder()
    rooms: list[Room] = []
    results: list[Level] = []
    limit = asyncio.Semaphore(64)
    per_meeting = 0.5  # seconds to connect one meeting's sockets, until measured
    try:
        for meetings in levels:
            if meetings > len(specs):
                log(f"{name}: only {len(specs)} meetings prepared; stopping before {meetings}")
                break
            needed = per_meeting * (meetings - len(rooms)) + warmup + window
            if deadline is not None and time.monotonic() + needed > deadline:
                log(
                    f"{name}: {meetings} meetings would need about {needed:.0f} s, more than "
                    "the time left; stopping the ramp here (see --budget)"
                )
                break
            began = time.monotonic()
            new = [
                Room(
                    spec,
                    ports,
                    recorder,
                    baseline=baseline,
                    writing=writing,
                    saves=saves,
                )
                for spec in specs[len(rooms) : meetings]
            ]
            failed = 0

            async def enter(room: Room) -> bool:
                try:
                    await room.connect(limit)
                    await room.prepare()
                except Exception as exc:
                    log(f"{name}: meeting {room.meeting} could not start: {exc!r}"[:300])
                    await room.close()
                    return False
                return True

            entering = asyncio.gather(*(enter(room) for room in new))
            try:
                # Connecting must leave time to measure, within the deadline.
                left = None if deadline is None else deadline - time.monotonic() - warmup - window
                outcomes = await asyncio.wait_for(entering, left)
            except TimeoutError:
                log(
                    f"{name}: connecting {meetings} meetings did not finish in the time left; "
                    "stopping the ramp here (see --budget)"
                )
                await asyncio.gather(*(room.close() for room in new), return_exceptions=True)
                break
            for room, ok in zip(new, outcomes, strict=True):
                if ok:
                    room.start_load()
                    rooms.append(room)
                else:
                    failed += 1
            took = time.monotonic() - began
            per_meeting = max(per_meeting if not new else 0.0, took / max(1, len(new)))
            log(
                f"{name}: {meetings} meetings connected in {took:.1f} s"
                + (f", {failed} failed" if failed else "")
            )
            await asyncio.sleep(warmup)
            recorder.reset()
            cpu_server = sum(s.cpu_seconds() for s in servers)
            cpu_load = time.process_time()
            core_before = core_jiffies(server_cores)
            started = time.monotonic()
            profilers = (
                [
                    profile_start(profile, f"{name}-{meetings}-{index}", server, window)
                    for index, server in enumerate(servers)
                ]
                if profile is not None
                else []
            )
            await asyncio.sleep(window)
            for profiler in profilers:
                if profiler is not None:
                    await asyncio.to_thread(profiler.wait)
            elapsed = time.monotonic() - started
            stats = recorder.reset()
            for _ in range(failed):
                stats.error("connect")
            level = Level(
                meetings=meetings,
                sockets=sum(room.size for room in rooms) + failed * (MEMBERS + 1),
                stats=stats,
                server_cpu=(sum(s.cpu_seconds() for s in servers) - cpu_server) / elapsed,
                load_cpu=(time.process_time() - cpu_load) / elapsed,
                core_busy=core_share(core_before, core_jiffies(server_cores)),
            )
            results.append(level)
            log(
                f"{name}: meetings={meetings} commands={stats.commands} "
                f"fanouts={len(stats.fanout_ms)} saves={len(stats.save_ms)} "
                f"fanout_p50/p99={fmt(level.fanout_p50)}/{fmt(level.fanout_p99)} ms "
                f"save_p50/p95={fmt(percentile(stats.save_ms, 0.5))}/{fmt(level.save_p95)} ms "
                f"errors={dict(sorted(stats.errors.items()))} "
                f"server_cpu={level.server_cpu:.0%} load_cpu={level.load_cpu:.0%} "
                f"server_core_busy={level.core_busy:.0%}"
            )
            if on_level is not None:
                on_level(level)
            operations = max(1, stats.commands + stats.saves)
            if stats.error_count >= max(EXPLODE_MIN, EXPLODE_SHARE * operations):
                log(f"{name}: errors exploded at {meetings} meetings; stopping the ramp here")
                break
            if level.fanout_p99 > OVERLOAD_FACTOR * GOAL_FANOUT_P99_MS or (
                level.save_p95 > OVERLOAD_FACTOR * GOAL_SAVE_P95_MS
            ):
                log(
                    f"{name}: {meetings} meetings are more than {OVERLOAD_FACTOR} times over "
                    "a goal; stopping the ramp here"
                )
                break
    finally:
        recorder.closing = True
        await asyncio.gather(*(room.close() for room in rooms), return_exceptions=True)
    return results


async def room_writing(port: int, spec: dict[str, Any]) -> Writing:
    """The first step of the real room page with a notebook editor, as a member sees it."""
    path = f"/en/groups/{spec['group']}/meetings/{spec['meeting']}/room/"
    http = HttpConnection("127.0.0.1", port)
    try:
        status, _h, body = await http.request(
            (
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Cookie: sessionid={spec['members'][0]['session']}\r\n"
                "Connection: close\r\n\r\n"
            ).encode()
        )
    finally:
        http.close()
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    page = body.decode()
    form = re.search(r"<form[^>]*data-room-writing.*?</form>", page, re.S)
    if form is None:
        raise RuntimeError(f"no notebook editor in the room page {path}")
    markup = form.group(0)
    tag = markup[: markup.index(">")]
    attributes = dict(re.findall(r'([a-z-]+)="([^"]*)"', tag))
    names = re.findall(r'name="((?:answer-\d+)|notes)"', markup)
    if "answer-0" not in names:
        raise RuntimeError(f"the editor in {path} has no answer-0 field")
    return Writing(
        step=html.unescape(attributes["data-room-writing"]),
        key=html.unescape(attributes["data-room-key"]),
        url=html.unescape(attributes["action"]),
        fields=tuple(dict.fromkeys(names)),
    )


async def measure_costs(
    port: int,
    server: Server,
    spec: dict[str, Any],
    writing: Writing,
) -> dict[str, float]:
    """The server's CPU time per operation, each sent alone and waited for: robust to
    other work on the machine, unlike latencies. Uses the probe meeting only."""
    recorder = Recorder()
    room = Room(spec, [port], recorder, baseline=False, writing=writing)
    costs: dict[str, float] = {}
    limit = asyncio.Semaphore(1)
    began = server.cpu_seconds()
    await room.connect(limit)  # the facilitator and the ten members, one after another
    costs["connect"] = (server.cpu_seconds() - began) * 1000 / room.size
    await room.prepare()
    ws = room.sockets[0]
    began = server.cpu_seconds()
    for _ in range(COST_SAMPLES):
        room.reply = None
        await ws.send(json.dumps({"type": "ping", "t": int(time.time() * 1000)}))
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)
    costs["heartbeat"] = (server.cpu_seconds() - began) * 1000 / COST_SAMPLES
    began = server.cpu_seconds()
    for _ in range(COST_SAMPLES):
        reply = await room.command({"type": "add_time", "minutes": 1})
        if reply.get("type") != "event":
            raise RuntimeError(f"add_time refused: {reply}")
    await asyncio.sleep(0.2)
    costs["command (fanned out to 11)"] = (server.cpu_seconds() - began) * 1000 / COST_SAMPLES
    began = server.cpu_seconds()
    await room.write(1, every=0, count=COST_SAMPLES)  # the first one creates the member's page
    costs["write (socket)"] = (server.cpu_seconds() - began) * 1000 / COST_SAMPLES
    began = server.cpu_seconds()
    await room.write_http(2, every=0, count=COST_SAMPLES)  # another member, another page
    costs["autosave (HTTP)"] = (server.cpu_seconds() - began) * 1000 / COST_SAMPLES
    # The floor of any HTTP request through Django here: the health check (one query).
    http = HttpConnection("127.0.0.1", port)
    began = server.cpu_seconds()
    for _ in range(COST_SAMPLES):
        await http.request(f"GET /health/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    costs["GET /health/"] = (server.cpu_seconds() - began) * 1000 / COST_SAMPLES
    http.close()
    recorder.closing = True
    await room.close()
    if recorder.stats.error_count:
        log(f"errors while measuring costs: {recorder.stats.errors}")
    return costs


def result_line(config: str, level: Level, baseline: dict[int, Level]) -> str:
    floor = baseline.get(level.meetings)
    return (
        f"config={config} meetings={level.meetings} sockets={level.sockets} "
        f"fanout_p50_ms={fmt(level.fanout_p50)} fanout_p99_ms={fmt(level.fanout_p99)} "
        f"save_p95_ms={fmt(level.save_p95)} errors={level.stats.error_count} "
        f"baseline_fanout_p99_ms={fmt(floor.fanout_p99) if floor else 'nan'}"
    )


async def run_baseline(
    args: argparse.Namespace, cores: Cores, levels: Sequence[int]
) -> dict[int, Level]:
    port = free_port()
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    server = Server(
        [sys.executable, str(ROOT / "bench" / "ws_baseline.py"), "--port", str(port)],
        dict(os.environ),
        BENCH_VAR / "ws_baseline.log",
        cores,
    )
    try:
        await wait_for_port(port, server)
        specs: list[dict[str, Any]] = [
            {"meeting": i + 1, "group": 0, "facilitator": {}, "members": [{}] * MEMBERS}
            for i in range(max(levels))
        ]
        found = await ramp(
            name="baseline",
            specs=specs,
            ports=[port],
            levels=levels,
            window=args.baseline_window,
            warmup=args.warmup,
            baseline=True,
            servers=[server],
            server_cores=cores.server,
        )
    finally:
        server.stop()
    return {level.meetings: level for level in found}


async def wait_for_port(port: int, server: Server, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited; see {server.log_path}")
        try:
            _r, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return
    raise RuntimeError(f"nothing listens on port {port} after {timeout:.0f} s")


async def run_config(
    config: str,
    args: argparse.Namespace,
    cores: Cores,
    levels: Sequence[int],
    baseline: dict[int, Level],
    deadline: float | None,
) -> list[Level] | None:
    if config == "pg-redis-2proc":
        reason = pg_redis_unavailable()
        if reason is not None:
            print(f"config={config} skipped: {reason}", flush=True)
            return None
    var_dir = BENCH_VAR / config
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    env = server_env(config, var_dir)
    if config == "pg-redis-2proc":
        pg_redis_fresh()
    people = var_dir / "people.json"
    began = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "room_data.py"),
            "--meetings",
            str(max(levels) + 1),
            "--out",
            str(people),
        ],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=sys.stderr,
    )
    log(f"{config}: data ready in {time.monotonic() - began:.1f} s")
    data = json.loads(people.read_text())
    # One meeting more than the ramp needs: the probe, used to read the task and the
    # editor's fields and to measure what single operations cost, never part of the load.
    specs: list[dict[str, Any]] = data["meetings"][:-1]
    probe: dict[str, Any] = data["meetings"][-1]
    processes = 2 if config == "pg-redis-2proc" else 1
    ports = [free_port() for _ in range(processes)]
    servers = [
        Server(uvicorn_argv(port), env, var_dir / f"server-{port}.log", cores) for port in ports
    ]
    levels_done: list[Level] = []
    try:
        for port, server in zip(ports, servers, strict=True):
            await wait_ready(port, "/health/", server)
        # What the members write in, read off the real room and the real editor.
        writing = await room_writing(ports[0], probe)
        log(
            f"{config}: members write in step {writing.step} ({writing.key}; "
            f"fields {', '.join(writing.fields)})"
        )
        costs = await measure_costs(ports[0], servers[0], probe, writing)
        log(
            f"{config}: server CPU per operation, one at a time: "
            + ", ".join(f"{name} {ms:.1f} ms" for name, ms in costs.items())
        )

        def show(level: Level) -> None:
            print(result_line(config, level, baseline), flush=True)

        levels_done = await ramp(
            name=config,
            specs=specs,
            ports=ports,
            levels=levels,
            window=args.window,
            warmup=args.warmup,
            baseline=False,
            servers=servers,
            writing=writing,
            on_level=show,
            profile=args.profile,
            saves=args.saves,
            deadline=deadline,
            server_cores=cores.server,
        )
    finally:
        for server in servers:
            server.stop()
    capacity = max(
        (lv.meetings for lv in levels_done if lv.meets_goal(with_saves=args.saves)), default=0
    )
    print(f"capacity config={config} meetings={capacity}", flush=True)
    return levels_done


def raise_open_files(sockets: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(soft, 4 * sockets + 1024)
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    if want < 2 * sockets + 256:
        log(f"open-file limit {want} may be too low for {sockets} sockets")


async def main_async(args: argparse.Namespace) -> int:
    levels = sorted({int(m) for m in args.meetings.split(",")})
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    unknown = set(configs) - set(CONFIGS)
    if unknown:
        raise SystemExit(f"unknown configuration(s): {', '.join(sorted(unknown))}")
    began = time.monotonic()
    cores = Cores.pick()
    if cores.load is not None:
        os.sched_setaffinity(0, cores.load)
        log(
            f"server on core {sorted(cores.server or [])}, "
            f"load generator on core {sorted(cores.load)}"
        )
    raise_open_files(max(levels) * (MEMBERS + 1) * 2)
    baseline = await run_baseline(args, cores, levels)
    for index, config in enumerate(configs):
        # What is left of the time budget, shared by the configurations still to run.
        left = args.budget - (time.monotonic() - began)
        deadline = time.monotonic() + left / (len(configs) - index) if args.budget else None
        await run_config(config, args, cores, levels, baseline, deadline)
    log(f"room bench took {time.monotonic() - began:.0f} s")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--meetings", default=",".join(str(m) for m in LEVELS))
    parser.add_argument("--window", type=float, default=12.0, help="seconds measured per M")
    parser.add_argument("--baseline-window", type=float, default=8.0)
    parser.add_argument(
        "--warmup",
        type=float,
        # Past every member's first save (each starts within SAVE_EVERY seconds): the first
        # save of a step finds the step's page and creates it, once per member and step,
        # and in the bench all the meetings' members do it in the same few seconds.
        default=SAVE_EVERY + 1.0,
        help="seconds before measuring (default: just over one save interval)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=360.0,
        help="seconds for the whole room bench (0: no limit); a level that would not fit "
        "in what is left is not started",
    )
    parser.add_argument(
        "--no-saves",
        dest="saves",
        action="store_false",
        help="diagnosis: members stay connected but do not save (fan-out alone)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="write py-spy samples of the server (collapsed stacks) per window to this folder",
    )
    args = parser.parse_args()
    try:
        import uvloop
    except ImportError:  # uvicorn[standard] brings it; plain asyncio works too
        return asyncio.run(main_async(args))
    return uvloop.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
