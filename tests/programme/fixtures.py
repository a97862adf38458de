"""Pytest fixtures for the programme: the real BOOSTER pack, imported into the test database."""

from __future__ import annotations

from functools import cache

import pytest

from booster.programme.loader import BOOSTER_PACK_PATH, load_pack
from booster.programme.models import PackVersion
from booster.programme.schema import Pack
from booster.programme.services import pack_store


@cache
def booster_pack_parsed() -> Pack:
    """The BOOSTER pack read and validated once per test process (it never changes)."""
    return load_pack(BOOSTER_PACK_PATH)


def booster_pack_stored() -> PackVersion:
    version, _created = pack_store(pack=booster_pack_parsed())
    return version


@pytest.fixture
def booster_pack(db: None) -> PackVersion:
    """The BOOSTER pack as stored version 1."""
    return booster_pack_stored()
