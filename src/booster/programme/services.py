"""Writes of stored packs: importing a pack folder as a new version when its content changed."""

from __future__ import annotations

from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Max

from booster.programme.loader import load_pack
from booster.programme.models import PackVersion, pack_cache_put, pack_digest
from booster.programme.schema import Pack


def pack_import(*, path: str | Path) -> tuple[PackVersion, bool]:
    """Validate and store the pack in ``path``; return its version and whether it is new.

    Content equal to a stored version returns that version. Raises
    :class:`~booster.programme.loader.PackError` (storing nothing) for an invalid pack.
    """
    return pack_store(pack=load_pack(path))


def pack_store(*, pack: Pack) -> tuple[PackVersion, bool]:
    """Store an already validated pack; content equal to a stored version returns that."""
    data = pack.to_data()
    digest = pack_digest(data)
    pack_cache_put(digest=digest, pack=pack)
    try:
        with transaction.atomic():
            existing = PackVersion.objects.filter(pack_id=pack.id, digest=digest).first()
            if existing is not None:
                return existing, False
            versions = PackVersion.objects.filter(pack_id=pack.id)
            highest = versions.aggregate(highest=Max("number"))["highest"] or 0
            version = PackVersion.objects.create(
                pack_id=pack.id,
                number=highest + 1,
                label=pack.version,
                digest=digest,
                data=data,
            )
    except IntegrityError:
        # Another process imported at the same moment; if it was this content, use it.
        existing = PackVersion.objects.filter(pack_id=pack.id, digest=digest).first()
        if existing is None:
            raise
        return existing, False
    return version, True
