"""Stored content packs: each import of changed content becomes a new, immutable version."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booster.programme.schema import Pack

# Parsed packs by digest: a version's content never changes, so neither does its parse.
_PACKS: dict[str, Pack] = {}


def pack_cache_put(*, digest: str, pack: Pack) -> None:
    """Remember an already parsed pack, so that its stored version is not parsed again."""
    _PACKS.setdefault(digest, pack)


class PackVersionImmutableError(Exception):
    """A stored pack version was about to be changed."""


def pack_digest(data: Any) -> str:
    """sha256 of the canonical JSON of a pack's data (sorted keys, no spaces)."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class PackVersionQuerySet(models.QuerySet["PackVersion"]):
    def update(self, **kwargs: Any) -> int:
        raise PackVersionImmutableError("pack versions are never changed")


class PackVersion(models.Model):
    """One imported content of one pack; numbered 1, 2, … per pack_id."""

    pack_id = models.SlugField(_("pack"), max_length=64)
    number = models.PositiveIntegerField(_("version number"))
    label = models.CharField(_("author's version"), max_length=64)
    digest = models.CharField(_("digest"), max_length=64)
    data = models.JSONField(_("validated content"))
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    objects = PackVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("pack version")
        verbose_name_plural = _("pack versions")
        ordering = ("pack_id", "-number")
        constraints = (
            models.UniqueConstraint(
                fields=("pack_id", "number"), name="programme_packversion_unique_number"
            ),
            models.UniqueConstraint(
                fields=("pack_id", "digest"), name="programme_packversion_unique_digest"
            ),
        )

    def __str__(self) -> str:
        return f"{self.pack_id} {self.label} (version {self.number})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PackVersionImmutableError("pack versions are never changed")
        super().save(*args, **kwargs)

    @property
    def pack(self) -> Pack:
        """The parsed pack (parsed once per process for each content)."""
        pack = _PACKS.get(self.digest)
        if pack is None:
            pack = _PACKS[self.digest] = Pack.from_data(self.data)
        return pack
