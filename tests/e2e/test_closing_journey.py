"""The closing meeting's outcomes in a real browser, on a laptop and on a 320-px phone:
a member shares answers of their evaluation (one without their name) with the keyboard
alone, another member reads the look back and the gratitude wall and gives the programme
feedback, keyboard only too. axe-core checks every page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from booster.feedback.models import FeedbackReceipt, FeedbackResponse
from booster.groups.models import Group
from booster.programme.schema import Pack
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    assert_focus_visible,
    check_page,
    logged_in_page,
    tab_to,
)
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory
from tests.notebook.helpers import consent, write


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_closing_journey(
    new_context: Any, live_server: Any, programme: Pack, viewport: dict[str, int]
) -> None:
    phone = viewport == PHONE
    group = GroupFactory(name="Lantern group", state=Group.State.RUNNING)
    MembershipFactory(group=group, is_convener=True, user__display_name="Cleo")
    mika = MembershipFactory(group=group, user__display_name="Mika")
    sanna = MembershipFactory(group=group, user__display_name="Sanna")
    MeetingFactory(
        group=group,
        number=6,
        theme_key="closing",
        starts_at=timezone.now() - timedelta(minutes=30),
    )
    # Mika wrote the evaluation in the notebook at the meeting.
    consent(mika)
    write(
        mika,
        "evaluation",
        {
            "answers": [
                "We listened to each other.",
                "Finding time between shifts.",
                "I am not alone with this.",
                "Thank you all, I will miss Tuesdays.",
            ],
            "notes": "",
        },
    )

    # 1. Mika finds the look back on the group's home and chooses what to share.
    page = logged_in_page(new_context, mika.user, viewport, live_server.url)
    page.goto(f"/en/groups/{group.pk}/")
    page.get_by_role("link", name="Open the look back").click()
    expect(page.get_by_role("heading", level=1, name="Looking back together")).to_be_visible()
    check_page(page, phone=phone)
    page.get_by_role("link", name="Choose what I share from my evaluation").click()
    expect(page.get_by_role("heading", level=1, name="Share from my evaluation")).to_be_visible()
    check_page(page, phone=phone)
    # Keyboard only: the first answer with my name, the second without, the fourth with.
    tab_to(page, "#id_answer-0_0", max_steps=80)
    assert_focus_visible(page)
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_answer-0_1")).to_be_checked()
    tab_to(page, "#id_answer-1_0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_answer-1_2")).to_be_checked()
    tab_to(page, "#id_answer-3_0")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_answer-3_1")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Save my choices"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Shared with the group.")).to_be_visible()
    expect(page.get_by_text("We listened to each other.")).to_be_visible()
    check_page(page, phone=phone)

    # 2. Sanna reads the look back and the gratitude wall.
    other = logged_in_page(new_context, sanna.user, viewport, live_server.url)
    other.goto(f"/en/groups/{group.pk}/closing/")
    good = other.get_by_role("region", name="What was good?")
    expect(good.get_by_text("We listened to each other.")).to_be_visible()
    expect(good.get_by_text("— Mika")).to_be_visible()
    hard = other.get_by_role("region", name="What was challenging?")
    expect(hard.get_by_text("Finding time between shifts.")).to_be_visible()
    expect(hard.get_by_text("shared without a name")).to_be_visible()
    expect(hard).not_to_contain_text("Mika")
    wall = other.get_by_role("region", name="Gratitude wall")
    expect(wall.get_by_text("Thank you all, I will miss Tuesdays.")).to_be_visible()
    expect(other.get_by_text("I am not alone with this.")).to_have_count(0)
    expect(other.get_by_role("heading", name="Thank you", exact=True)).to_be_visible()
    check_page(other, phone=phone)

    # 3. Sanna gives the feedback, keyboard only.
    other.get_by_role("link", name="Give feedback or skip it").click()
    expect(other.get_by_role("heading", level=1, name="Feedback on the programme")).to_be_visible()
    expect(other.get_by_text("It is not a health measure")).to_be_visible()
    check_page(other, phone=phone)
    tab_to(other, "#id_information_0", max_steps=80)
    assert_focus_visible(other)
    other.keyboard.press("Space")
    for _step in range(3):
        other.keyboard.press("ArrowRight")
    expect(other.locator("#id_information_3")).to_be_checked()  # "Agree"
    tab_to(other, "#id_safe_0")
    other.keyboard.press("Space")
    for _step in range(4):
        other.keyboard.press("ArrowRight")
    expect(other.locator("#id_safe_4")).to_be_checked()  # "Strongly agree"
    tab_to(other, "#id_recommend_0")
    other.keyboard.press("Space")
    expect(other.locator("#id_recommend_0")).to_be_checked()
    tab_to(other, "#id_comment")
    other.keyboard.type("The tea was good.")
    tab_to(other, other.get_by_role("button", name="Send my feedback"))
    other.keyboard.press("Enter")
    expect(other.get_by_text("Thank you for your feedback.")).to_be_visible()
    expect(other.get_by_text("You have already answered (or skipped)")).to_be_visible()
    check_page(other, phone=phone)
    answer = FeedbackResponse.objects.get()
    assert (answer.information, answer.safe, answer.recommend) == (4, 5, "yes")
    assert answer.hope is None
    assert FeedbackReceipt.objects.filter(user=sanna.user, skipped=False).count() == 1

    # 4. Mika withdraws the unsigned answer; Sanna no longer sees it.
    page.get_by_role("region", name="What was challenging?").get_by_role(
        "button", name="Withdraw this answer"
    ).click()
    expect(page.get_by_text("Withdrawn.")).to_be_visible()
    other.goto(f"/en/groups/{group.pk}/closing/")
    expect(other.get_by_text("Finding time between shifts.")).to_have_count(0)
    expect(other.get_by_role("link", name="Give feedback or skip it")).to_have_count(0)
