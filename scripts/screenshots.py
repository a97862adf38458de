"""Take the README's screenshots from a running Booster.

    .venv/bin/booster setup && .venv/bin/booster serve --no-worker &
    .venv/bin/python scripts/screenshots.py [--base-url http://127.0.0.1:8000]

Writes docs/screenshots/home.png and programme.png (English, 1280 px wide; the
programme scrolled to its path of themes) and
theme-phone.png (a theme page on a 320-px phone). Uses Debian's chromium
(/usr/bin/chromium), never a downloaded browser, in the light colour scheme.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
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
DESKTOP = {"width": 1280, "height": 780}
PHONE = {"width": 320, "height": 640}


def _page(browser: Browser, base_url: str, viewport: dict[str, int], scale: float) -> Page:
    context = browser.new_context(
        base_url=base_url,
        viewport=viewport,  # type: ignore[arg-type]
        device_scale_factor=scale,
        locale="en-GB",
        timezone_id="Europe/Helsinki",
        color_scheme="light",
        reduced_motion="reduce",
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def _shoot(page: Page, path: str, name: str, *, scroll_to: str | None = None) -> Path:
    response = page.goto(path)
    if response is None or not response.ok:
        status = response.status if response is not None else "no response"
        raise SystemExit(f"{path}: {status} — is Booster running and set up?")
    page.wait_for_load_state("networkidle")
    if scroll_to:
        page.locator(scroll_to).evaluate("(el) => window.scrollTo(0, el.offsetTop - 16)")
    target = OUT / name
    page.screenshot(path=str(target))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print("Debian's chromium is missing: apt-get install -y chromium", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            desktop = _page(browser, args.base_url, DESKTOP, 1)
            written = [
                _shoot(desktop, "/en/", "home.png"),
                # The overview's heart is the path of nine themes.
                _shoot(desktop, "/en/programme/", "programme.png", scroll_to="#path-title"),
            ]
            phone = _page(browser, args.base_url, PHONE, 2)
            written.append(_shoot(phone, "/en/programme/work_ability/", "theme-phone.png"))
        finally:
            browser.close()
    for path in written:
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
