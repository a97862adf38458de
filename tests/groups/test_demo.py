"""The demo group on its own: it imports the programme when the database has none."""

from __future__ import annotations

import pytest

from booster.groups.demo import DEMO_CONVENER, DEMO_MEMBERS, demo_group_create
from booster.programme.models import PackVersion
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_group_works_on_an_empty_programme() -> None:
    assert not PackVersion.objects.exists()
    people = [UserFactory(display_name=name) for name in (DEMO_CONVENER, *DEMO_MEMBERS)]
    group = demo_group_create(people=people)
    assert group.pack_version == PackVersion.objects.get()
    assert group.memberships.members().count() == 5
    assert group.invites.count() == 1
