"""The foundation, walked through in a real browser.

Reading the programme in two languages, the crisis page, signing up with an e-mailed
verification code, logging out and back in with an e-mailed sign-in code — on a laptop,
on a 320-px phone, and with the keyboard alone. Every page a journey visits is checked
with axe-core; on the phone, no page may scroll sideways.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from booster.programme.schema import Pack
from tests.e2e.conftest import (
    assert_accessible,
    assert_focus_visible,
    assert_no_horizontal_scroll,
    tab_to,
)
from tests.factories import UserFactory
from tests.mail import last_code

PASSWORD = "lantern by the sea 7"
# A duration as the programme pages print it: "10 min" or "30–45 min".
DURATION = re.compile(r"\d+(?:\s*[–-]\s*\d+)?\s*\S+")

Check = Callable[[Page], None]


def _checker(*, phone: bool) -> Check:
    def check(page: Page) -> None:
        page.wait_for_load_state()
        assert_accessible(page)
        if phone:
            assert_no_horizontal_scroll(page)

    return check


def _main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def _switch_language(page: Page, label: str, code: str) -> None:
    footer = page.get_by_role("contentinfo")
    footer.get_by_label(label).select_option(code)
    footer.get_by_role("button").click()


def _expect_logged_in(page: Page) -> None:
    nav = _main_nav(page)
    expect(nav.get_by_role("link", name="My settings")).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    expect(nav.get_by_role("link", name="Log in")).to_have_count(0)


def _expect_signed_in_as(page: Page, name: str) -> None:
    """After a sign-in: out of the account pages, the header and a message say who it is."""
    expect(page).to_have_url(re.compile(r"/en/(?!accounts/)"))
    _expect_logged_in(page)
    expect(page.get_by_role("status").filter(has_text=name)).to_be_visible()


def _expect_logged_out(page: Page) -> None:
    nav = _main_nav(page)
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()
    expect(nav.get_by_role("link", name="My settings")).to_have_count(0)


def _read_the_programme(page: Page, programme: Pack, check: Check) -> None:
    """Home → programme → Finnish → a theme → English → the crisis page."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check(page)

    _main_nav(page).get_by_role("link", name="Programme").click()
    expect(page).to_have_url(re.compile(r"/en/programme/$"))
    expect(page.get_by_role("heading", level=1, name=programme.title.get("en"))).to_be_visible()
    path = page.get_by_role("region", name="The themes").get_by_role("list")
    expect(path.get_by_role("listitem")).to_have_count(9)
    for theme in programme.themes:
        expect(path.get_by_role("link", name=theme.title.get("en"), exact=True)).to_be_visible()
    check(page)

    _switch_language(page, "Language", "fi")
    expect(page).to_have_url(re.compile(r"/fi/programme/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    finnish_path = page.locator("ol.theme-path")
    expect(finnish_path.get_by_role("listitem")).to_have_count(9)
    for theme in programme.themes:
        expect(
            finnish_path.get_by_role("link", name=theme.title.get("fi"), exact=True)
        ).to_be_visible()
    check(page)

    work_ability = programme.theme("work_ability")
    assert work_ability.title.get("fi") == "Työkyky ja palautuminen"
    finnish_path.get_by_role("link", name="Työkyky ja palautuminen").click()
    expect(page).to_have_url(re.compile(r"/fi/programme/work_ability/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.get_by_role("heading", level=1, name="Työkyky ja palautuminen")).to_be_visible()
    tasks = page.locator("section.task")
    expect(tasks).to_have_count(len(work_ability.tasks()))
    for index, task in enumerate(work_ability.tasks()):
        section = tasks.nth(index)
        expect(section.get_by_role("heading", level=2)).to_contain_text(task.title.get("fi"))
        expect(section.locator(".task__time")).to_have_text(re.compile(r"\d"))
        phases = section.locator(".phase")
        expect(phases).to_have_count(len(task.phases))
        for phase_index in range(len(task.phases)):
            expect(phases.nth(phase_index).locator(".phase__time")).to_have_text(DURATION)
    check(page)

    # The switcher's label is not translated yet in every language; its select is the
    # only combobox in the footer.
    footer = page.get_by_role("contentinfo")
    footer.get_by_role("combobox").select_option("en")
    footer.get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/en/programme/work_ability/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1, name=work_ability.title.get("en"))).to_be_visible()
    expect(page.locator("section.task").first.locator(".task__time")).to_contain_text("Time:")
    check(page)

    page.get_by_role("banner").get_by_role("link", name="Need help now?").click()
    expect(page).to_have_url(re.compile(r"/en/help/$"))
    expect(page.get_by_role("heading", level=1, name="Need help now?")).to_be_visible()
    expect(page.get_by_text(re.compile(r"call the emergency number 112"))).to_be_visible()
    expect(page.get_by_role("link", name="112", exact=True).first).to_have_attribute(
        "href", "tel:112"
    )
    # Each helpline's languages are named in their own language, and marked so.
    expect(page.locator(".contact__languages [lang='fi']").first).to_have_text("suomi")
    check(page)


def _sign_up(page: Page, email: str, name: str, check: Check) -> None:
    _main_nav(page).get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/en/accounts/signup/$"))
    check(page)
    form = page.get_by_role("main")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Name shown to others").fill(name)
    form.get_by_label("Language").select_option("en")
    form.get_by_label("Time zone").select_option("Europe/Stockholm")
    password = form.get_by_label(re.compile(r"^Password \(required\)"))
    # The password rules are a list; they must still describe the field.
    expect(password).to_have_accessible_description(re.compile(r"at least 8 characters"))
    password.fill(PASSWORD)
    form.get_by_label("Password (again)").fill(PASSWORD)
    form.get_by_role("button", name="Sign Up").click()

    expect(page).to_have_url(re.compile(r"/en/accounts/confirm-email/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter Email Verification Code")
    check(page)
    page.get_by_role("main").get_by_label("Code").fill(last_code(email))
    page.get_by_role("button", name="Confirm").click()

    _expect_signed_in_as(page, name)
    check(page)


def _log_out(page: Page, check: Check) -> None:
    _main_nav(page).get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/en/$"))
    _expect_logged_out(page)
    check(page)


def _log_in_with_a_code(page: Page, email: str, name: str, check: Check) -> None:
    _main_nav(page).get_by_role("link", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/en/accounts/login/$"))
    check(page)
    page.get_by_role("link", name="Send me a sign-in code").click()
    expect(page).to_have_url(re.compile(r"/en/accounts/login/code/$"))
    check(page)
    page.get_by_role("main").get_by_label("Email").fill(email)
    page.get_by_role("button", name="Request Code").click()
    expect(page).to_have_url(re.compile(r"/en/accounts/login/code/confirm/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter Sign-In Code")
    check(page)
    page.get_by_role("main").get_by_label("Code").fill(last_code(email))
    page.get_by_role("button", name="Confirm").click()
    _expect_signed_in_as(page, name)
    check(page)


def test_desktop_reading_sign_up_and_code_login(page: Page, programme: Pack) -> None:
    check = _checker(phone=False)
    _read_the_programme(page, programme, check)
    _sign_up(page, "kaisa@example.org", "Kaisa", check)
    _log_out(page, check)
    _log_in_with_a_code(page, "kaisa@example.org", "Kaisa", check)


def test_phone_reading_sign_up_and_code_login(phone_page: Page, programme: Pack) -> None:
    page = phone_page
    assert page.viewport_size == {"width": 320, "height": 640}
    check = _checker(phone=True)
    _read_the_programme(page, programme, check)
    _sign_up(page, "mikko@example.org", "Mikko", check)
    _log_out(page, check)
    _log_in_with_a_code(page, "mikko@example.org", "Mikko", check)


def test_keyboard_alone_reaches_a_theme_and_logs_in_with_a_code(
    page: Page, programme: Pack
) -> None:
    UserFactory(email="ilona@example.org", display_name="Ilona")
    keyboard = page.keyboard

    page.goto("/en/")
    assert_accessible(page)

    # The first Tab shows the skip link; Enter moves the focus to the main content.
    keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert_focus_visible(page)
    keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    read = page.get_by_role("main").get_by_role("link", name="Read the programme")
    tab_to(page, read)
    assert_focus_visible(page)
    keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/programme/$"))
    assert_accessible(page)

    path = page.get_by_role("region", name="The themes")
    work_ability = path.get_by_role("link", name=programme.theme("work_ability").title.get("en"))
    next_theme = path.get_by_role(
        "link", name=programme.theme_neighbours("work_ability")[1].title.get("en")
    )
    tab_to(page, work_ability)
    # One step too far, and back again.
    keyboard.press("Tab")
    expect(next_theme).to_be_focused()
    keyboard.press("Shift+Tab")
    expect(work_ability).to_be_focused()
    assert_focus_visible(page)
    keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/programme/work_ability/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        programme.theme("work_ability").title.get("en")
    )
    assert_accessible(page)

    tab_to(page, _main_nav(page).get_by_role("link", name="Log in"))
    assert_focus_visible(page)
    keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/accounts/login/$"))
    assert_accessible(page)

    tab_to(page, page.get_by_role("link", name="Send me a sign-in code"))
    assert_focus_visible(page)
    keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/accounts/login/code/$"))
    assert_accessible(page)

    tab_to(page, page.get_by_role("main").get_by_label("Email"))
    assert_focus_visible(page)
    keyboard.type("ilona@example.org")
    tab_to(page, page.get_by_role("button", name="Request Code"))
    assert_focus_visible(page)
    keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"/en/accounts/login/code/confirm/$"))
    assert_accessible(page)

    tab_to(page, page.get_by_role("main").get_by_label("Code"))
    assert_focus_visible(page)
    keyboard.type(last_code("ilona@example.org"))
    keyboard.press("Enter")
    _expect_signed_in_as(page, "Ilona")
    assert_accessible(page)
