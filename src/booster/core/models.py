"""Shared models: the audit log of who did what (metadata only, never content), and the
e-mails waiting to be sent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booster.core.crypto import EncryptedTextField


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
    organisation_id = models.PositiveBigIntegerField(
        _("organisation"), null=True, blank=True, db_index=True
    )
    action = models.CharField(_("action"), max_length=64)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


def audit_log(
    *,
    actor: Any,
    action: str,
    group_id: int | None = None,
    organisation_id: int | None = None,
    **data: Any,
) -> AuditEntry:
    """Record an action. Pass identifiers and choices in ``data``, never member-written text."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        group_id=group_id,
        organisation_id=organisation_id,
        action=action,
        data=data,
    )


class OutgoingEmail(models.Model):
    """A rendered e-mail between the moment it is decided and the moment it is sent.

    E-mails can quote what members wrote (a board digest, for example), so the text is
    encrypted here and the task queue only ever holds this row's id. The row is deleted as
    soon as the message has gone. While the mail server refuses, the row stays and counts
    the attempts; after the last one it stays, marked failed, until an operator retries.
    """

    to = EncryptedTextField(_("recipient"))
    subject = EncryptedTextField(_("subject"))
    body = EncryptedTextField(_("text"))
    html = EncryptedTextField(_("HTML"), blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # The kind of error and the server's reply code only: a reply's text can quote the
    # recipient's address.
    last_error = models.CharField(_("last error"), max_length=100, blank=True, default="")
    failed_at = models.DateTimeField(_("given up"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self) -> str:
        return f"e-mail #{self.pk}"
