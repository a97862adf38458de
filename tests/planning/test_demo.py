"""The demo group's planning, half-way through."""

from __future__ import annotations

from booster.planning.demo import demo_planning_create
from booster.planning.models import AgreementsVersion, GoalProposal, RuleWish, ThemePreference
from tests.factories import MembershipFactory, UserFactory
from tests.personas import World


def test_demo_planning(world: World) -> None:
    group = world.group
    for name in ("Sara", "Aino", "Maya", "Johan", "Leena"):
        MembershipFactory(group=group, user=UserFactory(display_name=name), display_name=name)

    demo_planning_create(group=group)

    assert GoalProposal.objects.filter(group=group).count() == 3
    assert RuleWish.objects.filter(group=group).count() == 5
    assert RuleWish.objects.filter(group=group, withdrawn_at__isnull=False).count() == 1
    assert ThemePreference.objects.filter(group=group, theme_key="money").count() == 3
    latest = AgreementsVersion.objects.filter(group=group).order_by("-number").first()
    assert latest is not None
    assert latest.number == 2
    assert latest.changed_fields == ["absence_reporting", "channel"]
    assert latest.meeting_count == 6
