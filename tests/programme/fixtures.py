"""Pytest fixtures for the programme: the real BOOSTER pack, imported into the test database."""

from __future__ import annotations

import pytest

from booster.programme.loader import BOOSTER_PACK_PATH
from booster.programme.models import PackVersion
from booster.programme.services import pack_import


@pytest.fixture
def booster_pack(db: None) -> PackVersion:
    """The BOOSTER pack as stored version 1."""
    version, _created = pack_import(path=BOOSTER_PACK_PATH)
    return version
