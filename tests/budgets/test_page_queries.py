"""Query budgets: every page that shows a group's data runs a fixed number of queries,
however many groups, members, meetings, posts, notebook pages or planning records there are.

Each page is loaded once with a small world and once after everything has grown (more
members in the group, more meetings, posts, notebook pages and planning versions, and many
other groups with their own content); the count must be the same, and at most the page's
budget. A page that starts to grow (an N+1 query) fails here before it is slow.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booster.groups.models import Group, Membership
from booster.meetings.models import Meeting
from booster.notebook.models import CONSENT_TEXT_VERSION, NotebookConsent
from booster.organisations.models import Coordinator, Organisation
from booster.organisations.reports import group_totals_forget
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    PostFactory,
    UserFactory,
)
from tests.notebook.helpers import write
from tests.personas import World
from tests.planning.test_queries import grow as grow_planning

THEMES = ("opening", "work_ability", "competence", "networks", "collaboration", "closing")

# The most each page may take (session, user, access, the page's own reads). Counted on
# SQLite and PostgreSQL alike; the pack is parsed once and cached, so it is not counted.
BUDGETS = {
    "groups:home": 15,
    "groups:members": 7,
    "meetings:list": 7,
    "meetings:detail": 11,
    "room:room": 18,
    "notebook:index": 10,
    "notebook:task": 8,
    "notebook:shared": 7,
    "planning:goals": 6,
    "planning:rules": 8,
    "planning:agreements": 5,
    "planning:themes": 7,
    "board:index": 6,
    "groups:my_settings": 3,
    "groups:concerns": 4,
    "meetings:rota": 6,
    "meetings:calendar_settings": 4,
    "planning:agreements_history": 5,
    "notebook:print": 10,
    "lifecycle:records": 9,
    "closing:look_back": 5,
}
# Pages only a convener opens.
CONVENER_BUDGETS = {
    "groups:invites": 4,
    "groups:settings": 3,
}
DASHBOARD_BUDGET = 8
MY_GROUPS_BUDGET = 4


def _meeting(group: Group, number: int) -> Meeting:
    meeting, _created = Meeting.objects.get_or_create(
        group=group,
        number=number,
        defaults={
            "theme_key": THEMES[(number - 1) % len(THEMES)],
            "form": group.form,
            "video_link": group.video_link,
            "starts_at": timezone.now() + timedelta(days=14 * (number - 2)),
            "state": Meeting.State.HELD if number < 2 else Meeting.State.PLANNED,
        },
    )
    return meeting


def grow(world: World, size: int) -> None:
    """``size`` 1 is the small world, 3 the large one: members, meetings, posts, notebook
    pages, planning versions, other groups with content, all scale with it."""
    group = world.group
    grow_planning(world, 3 * size)  # members (up to 9), wishes, proposals, versions
    members = list(group.memberships.active())
    for number in range(1, 2 * size + 1):
        _meeting(group, number)
    for membership in members:
        NotebookConsent.objects.get_or_create(
            membership=membership, defaults={"text_version": CONSENT_TEXT_VERSION}
        )
        for _ in range(size):
            PostFactory(author=membership)
    for kind in ("expectations", "resources_demands", "recovery_day", "competence")[: 2 * size - 1]:
        for membership in members:
            write(membership, kind, {"answers": ["An answer of some length."] * 3, "notes": "n"})
    # Other groups of the same organisation, each with a member, a meeting and a post.
    organisation = group.organisation
    for _ in range(4 * size):
        other = GroupFactory(pack_version=group.pack_version, organisation=organisation)
        membership = MembershipFactory(group=other)
        _meeting(other, 1)
        PostFactory(author=membership)


@pytest.fixture
def budget_world(world: World) -> World:
    organisation = Organisation.objects.create(name="Budget programme", slug="budget")
    Group.objects.filter(pk__in=[world.group.pk, world.other_group.pk]).update(
        organisation=organisation
    )
    world.group.refresh_from_db()
    return world


def count(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def _url(name: str, world: World, member: Membership) -> str:
    group_id = world.group.pk
    if name == "meetings:detail":
        return reverse(
            name, kwargs={"group_id": group_id, "meeting_id": _meeting(world.group, 1).pk}
        )
    if name == "room:room":
        return reverse(
            name, kwargs={"group_id": group_id, "meeting_id": _meeting(world.group, 2).pk}
        )
    if name == "notebook:task":
        return reverse(
            name, kwargs={"group_id": group_id, "theme_key": "opening", "task_key": "shared_goals"}
        )
    return reverse(name, kwargs={"group_id": group_id})


@pytest.mark.parametrize(
    ("page", "persona"),
    [(page, persona) for page in BUDGETS for persona in ("member", "convener")]
    + [(page, "convener") for page in CONVENER_BUDGETS],
)
def test_group_pages_do_not_grow(budget_world: World, page: str, persona: str) -> None:
    world = budget_world
    member: Membership = getattr(world, persona)
    client = Client()
    client.force_login(member.user)
    grow(world, 1)
    url = _url(page, world, member)

    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, (page, response.status_code)

    get()  # the pinned pack is parsed and kept after the first read; runs are created
    small = count(get)
    grow(world, 3)
    large = count(get)
    assert large == small, f"{page}: {small} queries with a small world, {large} with a large one"
    budget = BUDGETS.get(page) or CONVENER_BUDGETS[page]
    assert large <= budget, f"{page}: {large} queries, budget {budget}"


def test_my_groups_costs_the_same_with_one_group_or_five(budget_world: World) -> None:
    world = budget_world
    person = world.member.user
    client = Client()
    client.force_login(person)
    url = reverse("groups:mine")

    def get() -> None:
        assert client.get(url).status_code == 200

    get()
    one = count(get)
    names = []
    for index in range(4):
        other = GroupFactory(pack_version=world.group.pack_version, name=f"Mine {index}")
        MembershipFactory(group=other, user=person)
        _meeting(other, 1)
        names.append(other.name)
    grow(world, 3)
    five = count(get)
    html = client.get(url).content.decode()
    assert all(name in html for name in [*names, world.group.name])
    assert five == one, f"my groups: {one} queries with one group, {five} with five"
    assert five <= MY_GROUPS_BUDGET, f"my groups: {five} queries, budget {MY_GROUPS_BUDGET}"


def test_the_organisation_dashboard_does_not_grow(budget_world: World) -> None:
    world = budget_world
    url = reverse("dashboard:index", kwargs={"slug": "budget"})
    coordinator = UserFactory()
    Coordinator.objects.create(organisation=world.group.organisation, user=coordinator)
    client = Client()
    client.force_login(coordinator)

    def get() -> None:
        # The organisation's totals counted afresh, not from the minute's cache.
        group_totals_forget(organisation_id=world.group.organisation_id)
        assert client.get(url).status_code == 200

    grow(world, 1)
    get()
    small = count(get)
    grow(world, 3)
    large = count(get)
    assert large == small, f"dashboard: {small} queries in a small world, {large} in a large one"
    assert large <= DASHBOARD_BUDGET
