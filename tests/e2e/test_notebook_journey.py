"""The private notebook, walked through in a real browser, on a laptop and on a 320-px phone.

A member agrees to keep a notebook, weighs resources and demands and watches the scales
tilt, builds a network map with the keyboard alone and sees it drawn, shares it; another
member leaves an idea on it; the owner downloads the PDF. axe-core checks every page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from booster.programme.schema import Pack
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    assert_accessible,
    check_page,
    logged_in_page,
    tab_to,
)
from tests.factories import GroupFactory, MembershipFactory

SAVED = re.compile(r"Saved at")


def _wait_saved(page: Page) -> None:
    expect(page.locator("[data-notebook-status]")).to_have_text(SAVED)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_notebook_journey(
    new_context: Any, live_server: Any, programme: Pack, viewport: dict[str, int]
) -> None:
    phone = viewport == PHONE
    group = GroupFactory(name="Lantern group")
    mika = MembershipFactory(group=group, user__display_name="Mika")
    sanna = MembershipFactory(group=group, user__display_name="Sanna")
    base = f"/en/groups/{group.pk}/notebook/"

    page = logged_in_page(new_context, mika.user, viewport, live_server.url)

    # 1. Consent first.
    page.goto(base)
    expect(page).to_have_url(re.compile(r"/notebook/consent/$"))
    expect(page.get_by_role("heading", level=1, name="Your private notebook")).to_be_visible()
    expect(page.get_by_role("heading", name="Who can see it")).to_be_visible()
    check_page(page, phone=phone)
    page.get_by_role("button", name="Start my notebook").click()
    expect(page.get_by_text("Tick the box to agree")).to_be_visible()
    page.get_by_label("I have read this and I want to keep a private notebook").check()
    page.get_by_role("button", name="Start my notebook").click()
    expect(page).to_have_url(re.compile(r"/notebook/$"))
    expect(page.get_by_role("heading", level=1, name="My notebook")).to_be_visible()
    check_page(page, phone=phone)

    # 2. Resources and demands: the scales tilt with the weights, saved as one types.
    page.get_by_role("link", name="Weighing resources and demands").click()
    scales = page.locator("svg.nb-scales")
    expect(scales).to_have_attribute("data-tilt", "even")
    check_page(page, phone=phone)
    resources = page.locator('[data-notebook-list="resources"]')
    demands = page.locator('[data-notebook-list="demands"]')
    resources.get_by_label("What it is").fill("Meaningful work")
    resources.get_by_label("Weight").select_option("5")
    _wait_saved(page)
    expect(scales).to_have_attribute("data-tilt", "resources")
    demands.get_by_label("What it is").fill("Irregular income")
    demands.get_by_label("Weight").select_option("5")
    demands.get_by_role("button", name="Add a demand").click()
    second = demands.locator("[data-notebook-row]").nth(1)
    expect(second.get_by_label("What it is")).to_be_focused()
    page.keyboard.type("Grant writing")
    second.get_by_label("Weight").select_option("4")
    _wait_saved(page)
    expect(scales).to_have_attribute("data-tilt", "demands")
    expect(scales.locator(".nb-scales__beam")).to_have_attribute(
        "transform", re.compile(r"^rotate\(12\.0 ")
    )
    expect(scales.locator("desc")).to_have_text(re.compile(r"demands weigh 9, resources 5"))
    # A reload shows what was saved: nothing lived only in the browser.
    page.reload()
    expect(page.locator('input[value="Grant writing"]')).to_be_visible()
    expect(page.locator("svg.nb-scales")).to_have_attribute("data-tilt", "demands")
    check_page(page, phone=phone)

    # 3. The network map, built with the keyboard alone.
    page.goto(base)
    page.get_by_role("link", name="My network map").click()
    expect(page.locator("svg.nb-map")).to_have_attribute("data-nodes", "0")
    tab_to(page, "#nb-items-0-name", max_steps=80)
    page.keyboard.type("Maria Illustrator")
    page.keyboard.press("Tab")  # kind: professional (the default)
    page.keyboard.press("Tab")  # closeness: inner circle (the default)
    page.keyboard.press("Tab")
    page.keyboard.type("feedback every month")
    tab_to(page, '[data-notebook-list="items"] [data-notebook-add]')
    page.keyboard.press("Enter")
    expect(page.locator("#nb-items-1-name")).to_be_focused()
    page.keyboard.type("My sister")
    page.keyboard.press("Tab")
    expect(page.locator("#nb-items-1-kind")).to_be_focused()
    page.keyboard.press("ArrowDown")  # supports my well-being
    expect(page.locator("#nb-items-1-kind")).to_have_value("wellbeing")
    tab_to(page, '[data-notebook-list="items"] [data-notebook-add]')
    page.keyboard.press("Enter")
    expect(page.locator("#nb-items-2-name")).to_be_focused()
    page.keyboard.type("City theatre")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#nb-items-2-closeness")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # want to reach
    expect(page.locator("#nb-items-2-closeness")).to_have_value("reach")
    _wait_saved(page)
    drawn = page.locator("svg.nb-map")
    expect(drawn).to_have_attribute("data-nodes", "3")
    expect(drawn.locator(".nb-map__label")).to_have_text(
        ["Maria Illustrator", "My sister", "City theatre"]
    )
    expect(drawn.locator(".nb-map__node--wellbeing")).to_have_count(1)
    expect(drawn.locator("desc")).to_have_text(
        re.compile(
            r"3 people and organisations: 2 in the inner circle, 0 in the outer circle, 1 I want"
        )
    )
    check_page(page, phone=phone)

    # 4. Share it with the group.
    page.get_by_role("link", name="Share a copy with the group").click()
    expect(page.get_by_role("heading", name="What the group will see")).to_be_visible()
    check_page(page, phone=phone)
    page.get_by_role("button", name="Share it").click()
    expect(page).to_have_url(re.compile(r"/notebook/shared/$"))
    expect(page.get_by_role("heading", name="Network map: Mika")).to_be_visible()
    check_page(page, phone=phone)

    # 5. Another member leaves an idea on it.
    other = logged_in_page(new_context, sanna.user, viewport, live_server.url)
    other.goto(f"{base}shared/")
    the_map = other.get_by_role("article", name="Network map: Mika")
    expect(the_map.locator("svg.nb-map")).to_have_attribute("data-nodes", "3")
    check_page(other, phone=phone)
    the_map.get_by_label("An idea, a symbol or an emoji for Mika").fill("🎭 the theatre fair")
    the_map.get_by_role("button", name="Give the idea").click()
    expect(
        other.get_by_role("status").filter(has_text="Your idea is beside the map of Mika")
    ).to_be_visible()
    expect(other.get_by_text("🎭 the theatre fair")).to_be_visible()
    check_page(other, phone=phone)

    # The owner sees it beside their own page.
    page.goto(base)
    page.get_by_role("link", name="My network map").click()
    expect(page.get_by_role("heading", name="Ideas the group left for you")).to_be_visible()
    expect(page.get_by_text("🎭 the theatre fair")).to_be_visible()

    # 6. The owner downloads the whole notebook as a PDF.
    page.goto(base)
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename == "notebook-lantern-group.pdf"
    response = page.request.get(f"{base}export/notebook.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    # Someone else asking for "the" PDF gets their own notebook, never Mika's.
    assert other.request.get(f"{base}export/notebook.pdf").url.endswith("/notebook/consent/")


def test_a_failed_save_retries_and_a_conflict_keeps_the_typed_text(
    new_context: Any, live_server: Any, programme: Pack
) -> None:
    """The connection drops: the editor says so, keeps the text and saves on a retry.
    Another device saves meanwhile: the editor stops, shows the other version, and saves
    the member's own text only when asked."""
    from booster.notebook import services
    from booster.notebook.models import NotebookEntry
    from tests.notebook.helpers import access_of, slot_of

    group = GroupFactory(name="Lantern group")
    mika = MembershipFactory(group=group, user__display_name="Mika")
    services.consent_give(access=access_of(mika))
    page = logged_in_page(new_context, mika.user, DESKTOP, live_server.url)
    page.goto(f"/en/groups/{group.pk}/notebook/tasks/work_ability/recovery_task/")
    answer = page.get_by_label("What was your day like when you felt well recovered?")

    failures = {"left": 1}

    def flaky(route: Any) -> None:
        if route.request.method == "POST" and failures["left"]:
            failures["left"] -= 1
            route.abort()
        else:
            route.continue_()

    page.route("**/recovery_task/", flaky)
    answer.fill("A slow morning by the sea")
    status = page.locator("[data-notebook-status]")
    expect(status).to_have_text(re.compile("the connection failed"))
    expect(answer).to_have_value("A slow morning by the sea")
    expect(status).to_have_text(SAVED, timeout=10_000)  # retried after two seconds
    entry = NotebookEntry.objects.get()
    assert entry.content["answers"][0] == "A slow morning by the sea"

    # Another device saves a newer version.
    services.entry_save(
        access=access_of(mika),
        slot=slot_of(mika, "recovery_day"),
        entry=entry,
        content={"answers": ["Written on the phone", ""], "notes": ""},
        version=entry.version,
    )
    answer.fill("A slow morning by the sea, then a swim")
    conflict = page.locator("[data-notebook-conflict]")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Written on the phone")
    expect(answer).to_have_value("A slow morning by the sea, then a swim")
    assert_accessible(page)
    answer.fill("A slow morning by the sea, then a swim!")  # autosave stays stopped
    page.wait_for_timeout(1500)
    assert NotebookEntry.objects.get().content["answers"][0] == "Written on the phone"
    conflict.get_by_role("button", name="Keep my version").click()
    expect(status).to_have_text(SAVED)
    expect(conflict).to_be_hidden()
    assert NotebookEntry.objects.get().content["answers"][0] == (
        "A slow morning by the sea, then a swim!"
    )
