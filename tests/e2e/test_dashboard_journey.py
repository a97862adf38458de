"""The organisation's dashboard in a real browser.

A closed group of an organisation: four members have answered the programme feedback, and
the coordinator's dashboard shows the groups but no aggregate. The fifth member answers in
their own browser, through the closing meeting's feedback form; now the coordinator sees
the aggregate, as bars and as a table, chooses it again with the keyboard, and downloads
the CSV. On a 320-px phone the page does not scroll sideways. axe-core checks each page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from booster.feedback.services import feedback_submit
from booster.groups.models import Group
from booster.programme.schema import Pack
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    check_page,
    logged_in_page,
    tab_to,
)
from tests.factories import GroupFactory, MembershipFactory
from tests.feedback.factories import coordinator_create, organisation_create

ANSWERS = {"information": 5, "hope": 4, "growth": 4, "not_alone": 5, "safe": 5, "recommend": "yes"}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_feedback_appears_on_the_dashboard_only_once_five_have_answered(
    programme: Pack, new_context: Any, live_server: Any, viewport: dict[str, int]
) -> None:
    phone = viewport == PHONE
    organisation = organisation_create("Harbour Union")
    coordinator = coordinator_create(organisation, display_name="Cora")
    group: Group = GroupFactory(
        organisation=organisation,
        name="Night-shift nurses",
        state=Group.State.CLOSED,
        closed_at=timezone.now(),
    )
    members = [MembershipFactory(group=group) for _ in range(5)]
    for member in members[:4]:
        with transaction.atomic():
            feedback_submit(membership=member, answers=ANSWERS)

    dashboard_url = f"/en/organisations/{organisation.slug}/dashboard/"
    coordinator_page = logged_in_page(new_context, coordinator, viewport, live_server.url)
    coordinator_page.goto(dashboard_url)
    expect(coordinator_page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    main = coordinator_page.get_by_role("main")
    expect(main.get_by_role("table", name="The organisation's groups")).to_contain_text(
        "Night-shift nurses"
    )
    expect(main).to_contain_text("No feedback is shown yet")
    expect(main.get_by_role("table", name=re.compile("Answers to each statement"))).to_have_count(0)
    check_page(coordinator_page, phone=phone)

    # The fifth member answers at the closing meeting, in their own browser.
    member_page = logged_in_page(new_context, members[4].user, viewport, live_server.url)
    member_page.goto(f"/en/groups/{group.pk}/closing/feedback/")
    form = member_page.get_by_role("main")
    form.get_by_role("group", name="I got information and tips.").get_by_label(
        "Strongly agree"
    ).check()
    form.get_by_role("group", name=re.compile("recommend")).get_by_label("Yes").check()
    form.get_by_role("button", name="Send my feedback").click()
    expect(
        member_page.get_by_role("status").filter(has_text="Thank you for your feedback")
    ).to_be_visible()

    coordinator_page.reload()
    main = coordinator_page.get_by_role("main")
    expect(main).to_contain_text("5 people answered.")
    table = main.get_by_role("table", name="Answers to each statement, in numbers")
    row = table.get_by_role("row", name=re.compile("I got information and tips"))
    expect(row.get_by_role("cell")).to_have_text(["0", "0", "0", "0", "5", "100 %"])
    expect(main.locator("svg.dash-bar")).to_have_count(6)
    check_page(coordinator_page, phone=phone)

    if not phone:
        # The exports work from the keyboard alone.
        tab_to(coordinator_page, main.get_by_role("link", name="Download as CSV"))
        with coordinator_page.expect_download() as download:
            coordinator_page.keyboard.press("Enter")
        content = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert "People who answered,5" in content
