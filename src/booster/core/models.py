"""Shared models: the audit log of who did what (metadata only, never content)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One thing a person did to a group or an organisation.

    ``data`` holds identifiers, counts and choices only: never text that a member wrote.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    group_id = models.PositiveBigIntegerField(_("group"), null=True, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=64)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


def audit_log(*, actor: Any, action: str, group_id: int | None = None, **data: Any) -> AuditEntry:
    """Record an action. Pass identifiers and choices in ``data``, never member-written text."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        group_id=group_id,
        action=action,
        data=data,
    )
