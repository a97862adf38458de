"""Fixtures for the notebook tests: the member (Mika) has agreed to keep a notebook."""

from __future__ import annotations

import pytest

from booster.groups.permissions import GroupAccess
from tests.notebook.helpers import consent
from tests.personas import World


@pytest.fixture
def mika(world: World) -> GroupAccess:
    """The member, with consent given."""
    return consent(world.member)
