"""An organisation, from the operator's command to the coordinator's audit log, in a real
browser.

The operator creates the organisation with `booster create-organisation`, naming its first
coordinator; the coordinator follows the e-mailed link, logs in, comes back to the
invitation and accepts it; the header now links "My organisations". On the settings page a
retention of 5 days is refused with a clear message and nothing saved; 120 days is saved.
The audit log shows both acts as sentences. The settings are then changed with the keyboard
alone, and every page is seen on a 320-px phone. axe-core checks each kind of page.
"""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from playwright.sync_api import Page, expect

from booster import cli
from booster.accounts.models import User
from booster.organisations.models import Coordinator, Organisation
from tests.e2e.conftest import (
    PHONE,
    assert_accessible,
    assert_focus_visible,
    assert_no_horizontal_scroll,
    logged_in_page,
    tab_to,
)
from tests.factories import DEFAULT_PASSWORD, UserFactory

SLUG = "lantern-arts"


def _check(page: Page, seen: set[str], kind: str, *, phone: bool = False) -> None:
    page.wait_for_load_state()
    if phone:
        assert_no_horizontal_scroll(page)
    if kind not in seen:
        seen.add(kind)
        assert_accessible(page)


def _invitation_link(to: str) -> str:
    for message in reversed(mail.outbox):
        if to in message.to:
            match = re.search(r"https?://\S+/organisations/invite/[\w-]+/", message.body)
            assert match, message.body
            return match.group(0)
    raise AssertionError(f"no e-mail to {to}")


def test_operator_creates_coordinator_accepts_edits_settings_and_reads_the_audit_log(
    page: Page, live_server: Any, new_context: Any
) -> None:
    cora: User = UserFactory(email="cora@example.org", display_name="Cora", language="en")
    assert (
        cli.main(
            [
                "create-organisation",
                "--name",
                "Lantern Arts",
                "--slug",
                SLUG,
                "--coordinator",
                cora.email,
            ]
        )
        == 0
    )
    link = _invitation_link(cora.email)
    path = re.sub(r"^https?://[^/]+", "", link)
    seen: set[str] = set()

    # Not logged in: the invitation sends Cora to log in, then back.
    page.goto(path)
    expect(page).to_have_url(re.compile(r"/en/accounts/login/"))
    _check(page, seen, "log in")
    main = page.get_by_role("main")
    main.get_by_label("Email").fill(cora.email)
    main.get_by_label("Password").fill(DEFAULT_PASSWORD)
    main.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/en/organisations/invite/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Coordinate Lantern Arts")
    _check(page, seen, "accept")
    page.get_by_role("button", name="Become a coordinator").click()
    expect(page).to_have_url(re.compile(rf"/en/organisations/{SLUG}/$"))
    expect(page.get_by_role("status")).to_contain_text("you now coordinate Lantern Arts")
    _check(page, seen, "home")
    assert Coordinator.objects.filter(organisation__slug=SLUG, user=cora).exists()

    # The header links the organisations she coordinates.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My organisations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My organisations")
    _check(page, seen, "mine")
    page.get_by_role("link", name="Lantern Arts").click()

    # Settings: a bad retention is refused, nothing saved; a good one is saved.
    page.get_by_role("navigation", name="Organisation").get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    _check(page, seen, "settings")
    page.get_by_label(re.compile(r"Days a closed group's content is kept")).fill("5")
    page.get_by_label("Crisis contacts").fill("Lantern support line: 0800 123 456")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(page.get_by_text("Keep the content at least 7 days")).to_be_visible()
    _check(page, seen, "settings with errors")
    assert Organisation.objects.get(slug=SLUG).retention_days == 90
    expect(page.get_by_label("Crisis contacts")).to_have_value("Lantern support line: 0800 123 456")
    page.get_by_label(re.compile(r"Days a closed group's content is kept")).fill("120")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_role("status")).to_contain_text("The settings are saved.")
    organisation = Organisation.objects.get(slug=SLUG)
    assert organisation.retention_days == 120
    assert organisation.crisis_contacts == "Lantern support line: 0800 123 456"

    # The audit log, as sentences, without the contacts' text.
    page.get_by_role("link", name="Audit log").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    table = page.get_by_role("table")
    expect(table).to_contain_text("changed the organisation's settings")
    expect(table).to_contain_text("became a coordinator")
    expect(table).to_contain_text("invited a coordinator")
    expect(table).not_to_contain_text("0800")
    _check(page, seen, "audit")

    # The coordinators' page, where the next coordinator is invited.
    page.get_by_role("link", name="Coordinators").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coordinators")
    _check(page, seen, "coordinators")
    page.get_by_label("E-mail address of the new coordinator").fill("next@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text("The invitation is on its way.")
    expect(page.get_by_text("E-mail to next@example.org")).to_be_visible()

    # The keyboard alone: the settings form, field by field, saved with Enter.
    page.goto(f"/en/organisations/{SLUG}/settings/")
    retention = page.get_by_label(re.compile(r"Days a closed group's content is kept"))
    tab_to(page, retention)
    assert_focus_visible(page)
    page.keyboard.press("Control+A")
    page.keyboard.type("200")
    tab_to(page, page.get_by_role("button", name="Save the settings"))
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("The settings are saved.")
    assert Organisation.objects.get(slug=SLUG).retention_days == 200

    # A 320-px phone: every page of the organisation without sideways scrolling.
    phone = logged_in_page(new_context, cora, PHONE, live_server.url)
    phone_seen: set[str] = set()
    for part in ("", "settings/", "coordinators/", "audit/"):
        phone.goto(f"/en/organisations/{SLUG}/{part}")
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        _check(phone, phone_seen, part or "home", phone=True)
