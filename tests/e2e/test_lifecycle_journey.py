"""The end of a group and of an account, walked through in a real browser.

A member of a closed group sees on the group's home when its content will be deleted,
opens and downloads the group's records, downloads all their own data from their settings
and deletes their account. Then the same on a 320-px phone, and with the keyboard alone.
axe-core checks every page.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from booster.accounts.models import User
from booster.groups.models import Group, Membership
from booster.notebook.models import EntryKind, SharedSnapshot
from booster.organisations.models import Organisation
from booster.planning.models import GoalsRecord
from booster.programme.schema import Pack
from tests.e2e.conftest import (
    assert_accessible,
    assert_focus_visible,
    assert_no_horizontal_scroll,
    tab_to,
)
from tests.factories import DEFAULT_PASSWORD, GroupFactory, MembershipFactory, UserFactory

GOAL = "Find our footing as freelancers"
THANKS = "Thank you for listening, every time"


def _closed_group(email: str) -> tuple[Group, User]:
    organisation = Organisation.objects.create(
        name="Freelance Guild",
        slug=f"guild-{email.split('@')[0]}",
        retention_days=30,
        controller_name="Freelance Guild ry",
        controller_email="privacy@guild.example.org",
    )
    group: Group = GroupFactory(name="Lanterns", organisation=organisation, state="running")
    convener: Membership = MembershipFactory(group=group, is_convener=True)
    member: Membership = MembershipFactory(
        group=group, user=UserFactory(email=email, display_name="Aino"), display_name="Aino"
    )
    GoalsRecord.objects.create(group=group, number=1, goals=[GOAL], recorded_by=convener)
    SharedSnapshot.objects.create(
        membership=member,
        entry_kind=EntryKind.TASK,
        theme_key="closing",
        task_key="evaluation_task",
        worksheet_kind="evaluation",
        content={"answers": ["", "", "", THANKS]},
    )
    group.state = Group.State.CLOSED
    group.closed_at = timezone.now() - timedelta(days=2)
    group.save(update_fields=["state", "closed_at"])
    return group, member.user


def _main(page: Page) -> Locator:
    return page.get_by_role("main")


def _log_in(page: Page, user: User) -> None:
    page.goto("/en/accounts/login/")
    form = _main(page)
    form.get_by_label("Email").fill(user.email)
    form.get_by_label("Password").fill(DEFAULT_PASSWORD)
    form.get_by_role("button", name="Sign In").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def _check(page: Page, *, phone: bool = False) -> None:
    page.wait_for_load_state()
    if phone:
        assert_no_horizontal_scroll(page)
    assert_accessible(page)


def test_a_member_of_a_closed_group_keeps_their_records_and_leaves_booster(
    page: Page, programme: Pack
) -> None:
    group, user = _closed_group("aino@example.org")
    _log_in(page, user)

    # The group's home tells when its content goes, in the viewer's time zone.
    page.goto(f"/en/groups/{group.pk}/")
    notice = page.get_by_role("region", name="This group has closed")
    expect(notice).to_contain_text("kept for 30 days")
    _check(page)

    # The records: the goals and the gratitude wall, and a JSON download.
    notice.get_by_role("link", name="The group's records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The group's records")
    expect(_main(page)).to_contain_text(GOAL)
    expect(_main(page)).to_contain_text(THANKS)
    _check(page)
    with page.expect_download() as download_info:
        _main(page).get_by_role("link", name="The group's records as JSON").click()
    records = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert records["goals"]["items"] == [GOAL]
    assert [answer["text"] for answer in records["gratitude"]] == [THANKS]

    # All my data, from my settings.
    page.get_by_role("link", name="My settings", exact=True).click()
    _check(page)
    with page.expect_download() as download_info:
        _main(page).get_by_role("link", name="Download all my data (JSON)").click()
    mine = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert mine["profile"]["email"] == user.email
    assert [m["group_name"] for m in mine["memberships"]] == ["Lanterns"]

    # The privacy notice names the organisation's controller.
    page.goto("/en/privacy/")
    expect(_main(page)).to_contain_text("Freelance Guild ry")
    _check(page)

    # Deleting the account: a wrong password first, then the real one.
    page.goto("/en/accounts/profile/")
    _main(page).get_by_role("link", name="Delete my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete my account")
    _check(page)
    form = _main(page)
    form.get_by_label("Your e-mail address").fill(user.email)
    form.get_by_label("Your password").fill("not my password")
    form.get_by_role("button", name="Delete my account for good").click()
    expect(_main(page)).to_contain_text("This password is not right.")
    _check(page)
    assert User.objects.filter(pk=user.pk).exists()
    form.get_by_label("Your password").fill(DEFAULT_PASSWORD)
    form.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_role("status")).to_contain_text("Your account and everything")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    _check(page)
    assert not User.objects.filter(pk=user.pk).exists()
    assert not SharedSnapshot.objects.filter(membership__group=group).exists()


def test_on_a_phone_the_notice_records_and_deletion_fit(phone_page: Page, programme: Pack) -> None:
    page = phone_page
    group, user = _closed_group("pirkko@example.org")
    _log_in(page, user)
    for url in (
        f"/en/groups/{group.pk}/",
        f"/en/groups/{group.pk}/records/",
        "/en/accounts/profile/",
        "/en/privacy/",
        "/en/accounts/delete/",
    ):
        page.goto(url)
        _check(page, phone=True)
    form = _main(page)
    form.get_by_label("Your e-mail address").fill(user.email)
    form.get_by_label("Your password").fill(DEFAULT_PASSWORD)
    form.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_role("status")).to_contain_text("Your account and everything")
    _check(page, phone=True)
    assert not User.objects.filter(pk=user.pk).exists()


def test_with_the_keyboard_alone(page: Page, programme: Pack) -> None:
    group, user = _closed_group("kaisa@example.org")
    _log_in(page, user)
    keyboard = page.keyboard
    page.goto(f"/en/groups/{group.pk}/")
    tab_to(page, page.get_by_role("link", name="The group's records"))
    assert_focus_visible(page)
    keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("The group's records")

    tab_to(page, page.get_by_role("link", name="My settings", exact=True))
    keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My settings")
    tab_to(page, _main(page).get_by_role("link", name="Delete my account"))
    assert_focus_visible(page)
    keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete my account")

    tab_to(page, _main(page).get_by_label("Your e-mail address"))
    assert_focus_visible(page)
    keyboard.type(user.email)
    tab_to(page, _main(page).get_by_label("Your password"))
    assert_focus_visible(page)
    keyboard.type(DEFAULT_PASSWORD)
    tab_to(page, page.get_by_role("button", name="Delete my account for good"))
    assert_focus_visible(page)
    keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your account and everything")
    assert not User.objects.filter(pk=user.pk).exists()
