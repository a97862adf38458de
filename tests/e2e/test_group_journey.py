"""Forming and planning a group, walked through in real browsers.

A convener creates a group and proposes dates for its opening meeting, shares an
invitation link; nine people join, each in their own browser, and an eleventh is told
kindly that the group is full and joins the waiting list. Members mark the themes they
would like, the convener records the theme plan, members answer the date poll and the
convener fixes the meeting; a member takes the meeting into their calendar and writes on
the board. The member's part is then repeated on a 320-px phone and with the keyboard
alone. axe-core checks every kind of page the journeys visit.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar
from playwright.sync_api import BrowserContext, Locator, Page, expect

from booster.accounts.models import User
from booster.groups.models import Group, Membership, WaitingListEntry
from booster.groups.permissions import group_access
from booster.groups.services import invite_link_create
from booster.meetings.models import DatePoll, Meeting
from booster.meetings.services import poll_create
from booster.meetings.templatetags.meetings_tags import format_when
from booster.planning.services import theme_plan_record
from booster.programme.schema import Pack
from tests.e2e.conftest import (
    PHONE,
    assert_accessible,
    assert_focus_visible,
    assert_no_horizontal_scroll,
    tab_to,
)
from tests.factories import DEFAULT_PASSWORD, GroupFactory, MembershipFactory, UserFactory

HELSINKI = ZoneInfo("Europe/Helsinki")
GROUP_NAME = "Freelancers of the North"
JOINERS = ["Bea", "Cai", "Dana", "Eero", "Fanny", "Gunnar", "Hilla", "Iiris", "Jonne"]
# The plan the convener records: opening, four optional themes, closing.
PLAN = ["Money", "Networks", "Work ability and recovery", "Professional identity"]


def _day(days_ahead: int) -> date:
    return (datetime.now(HELSINKI) + timedelta(days=days_ahead)).date()


def _when(day: date, at: time) -> str:
    """A time as the meeting pages print it (English, the viewer's zone: Helsinki)."""
    return format_when(datetime.combine(day, at, tzinfo=HELSINKI))


class Checker:
    """axe-core once per kind of page (a page seen again only shows different data);
    on a phone, no page may scroll sideways, every time."""

    def __init__(self, *, phone: bool) -> None:
        self.phone = phone
        self.seen: set[str] = set()

    def __call__(self, page: Page, kind: str) -> None:
        page.wait_for_load_state()
        if self.phone:
            assert_no_horizontal_scroll(page)
        if kind not in self.seen:
            self.seen.add(kind)
            assert_accessible(page)


def _main(page: Page) -> Locator:
    return page.get_by_role("main")


def _status(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def _log_in(page: Page, user: User, check: Checker) -> None:
    """Fill in the real log-in form (the page is already on it)."""
    expect(page).to_have_url(re.compile(r"/en/accounts/login/"))
    check(page, "log in")
    form = _main(page)
    form.get_by_label("Email").fill(user.email)
    form.get_by_label("Password").fill(DEFAULT_PASSWORD)
    form.get_by_role("button", name="Sign In").click()


def _follow_invitation(page: Page, link: str, user: User, check: Checker) -> None:
    """Someone not logged in follows the link, logs in and comes back to the join page."""
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"You are invited to join ")
    )
    check(page, "invitation, logged out")
    _main(page).get_by_role("link", name="Log in").click()
    _log_in(page, user, check)
    expect(page).to_have_url(re.compile(r"/en/groups/join/[^/]+/$"))


def _join(page: Page, name: str, check: Checker) -> None:
    """On the join page: read the principles, tick the box, choose a name, join."""
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Join "))
    expect(page.get_by_role("region", name="The safer-space principles")).to_be_visible()
    check(page, "join")
    form = _main(page)
    form.get_by_label("Your name in this group").fill(name)
    form.get_by_label(re.compile(r"I have read the safer-space principles")).check()
    form.get_by_role("button", name="Join the group").click()
    expect(page).to_have_url(re.compile(r"/en/groups/\d+/$"))
    _status(page, "Welcome to ")
    check(page, "home")


def _go_home(page: Page, group_name: str, check: Checker) -> None:
    """Every group page links back to the group's home, by its name."""
    home = re.compile(rf"^(Home of )?{re.escape(group_name)}$")
    page.get_by_role("link", name=home).first.click()
    expect(page.get_by_role("heading", level=1, name=group_name)).to_be_visible()
    check(page, "home")


def _mark_theme(page: Page, title: str, check: Checker) -> None:
    """From the group's home to the themes, and a mark on one of them."""
    _main(page).get_by_role("link", name="Themes and the plan").click()
    expect(page.get_by_role("heading", level=1, name="Themes and the plan")).to_be_visible()
    check(page, "themes")
    page.get_by_role("button", name=f"I would like {title}").click()
    _status(page, "Your mark is saved.")
    expect(page.get_by_role("button", name=f"Take away my mark from {title}")).to_be_visible()
    check(page, "themes")


def _open_poll(page: Page, check: Checker) -> None:
    """From the group's home through the meetings list to the open date poll."""
    page.get_by_role("link", name="All meetings").click()
    expect(page.get_by_role("heading", level=1, name="Meetings")).to_be_visible()
    check(page, "meetings")
    page.get_by_role("link", name="Date poll open: answer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"When shall we hold meeting \d+\?")
    )
    check(page, "poll")


def _answer_poll(page: Page, answers: dict[str, str], check: Checker) -> None:
    """``answers``: the time as printed → "Yes", "If need be" or "No"."""
    form = page.get_by_role("region", name="Your answers")
    for when, answer in answers.items():
        form.get_by_role("group", name=when).get_by_label(answer, exact=True).check()
    form.get_by_role("button", name="Save my answers").click()
    _status(page, "Your answers are saved.")
    check(page, "poll")


def _post_on_board(page: Page, text: str, check: Checker) -> None:
    page.get_by_role("link", name="Go to the board and write a post").click()
    expect(page.get_by_role("heading", level=1, name="Board")).to_be_visible()
    check(page, "board")
    _main(page).get_by_label("Message").fill(text)
    page.get_by_role("button", name="Post", exact=True).click()
    _status(page, "Your post is on the board.")
    expect(page.locator(".board-posts").get_by_text(text)).to_be_visible()
    check(page, "board")


def _expect_on_home(page: Page, group_name: str, text: str, check: Checker) -> None:
    _go_home(page, group_name, check)
    board = page.get_by_role("region", name="Board")
    expect(board.get_by_text(text)).to_be_visible()


# --- 1. The whole journey on a laptop ---------------------------------------------------


def _create_group(page: Page, slots: list[tuple[date, time]], check: Checker) -> Group:
    page.goto("/en/groups/")
    _log_in(page, User.objects.get(email="aino@example.org"), check)
    expect(page).to_have_url(re.compile(r"/en/groups/$"))
    expect(page.get_by_role("heading", level=1, name="My groups")).to_be_visible()
    check(page, "my groups")

    _main(page).get_by_role("link", name="Create a group").click()
    expect(page.get_by_role("heading", level=1, name="Create a group")).to_be_visible()
    check(page, "create")
    form = _main(page)
    form.get_by_label("Name of the group").fill(GROUP_NAME)
    form.get_by_label("A few words about the group").fill("Illustrators and translators.")
    form.get_by_label("Working language").select_option("en")
    form.get_by_role("group", name="How the group meets").get_by_label("Remote").check()
    form.get_by_label("Link to the video meeting").fill("https://meet.example.org/north")
    form.get_by_label("Country").select_option("FI")
    form.get_by_label("Time zone").select_option("Europe/Helsinki")
    form.get_by_role("group", name="The opening meeting").get_by_label(
        "Find a date that suits everyone with a poll"
    ).check()
    form.get_by_label("Your name in this group").fill("Aino")
    expect(page.get_by_role("region", name="The safer-space principles")).to_be_visible()
    form.get_by_label(re.compile(r"I have read the safer-space principles")).check()
    form.get_by_role("button", name="Create the group").click()

    # Straight on to the date poll of the opening meeting.
    _status(page, "Your group is ready. Now propose dates for the opening meeting.")
    expect(page.get_by_role("heading", level=1, name="A date poll for meeting 1")).to_be_visible()
    check(page, "new poll")
    for number, (day, at) in enumerate(slots, start=1):
        row = page.get_by_role("group", name=f"Time {number}")
        row.get_by_label("Date").fill(day.isoformat())
        row.get_by_label("Starts at").fill(at.strftime("%H:%M"))
    page.get_by_role("button", name="Open the poll").click()
    _status(page, "The date poll is open.")
    expect(
        page.get_by_role("heading", level=1, name="When shall we hold meeting 1?")
    ).to_be_visible()
    return Group.objects.get(name=GROUP_NAME)


def _share_a_link(page: Page, check: Checker) -> str:
    page.get_by_role("navigation", name="Group").get_by_role("link", name="Invitations").click()
    expect(page.get_by_role("heading", level=1, name="Invitations")).to_be_visible()
    expect(page.get_by_text("No invitation works at the moment.")).to_be_visible()
    create = page.get_by_role("button", name="Create a link")
    link_form = page.locator("form").filter(has=create)
    link_form.get_by_label("Valid for (days)").fill("7")
    expect(link_form.get_by_label("Joins as")).to_have_value("member")
    create.click()
    _status(page, "A new invitation link is ready.")
    link = page.get_by_label("Copy the link and share it")
    expect(link).to_have_value(re.compile(r"/en/groups/join/[^/]+/$"))
    check(page, "invitations")
    return link.input_value()


def test_desktop_a_group_forms_and_plans_its_opening_meeting(
    new_context: Any, programme: Pack
) -> None:
    check = Checker(phone=False)
    aino = UserFactory(email="aino@example.org", display_name="Aino Convener")
    people = [
        UserFactory(email=f"{name.lower()}@example.org", display_name=f"{name} Person")
        for name in JOINERS
    ]
    eleventh = UserFactory(email="kalle@example.org", display_name="Kalle")
    slots = [(_day(20), time(17, 0)), (_day(21), time(9, 30)), (_day(27), time(17, 0))]
    times = [_when(day, at) for day, at in slots]

    convener_context: BrowserContext = new_context()
    convener = convener_context.new_page()
    group = _create_group(convener, slots, check)
    assert group.memberships.get(user=aino).is_convener
    link = _share_a_link(convener, check)

    # Nine people, each in their own browser context, follow the link and join.
    pages: dict[str, Page] = {}
    for name, user in zip(JOINERS, people, strict=True):
        context: BrowserContext = new_context()
        page = context.new_page()
        _follow_invitation(page, link, user, check)
        _join(page, name, check)
        expect(page.get_by_role("heading", level=1, name=GROUP_NAME)).to_be_visible()
        if name in ("Bea", "Cai", "Dana"):
            pages[name] = page
        else:
            context.close()
    assert group.memberships.filter(state=Membership.State.ACTIVE, seat__isnull=False).count() == 10
    bea, cai, dana = pages["Bea"], pages["Cai"], pages["Dana"]
    bea.reload()
    members = bea.get_by_role("region", name="Members")
    for name in ["Aino", *JOINERS]:
        expect(members.get_by_text(name, exact=True)).to_be_visible()
    membership = group.memberships.get(user=people[0])
    assert membership.display_name == "Bea"
    assert membership.principles_accepted_at is not None
    assert membership.principles_version_id == group.pack_version_id

    # The eleventh is told the group is full and joins the waiting list.
    late = new_context().new_page()
    _follow_invitation(late, link, eleventh, check)
    late.get_by_label("Your name in this group").fill("Kalle")
    late.get_by_label(re.compile(r"I have read the safer-space principles")).check()
    late.get_by_role("button", name="Join the group").click()
    expect(late.get_by_role("heading", level=1, name=f"{GROUP_NAME} is full")).to_be_visible()
    expect(late.get_by_text("A group has ten members at most")).to_be_visible()
    check(late, "group full")
    late.get_by_role("button", name="Join the waiting list").click()
    _status(late, f"You are on the waiting list of {GROUP_NAME}.")
    expect(late.get_by_role("heading", level=2, name="Waiting lists")).to_be_visible()
    expect(_main(late).get_by_text("You are on the waiting list.")).to_be_visible()
    check(late, "my groups, waiting")
    entry = WaitingListEntry.objects.get(group=group, user=eleventh)
    assert entry.state == WaitingListEntry.State.WAITING
    assert not group.memberships.filter(user=eleventh).exists()
    late.goto(f"/en/groups/waiting/{entry.pk}/")
    expect(late.get_by_role("heading", level=1)).to_have_text(
        f"You are waiting for a place in {GROUP_NAME}"
    )
    check(late, "waiting list")

    # Members mark the themes they would like.
    _mark_theme(bea, "Money", check)
    _mark_theme(cai, "Money", check)
    cai.get_by_role("button", name="I would like Networks").click()
    _status(cai, "Your mark is saved.")
    expect(cai.get_by_text("Marked by 2 people: Bea, Cai")).to_be_visible()

    # The convener records the plan the group decided: six meetings.
    _go_home(convener, GROUP_NAME, check)
    _main(convener).get_by_role("link", name="Themes and the plan").click()
    expect(convener.get_by_text("Marked by 1 person: Cai")).to_be_visible()
    record = convener.get_by_role("region", name="Record the plan the group decided")
    record.get_by_label("Number of meetings").select_option("6")
    record.get_by_role("button", name="Show the meetings").click()
    expect(record.get_by_label("Meeting 5")).to_be_visible()
    check(convener, "themes, recording")
    for number, title in enumerate(PLAN, start=2):
        record.get_by_label(f"Meeting {number} ").select_option(label=title)
    record.get_by_role("button", name="Record the plan").click()
    _status(convener, "The theme plan is recorded.")
    plan = convener.get_by_role("region", name="Our plan").get_by_role("listitem")
    expect(plan).to_have_count(6)
    expect(plan.first).to_contain_text("Opening meeting")
    expect(plan.nth(1)).to_contain_text("Money")
    expect(plan.last).to_contain_text("Closing meeting")
    assert list(
        Meeting.objects.filter(group=group).order_by("number").values_list("theme_key", flat=True)
    ) == ["opening", "money", "networks", "work_ability", "professional_identity", "closing"]

    # Two members answer the date poll.
    _go_home(bea, GROUP_NAME, check)
    _open_poll(bea, check)
    _answer_poll(bea, {times[0]: "Yes", times[1]: "No", times[2]: "If need be"}, check)
    _go_home(cai, GROUP_NAME, check)
    _open_poll(cai, check)
    _answer_poll(cai, {times[0]: "If need be", times[1]: "Yes", times[2]: "Yes"}, check)
    answers = cai.get_by_role("region", name="Everyone's answers")
    expect(answers.get_by_role("columnheader", name="Bea")).to_be_visible()
    expect(answers.get_by_role("row").nth(1)).to_contain_text("Yes")

    # The convener fixes the meeting at the first time.
    _go_home(convener, GROUP_NAME, check)
    _open_poll(convener, check)
    choose = convener.get_by_role("region", name="Fix the meeting")
    choose.get_by_role(
        "radio", name=re.compile(re.escape(times[0]) + r" — yes 1, if need be 1")
    ).check()
    check(convener, "poll, choosing")
    choose.get_by_role("button", name="Fix the meeting at this time").click()
    _status(convener, "The meeting is fixed at the chosen time.")
    expect(convener.get_by_role("heading", level=1)).to_have_text("Meeting 1: Opening meeting")
    expect(convener.locator(".meeting-facts").first).to_contain_text(times[0])
    opening = Meeting.objects.get(group=group, number=1)
    assert opening.starts_at == datetime.combine(slots[0][0], slots[0][1], tzinfo=HELSINKI)
    assert DatePoll.objects.get(meeting=opening).closed_at is not None

    # A member takes the meeting into their calendar.
    _go_home(dana, GROUP_NAME, check)
    meetings = dana.get_by_role("region", name="Meetings")
    expect(meetings).to_contain_text(times[0])
    meetings.get_by_role("link", name="Meeting details and absence").click()
    expect(dana.get_by_role("heading", level=1)).to_have_text("Meeting 1: Opening meeting")
    check(dana, "meeting")
    with dana.expect_download() as download_info:
        dana.get_by_role("link", name="Add to my calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == "booster-meeting-1.ics"
    calendar = Calendar.from_ical(Path(download.path()).read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["SUMMARY"]) == f"{GROUP_NAME}: Opening meeting"
    assert str(event["UID"]) == f"{opening.uid}@booster"
    assert event.decoded("DTSTART") == opening.starts_at

    # … and writes on the board; the post shows there and on the group's home.
    _go_home(dana, GROUP_NAME, check)
    _post_on_board(dana, "See you on the first evening! I'll bring questions.", check)
    _expect_on_home(dana, GROUP_NAME, "See you on the first evening!", check)
    _go_home(bea, GROUP_NAME, check)
    expect(bea.get_by_role("region", name="Board")).to_contain_text("See you on the first evening!")
    assert check.seen >= {
        "log in",
        "my groups",
        "create",
        "new poll",
        "invitations",
        "invitation, logged out",
        "join",
        "home",
        "group full",
        "my groups, waiting",
        "waiting list",
        "themes",
        "themes, recording",
        "meetings",
        "poll",
        "poll, choosing",
        "meeting",
        "board",
    }


# --- 2 and 3. The member's part, on a phone and with the keyboard alone -----------------


def _planning_group() -> tuple[Group, str, list[str]]:
    """A group in the middle of planning: a convener and three members, a recorded theme
    plan, an open date poll for the opening meeting and a link invitation. Returns the
    group, the invitation's path and the proposed times as the pages print them."""
    group = GroupFactory(name="Night owls")
    convener = MembershipFactory(group=group, is_convener=True, user__display_name="Aino")
    for name in ("Bea", "Cai", "Dana"):
        MembershipFactory(group=group, user__display_name=name)
    access = group_access(user=convener.user, group_id=group.pk)
    theme_plan_record(
        access=access,
        theme_keys=["opening", "money", "networks", "competence", "closing"],
        base_number=0,
    )
    slots = [
        datetime.combine(_day(15), time(18, 0), tzinfo=HELSINKI),
        datetime.combine(_day(16), time(10, 0), tzinfo=HELSINKI),
    ]
    poll_create(
        access=access,
        meeting=Meeting.objects.get(group=group, number=1),
        slots=slots,
        duration_minutes=150,
    )
    invite = invite_link_create(
        actor=convener.user, group=group, days=7, role=Membership.Role.MEMBER
    )
    return group, f"/en/groups/join/{invite.token}/", [format_when(slot) for slot in slots]


def test_phone_a_member_joins_marks_a_theme_answers_and_posts(
    phone_page: Page, programme: Pack
) -> None:
    page = phone_page
    assert page.viewport_size == PHONE
    check = Checker(phone=True)
    group, link, times = _planning_group()
    newcomer = UserFactory(email="mikko@example.org", display_name="Mikko Newcomer")

    _follow_invitation(page, link, newcomer, check)
    _join(page, "Mikko", check)
    _mark_theme(page, "Self-leadership and time management", check)
    _go_home(page, group.name, check)
    _open_poll(page, check)
    _answer_poll(page, {times[0]: "Yes", times[1]: "If need be"}, check)
    _go_home(page, group.name, check)
    _post_on_board(page, "Hello from my phone!", check)
    _expect_on_home(page, group.name, "Hello from my phone!", check)

    membership = group.memberships.get(user=newcomer)
    assert membership.display_name == "Mikko"
    assert membership.theme_preferences.filter(theme_key="self_leadership").exists()
    assert membership.date_answers.count() == 2


def _press(
    page: Page, target: Locator, *, then: str | re.Pattern[str], max_steps: int = 120
) -> None:
    """Tab to a link or button, see the focus, press Enter, and wait for the next page
    (its h1) before the next key, so that no key lands on a page being replaced."""
    tab_to(page, target, max_steps=max_steps)
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(then)


def test_keyboard_alone_a_member_joins_marks_a_theme_answers_and_posts(
    page: Page, programme: Pack
) -> None:
    group, link, times = _planning_group()
    newcomer = UserFactory(email="ilona@example.org", display_name="Ilona Newcomer")
    keyboard = page.keyboard

    # Follow the invitation and log in.
    page.goto(link)
    _press(page, _main(page).get_by_role("link", name="Log in"), then="Sign In")
    expect(page).to_have_url(re.compile(r"/en/accounts/login/"))
    tab_to(page, _main(page).get_by_label("Email"))
    assert_focus_visible(page)
    keyboard.type(newcomer.email)
    tab_to(page, _main(page).get_by_label("Password"))
    keyboard.type(DEFAULT_PASSWORD)
    keyboard.press("Enter")

    # Join: a name, the principles ticked with Space, the button pressed with Enter.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Join {group.name}")
    name = _main(page).get_by_label("Your name in this group")
    tab_to(page, name)
    assert_focus_visible(page)
    keyboard.press("ControlOrMeta+a")
    keyboard.type("Ilona")
    principles = _main(page).get_by_label(re.compile(r"I have read the safer-space principles"))
    tab_to(page, principles)
    assert_focus_visible(page)
    keyboard.press("Space")
    expect(principles).to_be_checked()
    _press(page, page.get_by_role("button", name="Join the group"), then=group.name)
    _status(page, f"Welcome to {group.name}!")

    # Mark a theme.
    _press(
        page,
        _main(page).get_by_role("link", name="Themes and the plan"),
        then="Themes and the plan",
    )
    _press(
        page,
        page.get_by_role("button", name="I would like Collaboration"),
        then="Themes and the plan",
    )
    _status(page, "Your mark is saved.")
    expect(page.get_by_text("Marked by 1 person: Ilona")).to_be_visible()

    # Answer the date poll: radio buttons with the arrow keys and Space.
    _press(page, page.get_by_role("link", name=f"Home of {group.name}"), then=group.name)
    _press(page, _main(page).get_by_role("link", name="All meetings"), then="Meetings")
    _press(
        page,
        page.get_by_role("link", name="Date poll open: answer"),
        then="When shall we hold meeting 1?",
    )
    answers = page.get_by_role("region", name="Your answers")
    first = answers.get_by_role("group", name=times[0])
    second = answers.get_by_role("group", name=times[1])
    tab_to(page, first.get_by_label("Yes", exact=True))
    assert_focus_visible(page)
    keyboard.press("Space")
    expect(first.get_by_label("Yes", exact=True)).to_be_checked()
    tab_to(page, second.get_by_role("radio"))
    keyboard.press("Space")
    keyboard.press("ArrowDown")
    expect(second.get_by_label("If need be", exact=True)).to_be_checked()
    expect(second.get_by_label("If need be", exact=True)).to_be_focused()
    assert_focus_visible(page)
    _press(
        page,
        answers.get_by_role("button", name="Save my answers"),
        then="When shall we hold meeting 1?",
    )
    _status(page, "Your answers are saved.")

    # Post on the board.
    _press(
        page,
        page.get_by_role("navigation", name="Group").get_by_role("link", name=group.name),
        then=group.name,
    )
    _press(page, page.get_by_role("link", name="Go to the board and write a post"), then="Board")
    tab_to(page, _main(page).get_by_label("Message"))
    assert_focus_visible(page)
    keyboard.type("Typed without a mouse.")
    _press(page, page.get_by_role("button", name="Post", exact=True), then="Board")
    _status(page, "Your post is on the board.")
    expect(page.locator(".board-posts").get_by_text("Typed without a mouse.")).to_be_visible()

    membership = group.memberships.get(user=newcomer)
    assert membership.display_name == "Ilona"
    assert membership.principles_accepted_at is not None
    assert membership.theme_preferences.filter(theme_key="collaboration").exists()
    answers_saved = dict(membership.date_answers.values_list("slot__starts_at", "answer"))
    assert sorted(answers_saved.values()) == ["maybe", "yes"]
