"""A call for participants, walked through in real browsers.

A coordinator opens a call; twelve people sign up — three in browsers (one on a desktop
who first forgets the consent box, one on a 320-px phone, one with the keyboard alone),
the rest through the test client to save time; the coordinator forms two groups from the
suggestions, adjusts them by hand, names each group and its convener, and sends the
invitations, which arrive in the outbox. axe-core checks every page the journey visits.
"""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client
from playwright.sync_api import Locator, Page, expect

from booster.accounts.models import User
from booster.calls.models import Call, SignUp
from booster.groups.models import Group, Invite
from booster.organisations.models import Organisation
from booster.programme.schema import Pack
from tests.calls.factories import coordinator_make, organisation_make
from tests.e2e.conftest import (
    PHONE,
    assert_accessible,
    assert_focus_visible,
    assert_no_horizontal_scroll,
    tab_to,
)
from tests.factories import DEFAULT_PASSWORD

CALL_TITLE = "Peer groups for freelancers, spring"
FINNISH = ["Aino", "Eetu", "Helmi", "Ilmari", "Kerttu", "Lauri"]
ENGLISH = ["Ada", "Ben", "Cleo", "Dev", "Eve", "Finn"]


def _main(page: Page) -> Locator:
    return page.get_by_role("main")


def _log_in(page: Page, user: User) -> None:
    expect(page).to_have_url(re.compile(r"/en/accounts/login/"))
    assert_accessible(page)
    form = _main(page)
    form.get_by_label("Email").fill(user.email)
    form.get_by_label("Password").fill(DEFAULT_PASSWORD)
    form.get_by_role("button", name="Sign In").click()


def _email(name: str) -> str:
    return f"{name.lower()}@example.org"


def _open_a_call(page: Page, organisation: Organisation, coordinator: User) -> str:
    """The coordinator creates a call and opens it; returns the sign-up page's address."""
    page.goto(f"/en/organisations/{organisation.slug}/calls/")
    _log_in(page, coordinator)
    expect(page.get_by_role("heading", level=1)).to_have_text("Calls for participants")
    assert_accessible(page)
    form = _main(page).locator("form.form")
    form.get_by_label("Title").fill(CALL_TITLE)
    form.get_by_label("Finnish").check()
    form.get_by_label("English").check()
    expect(form.get_by_label("Remote groups are offered")).to_be_checked()
    form.get_by_label("Cities for face-to-face groups").fill("Turku")
    form.get_by_role("button", name="Create the call").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CALL_TITLE)
    expect(page.get_by_text("The call is ready as a draft.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Open the call").click()
    expect(page.get_by_text("The call is open: people can sign up now.")).to_be_visible()
    assert_accessible(page)
    link = page.get_by_label("The sign-up page's address, to share").input_value()
    assert re.search(r"/en/calls/[\w-]+/$", link), link
    return link


def _fill_sign_up(page: Page, name: str, language: str, *, consent: bool = True) -> None:
    main = _main(page)
    main.get_by_label("Your name").fill(name)
    main.get_by_label("Your e-mail address").fill(_email(name))
    main.get_by_role("group", name=re.compile("The language you would like")).get_by_label(
        language
    ).check()
    main.get_by_label("Remotely, by video").check()
    main.get_by_label("Tuesday evening").check()
    main.get_by_label("Thursday morning").check()
    main.get_by_label("Your field of work").select_option(label="Music")
    if consent:
        main.get_by_label(re.compile("I agree that the organisation may contact me")).check()


def _sign_up_on_a_desktop(page: Page, link: str) -> None:
    """The first person forgets the consent box: the page says so and keeps the rest."""
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(CALL_TITLE)
    assert_accessible(page)
    _fill_sign_up(page, FINNISH[0], "Finnish", consent=False)
    page.get_by_role("button", name="Sign up").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("we can only place you in a group if we may contact you")
    assert_accessible(page)
    main = _main(page)
    expect(main.get_by_label("Your name")).to_have_value(FINNISH[0])
    expect(main.get_by_label("Tuesday evening")).to_be_checked()
    main.get_by_label(re.compile("I agree that the organisation may contact me")).check()
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for signing up")
    expect(page.get_by_text("Thank you: you are signed up.")).to_be_visible()
    assert_accessible(page)


def _sign_up_on_a_phone(page: Page, link: str) -> None:
    page.goto(link)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    _fill_sign_up(page, ENGLISH[0], "English")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for signing up")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)


def _sign_up_by_keyboard(page: Page, link: str) -> None:
    """Every field reached with Tab and answered with the keys alone."""
    page.goto(link)
    keys = page.keyboard
    tab_to(page, "#id_name")
    assert_focus_visible(page)
    keys.type(FINNISH[1])
    tab_to(page, "#id_email")
    keys.type(_email(FINNISH[1]))
    tab_to(page, "#id_language_0")  # Finnish, the first language the call offers
    keys.press("Space")
    tab_to(page, "#id_place_0")  # remotely
    keys.press("Space")
    tuesday_evening = page.get_by_label("Tuesday evening")
    tab_to(page, tuesday_evening)
    assert_focus_visible(page)
    keys.press("Space")
    tab_to(page, page.get_by_label("Thursday morning"))
    keys.press("Space")
    tab_to(page, "#id_field_of_work")
    keys.press("ArrowDown")  # performing arts
    keys.press("ArrowDown")  # music
    tab_to(page, "#id_consent")
    keys.press("Space")
    tab_to(page, page.get_by_role("button", name="Sign up"))
    assert_focus_visible(page)
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for signing up")


def _the_rest_sign_up(link: str, live_server: Any) -> None:
    """The other nine, through the test client (the same form, the same server code)."""
    path = link.removeprefix(live_server.url)
    client = Client()
    for names, language in ((FINNISH[2:], "fi"), (ENGLISH[1:], "en")):
        for name in names:
            response = client.post(
                path,
                {
                    "name": name,
                    "email": _email(name),
                    "language": language,
                    "place": "remote",
                    "slots": ["tue_evening", "thu_morning"],
                    "field_of_work": "performing_arts",
                    "consent": "on",
                },
            )
            assert response.status_code == 302, response.content.decode()[:500]


def _draft(page: Page, index: int) -> Locator:
    return _main(page).locator("section.calls-draft").nth(index)


def _form_groups(page: Page, call: Call) -> None:
    page.goto(f"/en/organisations/{call.organisation.slug}/calls/{call.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Form groups").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Form groups")
    assert_accessible(page)
    page.get_by_role("button", name="Suggest groups").click()
    expect(page.get_by_text("2 groups are suggested.")).to_be_visible()
    assert_accessible(page)
    drafts = _main(page).locator("section.calls-draft")
    expect(drafts).to_have_count(2)
    # By hand: Lauri is taken out of the Finnish group, then put back.
    english_first = "English" in (_draft(page, 0).locator(".calls-draft__facts").inner_text())
    finnish = 1 if english_first else 0
    _draft(page, finnish).get_by_label(f"Move {FINNISH[5]} to").select_option(label="Not placed")
    _draft(page, finnish).locator("li", has_text=FINNISH[5]).get_by_role(
        "button", name="Move"
    ).click()
    expect(page.get_by_text(f"{FINNISH[5]} is now unplaced.")).to_be_visible()
    unplaced = _main(page).locator("section.calls-unplaced")
    expect(unplaced).to_contain_text(FINNISH[5])
    assert_accessible(page)
    move = unplaced.get_by_label(f"Move {FINNISH[5]} to")
    finnish_group = move.locator("option", has_text="(Finnish, remote)").get_attribute("value")
    assert finnish_group is not None
    move.select_option(value=finnish_group)
    unplaced.get_by_role("button", name="Move").click()
    expect(page.get_by_text(re.compile(f"{FINNISH[5]} is moved to"))).to_be_visible()
    # Sending before the groups are named says what is missing, and makes nothing.
    page.get_by_role("button", name="Create the groups and send the invitations").click()
    expect(page.get_by_role("alert")).to_contain_text("needs a name")
    assert not Group.objects.exists()
    assert_accessible(page)
    for index in range(2):
        draft = _draft(page, index)
        language = (
            "English"
            if ("English" in draft.locator(".calls-draft__facts").inner_text())
            else "Finnish"
        )
        name = "Tuesday evenings in English" if language == "English" else "Tiistai-illat"
        draft.get_by_label("Group name").fill(name)
        draft.get_by_label("Video-meeting link").fill(f"https://meet.example.org/{index}")
        draft.get_by_label("Convener").select_option(index=1)
        draft.get_by_role("button", name="Save the group's details").click()
        expect(page.get_by_text("The group's details are saved.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Create the groups and send the invitations").click()
    expect(
        page.get_by_text("2 groups are made and their invitations are on their way.")
    ).to_be_visible()
    expect(_main(page).get_by_text("Everyone who signed up is in a group.")).to_be_visible()
    assert_accessible(page)


def test_a_coordinator_opens_a_call_twelve_sign_up_and_two_groups_are_invited(
    programme: Pack, new_context: Any, live_server: Any
) -> None:
    organisation = organisation_make("Union of Freelancers")
    coordinator = coordinator_make(organisation, display_name="Cora")
    coordinator_page = new_context().new_page()
    link = _open_a_call(coordinator_page, organisation, coordinator)

    _sign_up_on_a_desktop(new_context().new_page(), link)
    _sign_up_on_a_phone(new_context(viewport=PHONE).new_page(), link)
    _sign_up_by_keyboard(new_context().new_page(), link)
    _the_rest_sign_up(link, live_server)
    call = Call.objects.get()
    assert SignUp.objects.filter(call=call).count() == 12
    keyboard_person = next(s for s in SignUp.objects.filter(call=call) if s.name == FINNISH[1])
    assert (keyboard_person.language, keyboard_person.field_of_work) == ("fi", "music")
    assert keyboard_person.slots == ["tue_evening", "thu_morning"]

    mail.outbox.clear()
    _form_groups(coordinator_page, call)
    groups = list(Group.objects.order_by("name"))
    assert [group.name for group in groups] == ["Tiistai-illat", "Tuesday evenings in English"]
    assert {group.organisation_id for group in groups} == {organisation.pk}
    assert {group.language for group in groups} == {"fi", "en"}
    invited = sorted(address for message in mail.outbox for address in message.to)
    assert invited == sorted(_email(name) for name in FINNISH + ENGLISH)
    assert Invite.objects.filter(group__in=groups).count() == 12
    finnish_invite = next(m for m in mail.outbox if m.to == [_email(FINNISH[0])])
    assert "Tiistai-illat" in finnish_invite.subject
    assert "/fi/groups/join/" in finnish_invite.body
