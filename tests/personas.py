"""The people every authorisation test speaks of, around one group.

anonymous · outsider (an account, no group) · other_member (a member of another group) ·
member · convener · guide · (the meeting facilitator is set by the meetings tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from booster.accounts.models import User
from booster.groups.models import Group, Membership
from tests.factories import GroupFactory, MembershipFactory, UserFactory


@dataclass
class World:
    group: Group
    other_group: Group
    convener: Membership
    member: Membership
    second_member: Membership
    guide: Membership
    other_member: Membership
    outsider: User

    def user(self, persona: str) -> User | None:
        """The account for a persona name; None for "anonymous"."""
        if persona == "anonymous":
            return None
        if persona == "outsider":
            return self.outsider
        membership: Membership = getattr(self, persona)
        return membership.user


PERSONAS = ("anonymous", "outsider", "other_member", "member", "convener", "guide")


@pytest.fixture
def world(db: None) -> World:
    group = GroupFactory(name="Lantern group")
    other_group = GroupFactory(name="Other group", pack_version=group.pack_version)
    return World(
        group=group,
        other_group=other_group,
        convener=MembershipFactory(group=group, is_convener=True, user__display_name="Cleo"),
        member=MembershipFactory(group=group, user__display_name="Mika"),
        second_member=MembershipFactory(group=group, user__display_name="Sanna"),
        guide=MembershipFactory(group=group, role="guide", user__display_name="Gunilla"),
        other_member=MembershipFactory(group=other_group, user__display_name="Otto"),
        outsider=UserFactory(display_name="Olle"),
    )
