"""The planning pages and the home section run a fixed number of queries, however many
members, wishes, proposals, marks or versions a group has."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from booster.groups.permissions import group_access
from booster.planning import selectors
from booster.planning.models import (
    AgreementsVersion,
    GoalsRecord,
    GroundRulesVersion,
    RulesAcknowledgement,
    ThemePlanVersion,
    ThemePreference,
)
from tests.factories import GoalProposalFactory, MembershipFactory, RuleWishFactory
from tests.personas import World

PLAN = ["opening", "money", "networks", "competence", "closing"]
OPTIONAL = ["work_ability", "money", "networks", "competence", "collaboration"]

# The most a page may take: session, user, access, the pinned pack (cached), the page's
# own reads, and the facilitator check for a member who is not a convener or guide.
PAGE_LIMITS = {
    "goals": 6,
    "rules": 8,
    "agreements": 5,
    "agreements_edit": 5,
    "agreements_history": 5,
    "agreements_version": 5,
    "themes": 7,
}


def grow(world: World, members: int) -> None:
    """Bring the group up to ``members`` members (plus the guide), each with a wish, a
    proposal, marks and an acknowledgement, and as many versions of every record."""
    group = world.group
    while group.memberships.members().count() < members:
        MembershipFactory(group=group)
    memberships = list(group.memberships.active())
    for membership in memberships:
        RuleWishFactory(author=membership)
        GoalProposalFactory(author=membership)
        for key in OPTIONAL[: len(memberships) % 5 + 1]:
            ThemePreference.objects.get_or_create(group=group, membership=membership, theme_key=key)
    start = GroundRulesVersion.objects.filter(group=group).count()
    for number in range(start + 1, start + len(memberships) + 1):
        GoalsRecord.objects.create(group=group, number=number, goals=["A", "B"])
        rules = GroundRulesVersion.objects.create(
            group=group, number=number, rules="R", conflict_procedure="C"
        )
        AgreementsVersion.objects.create(
            group=group,
            number=number,
            changed_fields=["time_of_day", "frequency"],
            time_of_day=f"Evening {number}",
            frequency="weekly",
            changed_by=memberships[0],
        )
        ThemePlanVersion.objects.create(
            group=group, number=number, theme_keys=PLAN, recorded_by=memberships[0]
        )
    for membership in memberships:
        RulesAcknowledgement.objects.create(version=rules, membership=membership)


def count(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


@pytest.mark.parametrize("persona", ["member", "convener"])
@pytest.mark.parametrize("page", list(PAGE_LIMITS))
def test_pages_do_not_grow(
    client: Client,
    world: World,
    page: str,
    persona: str,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client.force_login(world.user(persona))
    args = [world.group.pk, 2] if page == "agreements_version" else [world.group.pk]
    url = reverse(f"planning:{page}", args=args)

    def get() -> None:
        assert client.get(url).status_code == 200

    grow(world, 3)
    get()  # the pinned pack is parsed and kept after the first read
    small = count(get)
    grow(world, 9)
    with django_assert_max_num_queries(PAGE_LIMITS[page]):
        get()
    assert count(get) == small


def test_home_section_does_not_grow(world: World) -> None:
    access = group_access(user=world.member.user, group_id=world.group.pk)
    grow(world, 3)
    selectors.home_section(access=access)
    small = count(lambda: selectors.home_section(access=access))
    grow(world, 9)
    assert count(lambda: selectors.home_section(access=access)) == small <= 3
