"""The persona world itself: seats, roles and the access helper."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404

from booster.groups.models import Membership
from booster.groups.permissions import group_access
from tests.factories import MembershipFactory
from tests.personas import World


def test_roles_and_access(world: World) -> None:
    assert group_access(user=world.member.user, group_id=world.group.pk).is_member
    assert group_access(user=world.convener.user, group_id=world.group.pk).is_steward
    assert group_access(user=world.guide.user, group_id=world.group.pk).is_steward
    assert not group_access(user=world.member.user, group_id=world.group.pk).is_steward
    for persona in ("outsider", "other_member"):
        with pytest.raises(Http404):
            group_access(user=world.user(persona), group_id=world.group.pk)


def test_the_database_holds_at_most_ten_member_seats(world: World) -> None:
    while world.group.memberships.members().count() < 10:
        MembershipFactory(group=world.group)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            group=world.group, user=world.outsider, display_name="Eleventh", seat=11
        )


def test_a_guide_does_not_take_a_member_seat(world: World) -> None:
    assert world.guide.seat is None
    assert world.guide.guide_seat == 1
