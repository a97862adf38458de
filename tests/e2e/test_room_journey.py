"""The live meeting room, walked through by four people in four browsers at once.

A facilitator and three members meet for the group's opening meeting. The room needs
WebSockets, which the test suite's WSGI live server does not speak, so this journey starts
the real ASGI server (uvicorn, as in production) in a child process on a database of its
own: a SQLite file, or a fresh database on the PostgreSQL server of DATABASE_URL. The
people are made there by ``room_data`` and come in with session cookies — except Mika,
who logs in through the real log-in page and opens the room from the group's home.

Fia leads; Kalle uses the keyboard alone; Sanna follows on a 320-px phone and loses her
connection for a while; Mika writes in his notebook during a step done alone. axe-core
checks the lobby, the running room, the presenter view and the printable guide.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_focus_visible,
    assert_no_horizontal_scroll,
    tab_to,
)

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# A Fernet key for this throwaway server only (32 bytes of "e", URL-safe base64).
THROWAWAY_KEY = "ZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWU="
# The displayed timers of two devices may differ by this much (seconds).
TIMER_TOLERANCE = 2
SAVED = re.compile(r"Saved at")
WRITTEN = "To leave every meeting with one small step I can take the next morning."


# --- the people, made by the server's own settings in a child process ------------------


def room_data() -> dict[str, Any]:
    """The group, its opening meeting and the four people; run in the child process."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from booster.notebook.models import CONSENT_TEXT_VERSION, NotebookConsent
    from tests.factories import DEFAULT_PASSWORD, GroupFactory, MeetingFactory, MembershipFactory

    group = GroupFactory(name="Lantern group", form="remote")
    # Seat order is the order of the check-in round: Fia, Kalle, Mika, Sanna.
    fia = MembershipFactory(group=group, is_convener=True, user__display_name="Fia")
    kalle = MembershipFactory(group=group, user__display_name="Kalle")
    mika = MembershipFactory(group=group, user__display_name="Mika")
    sanna = MembershipFactory(group=group, user__display_name="Sanna")
    meeting = MeetingFactory(
        group=group,
        number=1,
        theme_key="opening",
        facilitator=fia,
        starts_at=timezone.now().replace(second=0, microsecond=0),
        duration_minutes=150,
    )
    for membership in (fia, kalle, mika, sanna):
        NotebookConsent.objects.create(membership=membership, text_version=CONSENT_TEXT_VERSION)

    def cookie(membership: Any) -> str:
        session = SessionStore()
        user = membership.user
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        return str(session.session_key)

    return {
        "group": group.pk,
        "meeting": meeting.pk,
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "sessions": {"fia": cookie(fia), "kalle": cookie(kalle), "sanna": cookie(sanna)},
        "mika": {"email": mika.user.email, "password": DEFAULT_PASSWORD},
    }


_MAKE_DATA = (
    "import json, django; django.setup(); "
    "from tests.e2e.test_room_journey import room_data; print(json.dumps(room_data()))"
)


# --- the server ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _maintenance_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


@dataclass
class RoomServer:
    url: str
    data: dict[str, Any]
    log: Path

    @property
    def room(self) -> str:
        return f"/en/groups/{self.data['group']}/meetings/{self.data['meeting']}/room/"


@pytest.fixture(scope="module")
def room_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RoomServer]:
    tmp = tmp_path_factory.mktemp("room-journey")
    base = os.environ.get("DATABASE_URL", "")
    drop: str | None = None
    if base.startswith("postgres"):
        import psycopg

        drop = f"booster_room_e2e_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(_maintenance_url(base), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{drop}"')
        database = base.rsplit("/", 1)[0] + "/" + drop
    else:
        database = f"sqlite:///{tmp / 'room.sqlite3'}"
    env = {
        key: value
        for key, value in os.environ.items()
        # One process: the in-memory channel layer; no shared cache needed.
        if key not in {"REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "booster.settings.dev",
            "DATABASE_URL": database,
            "SECRET_KEY": "room journey " + uuid.uuid4().hex,
            "BOOSTER_ENCRYPTION_KEYS": THROWAWAY_KEY,
            "BOOSTER_VAR_DIR": str(tmp),
            "PYTHONPATH": str(ROOT),
            # Setup with DEBUG on skips collectstatic; the server runs with it off.
            "DEBUG": "true",
        }
    )
    server: subprocess.Popen[bytes] | None = None
    log = tmp / "server.log"
    try:
        subprocess.run(
            [str(BIN / "booster"), "setup", "--no-demo"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        made = subprocess.run(
            [sys.executable, "-c", _MAKE_DATA],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        data = json.loads(made.stdout.decode().strip().splitlines()[-1])
        port = _free_port()
        env["DEBUG"] = "false"
        with log.open("wb") as out:
            server = subprocess.Popen(
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
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health/", timeout=2) as reply:  # noqa: S310
                    if reply.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError(
                        "the room's server did not start:\n" + log.read_text()
                    ) from None
                time.sleep(0.1)
        yield RoomServer(url=url, data=data, log=log)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if drop:
            import psycopg

            with psycopg.connect(_maintenance_url(base), autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)')


# --- helpers --------------------------------------------------------------------------------


@pytest.fixture
def contexts(browser: Browser, room_server: RoomServer) -> Iterator[Any]:
    made: list[BrowserContext] = []

    def make(*, viewport: dict[str, int], session: str | None = None) -> Page:
        context = browser.new_context(
            base_url=room_server.url,
            viewport=viewport,  # type: ignore[arg-type]
            locale="en-GB",
            timezone_id="Europe/Helsinki",
        )
        context.set_default_timeout(15_000)
        made.append(context)
        if session is not None:
            context.add_cookies(
                [
                    {
                        "name": room_server.data["cookie_name"],
                        "value": session,
                        "url": room_server.url,
                    }
                ]
            )
        return context.new_page()

    yield make
    for context in made:
        context.close()


def _connected(page: Page) -> None:
    expect(page.locator("[data-room]")).to_have_attribute("data-room-connected", "true")


def _seconds(page: Page) -> int:
    text = page.locator("#room-timer").inner_text().strip()
    match = re.fullmatch(r"(\d+):(\d\d)", text)
    assert match, f"the timer shows {text!r}, not minutes:seconds"
    return int(match.group(1)) * 60 + int(match.group(2))


_TIMER_NEAR = """([near, slack]) => {
    const m = /^(\\d+):(\\d\\d)$/.exec(document.querySelector("#room-timer").textContent.trim());
    return !!m && Math.abs(Number(m[1]) * 60 + Number(m[2]) - near) <= slack;
}"""


def _same_timer(pages: dict[str, Page], *, near: int | None = None) -> None:
    """Every device counts down to the same moment: the displays agree within 2 s.

    With ``near``, first wait until each display shows about that many seconds left (the
    event that set the deadline may still be on its way)."""
    if near is not None:
        for page in pages.values():
            page.wait_for_function(_TIMER_NEAR, arg=[near, TIMER_TOLERANCE + 2], timeout=10_000)
    shown = {name: _seconds(page) for name, page in pages.items()}
    spread = max(shown.values()) - min(shown.values())
    assert spread <= TIMER_TOLERANCE, f"the timers disagree: {shown}"


def _sees_step(pages: dict[str, Page], title: str, step_id: str, mode: str = "") -> None:
    for page in pages.values():
        expect(page.locator("#room-step-title")).to_have_text(title)
        expect(page.locator("[data-room-steps] > section[data-step]:not([hidden])")).to_have_attribute(
            "data-step", step_id
        )
        expect(page.locator(".room-now__label [data-room-mode-name]")).to_have_text(
            f" · {mode}" if mode else ""
        )


def _press(page: Page, name: str) -> None:
    page.locator("[data-room]").get_by_role("button", name=name, exact=True).click()


def _check(page: Page, *, phone: bool = False) -> None:
    assert_accessible(page)
    if phone:
        assert_no_horizontal_scroll(page)


# --- the journey ------------------------------------------------------------------------------


@pytest.mark.e2e
def test_a_meeting_in_the_room_with_four_people(
    contexts: Any, room_server: RoomServer
) -> None:
    sessions = room_server.data["sessions"]
    room = room_server.room

    print(time.monotonic(), 'SECTION 1')
    # 1. The lobby. Fia, Kalle and Sanna come in with their sessions.
    fia = contexts(viewport=DESKTOP, session=sessions["fia"])
    kalle = contexts(viewport=DESKTOP, session=sessions["kalle"])
    sanna = contexts(viewport=PHONE, session=sessions["sanna"])
    for page in (fia, kalle, sanna):
        if page is sanna:
            page.on("websocket", lambda ws: ws.on("framereceived", lambda f: print(time.monotonic(), "RECV", str(f)[:90])) or ws.on("framesent", lambda f: print(time.monotonic(), "SENT", str(f)[:90])) or ws.on("close", lambda w: print("CLOSED")))
        page.goto(room)
        expect(page.get_by_role("heading", level=2, name="Before we start")).to_be_visible()
        _connected(page)

    # Mika logs in through the real form and opens the room from the group's home.
    mika = contexts(viewport=DESKTOP)
    mika.goto(f"/en/groups/{room_server.data['group']}/")
    expect(mika).to_have_url(re.compile(r"/en/accounts/login/"))
    form = mika.get_by_role("main")
    form.get_by_label("Email").fill(room_server.data["mika"]["email"])
    form.get_by_label("Password").fill(room_server.data["mika"]["password"])
    form.get_by_role("button", name="Sign In").click()
    expect(mika.get_by_role("heading", level=1)).to_have_text("Lantern group")
    mika.get_by_role("link", name="Open the meeting room").click()
    expect(mika).to_have_url(re.compile(re.escape(room) + "$"))
    _connected(mika)

    everyone = {"fia": fia, "kalle": kalle, "mika": mika, "sanna": sanna}
    members = {"kalle": kalle, "mika": mika, "sanna": sanna}
    for page in everyone.values():
        expect(page.locator("[data-room-when=lobby] [data-room-present-count]")).to_have_text("(4)")
    expect(fia.get_by_role("button", name="Start the meeting")).to_be_visible()
    for page in members.values():
        expect(page.get_by_role("button", name="Start the meeting")).to_be_hidden()
    _check(fia)
    _check(sanna, phone=True)

    print(time.monotonic(), 'SECTION 2')
    # 2. Fia starts: the check-in round, the same step and timer on every device.
    _press(fia, "Start the meeting")
    _sees_step(everyone, "Check-in", "checkin")
    _same_timer(everyone)
    _check(fia)
    _check(sanna, phone=True)

    # The round: Fia speaks first and moves it on; then it is Kalle's turn.
    for page in everyone.values():
        expect(page.locator("[data-room-speaking]")).to_have_text("Fia")
    _press(fia, "Next speaker")
    for page in everyone.values():
        expect(page.locator("[data-room-speaking]")).to_have_text("Kalle")
        expect(page.locator("[data-room-speaking-next]")).to_have_text("Mika")

    # Kalle, with the keyboard alone: turns the soft sound on and passes his turn.
    sound = kalle.get_by_role("button", name="Soft sound at one minute left and at the end")
    expect(sound).to_have_attribute("aria-pressed", "false")
    tab_to(kalle, sound, max_steps=80)
    assert_focus_visible(kalle)
    kalle.keyboard.press("Space")
    expect(sound).to_have_attribute("aria-pressed", "true")
    pass_turn = kalle.get_by_role("button", name="Pass my turn")
    tab_to(kalle, pass_turn, max_steps=80)
    assert_focus_visible(kalle)
    kalle.keyboard.press("Enter")
    for page in everyone.values():
        expect(page.locator("[data-room-speaking]")).to_have_text("Mika")
        expect(page.locator("[data-room-round-order] li").nth(1)).to_have_text("Kalle (passed)")
    expect(pass_turn).to_be_hidden()
    for page in (fia, kalle, sanna):
        expect(page.get_by_role("button", name="Pass my turn")).to_be_hidden()
    expect(mika.get_by_role("button", name="Pass my turn")).to_be_visible()
    _check(kalle)

    print(time.monotonic(), 'SECTION 3')
    # 3. Fia advances to the pairs: everyone sees their partner, Fia the list.
    _press(fia, "Next step")
    _sees_step(everyone, "The safer-space principles", "principles")
    _same_timer(everyone, near=10 * 60)
    _press(fia, "Next step")
    _sees_step(everyone, "Getting to know each other and shared goals", "intro-knowing_and_goals")
    _press(fia, "Next step")
    _sees_step(everyone, "Get to know each other", "task-get_to_know-0", "In pairs")
    _same_timer(everyone)
    pair_list = fia.locator("#room-pairs [data-room-pair-list] li")
    expect(pair_list).to_have_count(2)
    pairs = [set(text.split(" and ")) for text in pair_list.all_inner_texts()]
    assert sorted(name for pair in pairs for name in pair) == ["Fia", "Kalle", "Mika", "Sanna"]
    for name, page in everyone.items():
        (partner,) = next(pair for pair in pairs if name.capitalize() in pair) - {
            name.capitalize()
        }
        expect(page.locator("[data-room-my-pair]")).to_have_text(f"Your partner is {partner}.")
    _check(fia)
    _check(sanna, phone=True)

    print(time.monotonic(), 'SECTION 4')
    # 4. The presenter view on a shared screen: the step and the timer in large type.
    presenter = fia.context.new_page()
    presenter.goto(room + "presenter/")
    expect(presenter.locator("#room-step-title")).to_have_text("Get to know each other")
    expect(presenter.locator("[data-room]")).to_have_attribute("data-room-connected", "true")
    _same_timer({"presenter": presenter, "fia": fia})
    sizes = presenter.evaluate(
        """() => {
            const px = (el) => parseFloat(getComputedStyle(el).fontSize);
            return {root: px(document.documentElement),
                    title: px(document.querySelector("#room-step-title")),
                    timer: px(document.querySelector("#room-timer"))};
        }"""
    )
    assert sizes["timer"] >= 4 * sizes["root"], sizes
    assert sizes["title"] >= 2 * sizes["root"], sizes
    expect(presenter.locator("[data-room-pair-list] li")).to_have_count(2)
    _check(presenter)

    print(time.monotonic(), 'SECTION 5')
    # 5. Alone: Mika writes in his notebook's editor, saved as he types; a reload keeps it.
    _press(fia, "Next step")
    _sees_step(everyone, "Set shared goals", "task-shared_goals-0", "Alone")
    expect(presenter.locator("#room-step-title")).to_have_text("Set shared goals")
    editor = mika.locator('[data-room-writing="task-shared_goals-0"]')
    field = editor.locator("textarea").first
    field.fill(WRITTEN)
    expect(editor.locator("[data-notebook-status]")).to_have_text(SAVED)
    mika.reload()
    _connected(mika)
    _sees_step({"mika": mika}, "Set shared goals", "task-shared_goals-0", "Alone")
    expect(
        mika.locator('[data-room-writing="task-shared_goals-0"] textarea').first
    ).to_have_value(WRITTEN)
    _check(mika)
    expect(sanna.locator('[data-room-writing="task-shared_goals-0"]')).to_be_visible()
    _check(sanna, phone=True)

    print(time.monotonic(), 'SECTION 6')
    # 6. Sanna's phone loses the connection while Fia moves on and adds time.
    print(time.monotonic(), "OFFLINE")
    sanna.context.set_offline(True)
    _press(fia, "Next step")
    _sees_step(
        {"fia": fia, "kalle": kalle, "mika": mika},
        "Set shared goals",
        "task-shared_goals-1",
        "In pairs",
    )
    _press(fia, "Five minutes more")
    _same_timer({"fia": fia, "kalle": kalle, "mika": mika}, near=15 * 60)
    # Nothing reached her meanwhile (Chromium keeps the socket open but delivers nothing
    # while offline, as a phone on a dead network may).
    assert sanna.evaluate("() => navigator.onLine") is False
    _sees_step({"sanna": sanna}, "Set shared goals", "task-shared_goals-0", "Alone")
    # Back online, she catches up at once: the new step and the same timer.
    print(time.monotonic(), "ONLINE")
    sanna.context.set_offline(False)
    _connected(sanna)
    _sees_step(everyone, "Set shared goals", "task-shared_goals-1", "In pairs")
    _same_timer(everyone, near=15 * 60)
    assert_no_horizontal_scroll(sanna)

    print(time.monotonic(), 'SECTION 7')
    # 7. The facilitator's guide to print.
    guide = fia.context.new_page()
    guide.goto(room + "guide/")
    expect(guide.get_by_role("heading", level=1)).to_be_visible()
    _check(guide)
