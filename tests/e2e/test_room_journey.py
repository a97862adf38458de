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
from playwright.sync_api import Browser, BrowserContext, Page, WebSocketRoute, expect

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


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=300)
    if done.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} failed:\n{done.stdout.decode()}\n{done.stderr.decode()}"
        )
    return done.stdout.decode()


@dataclass
class RoomServer:
    url: str
    data: dict[str, Any]
    log: Path

    @property
    def room(self) -> str:
        return f"/en/groups/{self.data['group']}/meetings/{self.data['meeting']}/room/"

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-8000:]


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
        _run([str(BIN / "booster"), "setup", "--no-demo"], env)
        made = _run([sys.executable, "-c", _MAKE_DATA], env)
        data = json.loads(made.strip().splitlines()[-1])
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


class PhoneLine:
    """Sanna's connection. Her room socket runs through Playwright's WebSocket routing,
    passed on to the server unchanged, so that the test can drop it the way a lost network
    does: Chromium's offline emulation alone stops HTTP but keeps an open socket open (it
    only holds its frames back until the device is online again)."""

    def __init__(self) -> None:
        self.up = True
        self.sockets: list[WebSocketRoute] = []

    def route(self, route: WebSocketRoute) -> None:
        if not self.up:
            route.close()  # no network: the attempt to connect fails
            return
        route.connect_to_server()
        self.sockets.append(route)

    def drop(self, page: Page) -> None:
        self.up = False
        page.context.set_offline(True)
        for route in self.sockets:
            route.close()  # the server's side closes with it
        self.sockets.clear()

    def restore(self, page: Page) -> None:
        self.up = True
        page.context.set_offline(False)


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
        expect(
            page.locator("[data-room-steps] > section[data-step]:not([hidden])")
        ).to_have_attribute("data-step", step_id)
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
def test_a_meeting_in_the_room_with_four_people(contexts: Any, room_server: RoomServer) -> None:
    try:
        _journey(contexts, room_server)
    except BaseException:
        print("--- the room server's log ---\n" + room_server.log_tail())
        raise


def _journey(contexts: Any, room_server: RoomServer) -> None:
    sessions = room_server.data["sessions"]
    room = room_server.room

    # 1. The lobby. Fia, Kalle and Sanna come in with their sessions.
    fia = contexts(viewport=DESKTOP, session=sessions["fia"])
    kalle = contexts(viewport=DESKTOP, session=sessions["kalle"])
    sanna = contexts(viewport=PHONE, session=sessions["sanna"])
    line = PhoneLine()
    sanna.route_web_socket(re.compile(r"/ws/room/"), line.route)
    for page in (fia, kalle, sanna):
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

    everyone = {"Fia": fia, "Kalle": kalle, "Mika": mika, "Sanna": sanna}
    members = {"Kalle": kalle, "Mika": mika, "Sanna": sanna}
    for page in everyone.values():
        expect(page.locator("[data-room-when=lobby] [data-room-present-count]")).to_have_text("(4)")
    expect(fia.get_by_role("button", name="Start the meeting")).to_be_visible()
    for page in members.values():
        expect(page.get_by_role("button", name="Start the meeting")).to_be_hidden()
    _check(fia)
    _check(sanna, phone=True)

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
        (partner,) = next(pair for pair in pairs if name in pair) - {name}
        expect(page.locator("[data-room-my-pair]")).to_have_text(f"Your partner is {partner}.")
    _check(fia)
    _check(sanna, phone=True)

    # 4. The presenter view on a shared screen: the step and the timer in large type.
    presenter = fia.context.new_page()
    presenter.goto(room + "presenter/")
    expect(presenter.locator("#room-step-title")).to_have_text("Get to know each other")
    expect(presenter.locator("[data-room]")).to_have_attribute("data-room-connected", "true")
    _same_timer({"presenter": presenter, "Fia": fia})
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

    # 5. Alone: Mika writes in his notebook's editor, saved as he types; a reload keeps it.
    _press(fia, "Next step")
    _sees_step(everyone, "Set shared goals", "task-shared_goals-0", "Alone")
    expect(presenter.locator("#room-step-title")).to_have_text("Set shared goals")
    editor = mika.locator('[data-room-writing="task-shared_goals-0"]')
    field = editor.locator("textarea").first
    posts: list[str] = []
    mika.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    field.fill(WRITTEN)
    expect(editor.locator("[data-notebook-status]")).to_have_text(SAVED)
    # Saved over the room's open socket (a "write" message), not by an HTTP autosave.
    assert posts == [], posts
    mika.reload()
    _connected(mika)
    _sees_step({"Mika": mika}, "Set shared goals", "task-shared_goals-0", "Alone")
    expect(mika.locator('[data-room-writing="task-shared_goals-0"] textarea').first).to_have_value(
        WRITTEN
    )
    _check(mika)
    # Nobody else sees what he wrote: Sanna's editor is her own, and empty.
    sanna_editor = sanna.locator('[data-room-writing="task-shared_goals-0"]')
    expect(sanna_editor).to_be_visible()
    expect(sanna_editor.locator("textarea").first).to_have_value("")
    _check(sanna, phone=True)

    # 6. Sanna's phone loses the network while Fia moves on and adds time.
    line.drop(sanna)
    expect(sanna.locator("[data-room]")).to_have_attribute("data-room-connected", "false")
    expect(sanna.locator("[data-room-connection]")).to_have_text(
        "The connection was lost. Reconnecting…"
    )
    for page in (fia, kalle, mika):
        expect(page.locator(".room-people-box [data-room-present-count]")).to_have_text("(3)")
    _press(fia, "Next step")
    _sees_step(
        {"Fia": fia, "Kalle": kalle, "Mika": mika},
        "Set shared goals",
        "task-shared_goals-1",
        "In pairs",
    )
    # Pairs are made from who is here: three people, so one trio.
    expect(fia.locator("#room-pairs [data-room-pair-list] li")).to_have_text(
        [re.compile(r"^Fia, Kalle,? and Mika$")]
    )
    _press(fia, "Five minutes more")
    _same_timer({"Fia": fia, "Kalle": kalle, "Mika": mika}, near=15 * 60)
    # Nothing reached her meanwhile.
    _sees_step({"Sanna": sanna}, "Set shared goals", "task-shared_goals-0", "Alone")
    # Back online, she reconnects at once and catches up: the new step, the same timer.
    line.restore(sanna)
    _connected(sanna)
    expect(sanna.locator("[data-room-connection]")).to_have_text("")
    _sees_step(everyone, "Set shared goals", "task-shared_goals-1", "In pairs")
    _same_timer(everyone, near=15 * 60)
    for page in everyone.values():
        expect(page.locator(".room-people-box [data-room-present-count]")).to_have_text("(4)")
    # She came back after the pairs were made; Fia makes new ones so that she has a partner.
    expect(sanna.locator("[data-room-my-pair]")).to_have_text("")
    _press(fia, "Make new pairs")
    expect(sanna.locator("[data-room-my-pair]")).to_have_text(re.compile(r"^Your partner is "))
    expect(fia.locator("#room-pairs [data-room-pair-list] li")).to_have_count(2)
    assert_no_horizontal_scroll(sanna)

    # 7. The facilitator's guide to print.
    guide = fia.context.new_page()
    guide.goto(room + "guide/")
    expect(guide.get_by_role("heading", level=1)).to_be_visible()
    _check(guide)

    # 8. Fia ends the meeting, confirming it first; everyone sees that it has ended.
    fia.get_by_text("More for whoever leads").click()
    fia.get_by_label("Yes, end the meeting now for everyone, even if steps are left.").check()
    _press(fia, "End the meeting")
    for page in everyone.values():
        expect(page.get_by_role("heading", level=2, name="The meeting has ended")).to_be_visible()
    expect(presenter.get_by_role("heading", level=1)).to_have_text("Thank you for today.")
