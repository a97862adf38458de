"""Reads of stored packs: the current version of a pack and its parsed content."""

from __future__ import annotations

from booster.programme.models import PackVersion
from booster.programme.schema import Pack

DEFAULT_PACK_ID = "booster"


def pack_version_current(*, pack_id: str = DEFAULT_PACK_ID) -> PackVersion | None:
    """The highest-numbered stored version of the pack, None when it was never imported."""
    # The content is loaded only when this process has not parsed that digest yet.
    return PackVersion.objects.filter(pack_id=pack_id).defer("data").order_by("-number").first()


def pack_current(*, pack_id: str = DEFAULT_PACK_ID) -> Pack | None:
    """The content of the current version of the pack, None when it was never imported."""
    version = pack_version_current(pack_id=pack_id)
    return version.pack if version is not None else None


# Stored versions never change, so a version's parsed pack can be kept for the process.
_PACKS_BY_VERSION_ID: dict[int, Pack] = {}


def pack_for_version(*, version_id: int) -> Pack:
    """The content of one stored version (a group's pinned programme)."""
    pack = _PACKS_BY_VERSION_ID.get(version_id)
    if pack is None:
        pack = PackVersion.objects.get(pk=version_id).pack
        _PACKS_BY_VERSION_ID[version_id] = pack
    return pack
