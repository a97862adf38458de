"""Reads of stored packs: the current version of a pack and its parsed content."""

from __future__ import annotations

from booster.programme.models import PackVersion
from booster.programme.schema import Pack

DEFAULT_PACK_ID = "booster"


def pack_version_current(*, pack_id: str = DEFAULT_PACK_ID) -> PackVersion | None:
    """The highest-numbered stored version of the pack, None when it was never imported."""
    return PackVersion.objects.filter(pack_id=pack_id).order_by("-number").first()


def pack_current(*, pack_id: str = DEFAULT_PACK_ID) -> Pack | None:
    """The content of the current version of the pack, None when it was never imported."""
    version = pack_version_current(pack_id=pack_id)
    return version.pack if version is not None else None
