"""Browser journeys: Playwright driving Debian's chromium against the live test server.

Never a downloaded browser: the executable is /usr/bin/chromium, started headless with
the flags this machine needs. axe-core (carried by axe-playwright-python) checks every
page a journey visits.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Locator, Page, sync_playwright

from booster.programme.models import PackVersion
from booster.programme.schema import Pack

# Playwright's sync API runs an event loop in this thread; the test body still talks to
# the database synchronously, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 320, "height": 640}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser, live_server: Any) -> Iterator[Any]:
    contexts: list[BrowserContext] = []

    def make(*, viewport: dict[str, int] | None = None, locale: str = "en-GB") -> BrowserContext:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or DESKTOP,  # type: ignore[arg-type]
            locale=locale,
            timezone_id="Europe/Helsinki",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def programme(transactional_db: None, booster_pack: PackVersion) -> Pack:
    """The BOOSTER pack, imported so that the live server's thread sees it.

    ``booster_pack`` asks for ``db``; pytest-django turns that into a transactional
    database whenever ``live_server`` or ``transactional_db`` is among the test's
    fixtures, so the import is committed and visible to the server. Naming
    ``transactional_db`` here makes that explicit.
    """
    return booster_pack.pack


@pytest.fixture
def page(new_context: Any) -> Page:
    context: BrowserContext = new_context()
    page = context.new_page()
    return page


@pytest.fixture
def phone_page(new_context: Any) -> Page:
    context: BrowserContext = new_context(viewport=PHONE)
    return context.new_page()


_axe = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    results = _axe.run(page)
    bad = [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in {"serious", "critical"}
    ]
    assert not bad, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in bad
    )


def assert_no_horizontal_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"


_DESCRIBE_FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "(body)";
    const name = (el.getAttribute("aria-label") || el.innerText || el.value || "").trim();
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (name ? ' "' + name.replace(/\\s+/g, " ").slice(0, 40) + '"' : "");
}"""

FocusTarget = str | Locator | Callable[[Page], bool]


def _is_focused(page: Page, target: FocusTarget) -> bool:
    if isinstance(target, str):
        return bool(
            page.evaluate(
                "(s) => !!document.activeElement && document.activeElement.matches(s)", target
            )
        )
    if isinstance(target, Locator):
        # evaluate_all does not wait for the locator to match, unlike evaluate.
        return bool(target.evaluate_all("(els) => els.includes(document.activeElement)"))
    return bool(target(page))


def tab_to(
    page: Page, target: FocusTarget, max_steps: int = 60, *, backwards: bool = False
) -> None:
    """Press Tab (Shift+Tab when ``backwards``) until the focused element is ``target``.

    Presses nothing when ``target`` already has the focus (an autofocused field).
    ``target`` is a CSS selector, a Locator, or a predicate taking the page. Fails with
    the list of elements the focus passed through when it never gets there.
    """
    if _is_focused(page, target):
        return
    key = "Shift+Tab" if backwards else "Tab"
    trail: list[str] = []
    for _step in range(max_steps):
        page.keyboard.press(key)
        if _is_focused(page, target):
            return
        trail.append(page.evaluate(_DESCRIBE_FOCUS))
    pytest.fail(
        f"{key} pressed {max_steps} times never reached {target!r}; focus went through:\n  "
        + "\n  ".join(trail)
    )


def assert_focus_visible(page: Page) -> None:
    """The focused element shows a focus indicator (an outline, as booster.css draws it)."""
    style = page.evaluate(
        """() => {
            const el = document.activeElement;
            const s = getComputedStyle(el);
            return {style: s.outlineStyle, width: parseFloat(s.outlineWidth) || 0,
                    visible: !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)};
        }"""
    )
    where = page.evaluate(_DESCRIBE_FOCUS)
    assert style["visible"], f"the focused element is not rendered: {where}"
    assert style["style"] != "none" and style["width"] >= 2, (
        f"no visible focus indicator on {where}: {style}"
    )


def logged_in_page(new_context: Any, user: Any, viewport: dict[str, int], base_url: str) -> Page:
    """A page in a new browser context that carries ``user``'s session (no login form)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    context: BrowserContext = new_context(viewport=viewport)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )
    return context.new_page()


def check_page(page: Page, *, phone: bool = False) -> None:
    """The page has loaded, axe finds nothing serious, and on a phone nothing scrolls sideways."""
    page.wait_for_load_state()
    assert_accessible(page)
    if phone:
        assert_no_horizontal_scroll(page)
