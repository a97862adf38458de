"""People around two organisations: A (the coordinator's, with the world's group) and B."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from booster.accounts.models import User
from booster.organisations.models import Coordinator, Organisation
from tests.factories import CoordinatorFactory, UserFactory
from tests.personas import World


@dataclass
class Orgs:
    world: World
    organisation: Organisation
    coordinator: Coordinator
    other: Coordinator  # of organisation B
    operator: User


@pytest.fixture
def orgs(world: World) -> Orgs:
    coordinator = CoordinatorFactory(
        organisation__name="Lantern Arts", organisation__slug="lantern", user__display_name="Cora"
    )
    world.group.organisation = coordinator.organisation
    world.group.save(update_fields=["organisation"])
    return Orgs(
        world=world,
        organisation=coordinator.organisation,
        coordinator=coordinator,
        other=CoordinatorFactory(user__display_name="Bodil"),
        operator=UserFactory(is_staff=True, is_superuser=True, display_name="Operator"),
    )
