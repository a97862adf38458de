"""`booster serve` processes side by side on one database and one Redis, as in production.

Someone signs in on one process and uses the pages on the other; a form made on one is
posted to the other; signing out on one ends the session on both. Then `booster serve
--workers 2` is shown to run two web processes and the task worker. (The room's events
across processes: tests/room/test_processes.py.)

The database is the suite's (a file for SQLite, a fresh database on the PostgreSQL server
of DATABASE_URL); Redis is REDIS_URL or the local one, else the tests are skipped.
"""

from __future__ import annotations

import http.cookies
import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

import pytest

from tests.faults.procs import BIN, ROOT, booster, own_database, process_env
from tests.room.test_processes import free_port, redis_url

PASSWORD = "two processes, one session"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirect)


@dataclass
class Browser:
    """Cookies kept across processes, like one browser talking to one address."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, port: int, path: str, data: dict[str, str] | None = None
    ) -> tuple[int, Message, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{port}{path}"
            headers["Origin"] = f"http://127.0.0.1:{port}"
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", data=body, headers=headers
        )
        try:
            reply = OPENER.open(request, timeout=20)
        except urllib.error.HTTPError as error:  # 3xx (not followed) and 4xx/5xx
            reply = error
        with reply:
            for raw in reply.headers.get_all("Set-Cookie") or []:
                cookie = http.cookies.SimpleCookie(raw)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value or morsel.value == '""':
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return reply.status, reply.headers, reply.read().decode()

    def form_token(self, page: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, "no CSRF token in the page"
        return found.group(1)


def wait_healthy(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"booster serve on {port} exited"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"booster serve on {port} did not answer /health/")


def serve(env: dict[str, str], port: int, *extra: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [str(BIN / "booster"), "serve", "--host", "127.0.0.1", "--port", str(port), *extra],
        cwd=ROOT,
        env={**env, "UVICORN_LOG_LEVEL": "warning"},
        start_new_session=True,
    )
    try:
        wait_healthy(port, process)
    except BaseException:
        stop(process)
        raise
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Site:
    env: dict[str, str]
    group: int
    email: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("two-processes")
    url = redis_url()
    with own_database(tmp) as database:
        env = process_env(
            tmp, database, REDIS_URL=url, REDIS_PREFIX=f"booster-two-{uuid.uuid4().hex[:8]}"
        )
        booster(env, "manage", "migrate", "--no-input", "--verbosity", "0")
        booster(env, "manage", "createcachetable")
        made = subprocess.run(
            [sys.executable, "-m", "tests.room.procs_data"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        data = json.loads(made.stdout.decode().strip().splitlines()[-1])
        member = data["member_ids"][0]
        shown = booster(
            env,
            "manage",
            "shell",
            "-c",
            "from booster.groups.models import Membership\n"
            f"user = Membership.objects.get(pk={member}).user\n"
            f"user.set_password({PASSWORD!r}); user.save(); print(user.email)",
        )
        yield Site(env=env, group=int(data["group"]), email=shown.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def two(site: Site) -> Iterator[tuple[int, int]]:
    ports = (free_port(), free_port())
    processes = []
    try:
        for port in ports:
            processes.append(serve(site.env, port, "--no-worker"))
        yield ports
    finally:
        for process in processes:
            stop(process)


def test_sign_in_on_one_process_and_use_the_other(site: Site, two: tuple[int, int]) -> None:
    first, second = two
    browser = Browser()
    home = f"/en/groups/{site.group}/"
    board = f"/en/groups/{site.group}/board/"

    status, headers, _page = browser.request(second, home)
    assert status == 302 and "/accounts/login/" in headers.get("Location", "")

    # Signing in on the first process.
    status, _headers, page = browser.request(first, "/en/accounts/login/")
    assert status == 200
    status, _headers, _page = browser.request(
        first,
        "/en/accounts/login/",
        {
            "csrfmiddlewaretoken": browser.form_token(page),
            "login": site.email,
            "password": PASSWORD,
        },
    )
    assert status == 302, "signing in failed"
    assert "sessionid" in browser.cookies

    # The session is good on the second process: the group's pages answer there.
    status, _headers, page = browser.request(second, home)
    assert status == 200
    assert "Two processes" in page
    status, _headers, page = browser.request(second, board)
    assert status == 200

    # A form from the second process, posted to the first; the post shows on the second.
    text = f"Posted across processes {uuid.uuid4().hex[:6]}"
    status, _headers, _page = browser.request(
        first, board, {"csrfmiddlewaretoken": browser.form_token(page), "text": text, "link": ""}
    )
    assert status in {200, 302}
    status, _headers, page = browser.request(second, board)
    assert status == 200 and text in page

    # Signing out on the second process ends the session on the first too.
    status, _headers, page = browser.request(second, "/en/accounts/logout/")
    assert status == 200
    status, _headers, _page = browser.request(
        second, "/en/accounts/logout/", {"csrfmiddlewaretoken": browser.form_token(page)}
    )
    assert status == 302
    status, headers, _page = browser.request(first, home)
    assert status == 302 and "/accounts/login/" in headers.get("Location", "")


def children(pid: int) -> list[str]:
    """The command lines of a process's children (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, ValueError, IndexError):
            continue
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table in /proc")
def test_serve_with_two_workers_runs_two_web_processes_and_the_task_worker(site: Site) -> None:
    port = free_port()
    process = serve(site.env, port, "--workers", "2")
    try:
        deadline = time.monotonic() + 30
        while True:
            found = children(process.pid)
            web = [c for c in found if "multiprocessing" in c and "spawn_main" in c]
            worker = [c for c in found if "booster.cli worker" in c]
            if (len(web) == 2 and len(worker) == 1) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert len(web) == 2, found
        assert len(worker) == 1, found
        browser = Browser()
        for _ in range(6):  # whichever process answers, the pages work
            status, _headers, _page = browser.request(port, "/en/accounts/login/")
            assert status == 200
    finally:
        stop(process)
    assert not children(process.pid)
