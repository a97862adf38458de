"""Organisations that support many groups, and their coordinators.

A coordinator sees metadata (groups, their state, meetings planned and held, counts) and
feedback aggregated over at least five people. Never a word written inside a group.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_RETENTION_DAYS = 90


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    retention_days = models.PositiveSmallIntegerField(
        _("days a closed group's content is kept"),
        default=DEFAULT_RETENTION_DAYS,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
        help_text=_(
            "After a group closes, its content and notebooks are deleted this many days later."
        ),
    )
    crisis_contacts = models.TextField(
        _("crisis contacts"),
        blank=True,
        max_length=2000,
        help_text=_("One contact a line, shown on the support card of this organisation's groups."),
    )
    controller_name = models.CharField(_("data controller"), max_length=200, blank=True)
    controller_address = models.TextField(
        _("controller's postal address"), max_length=500, blank=True
    )
    controller_email = models.EmailField(_("controller's e-mail for data questions"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name


class Coordinator(models.Model):
    """A person who coordinates an organisation's groups (metadata and aggregates only)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="coordinators"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinator_roles"
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("coordinator")
        verbose_name_plural = _("coordinators")
        constraints = (
            models.UniqueConstraint(
                fields=("organisation", "user"), name="organisations_coordinator_once"
            ),
        )

    def __str__(self) -> str:
        return f"coordinator {self.pk}"


def new_invite_token() -> str:
    return secrets.token_urlsafe(24)


class CoordinatorInvite(models.Model):
    """An e-mailed invitation to coordinate an organisation: works once, for 14 days, for
    the account with the address it was sent to."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="coordinator_invites"
    )
    email = models.EmailField(_("e-mail"))
    token = models.CharField(max_length=64, unique=True, default=new_invite_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("works until"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("stopped"), null=True, blank=True)

    class Meta:
        verbose_name = _("coordinator invitation")
        verbose_name_plural = _("coordinator invitations")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"coordinator invitation {self.pk}"

    def problem(self, *, now: datetime | None = None) -> str | None:
        """Why the invitation cannot be used: "revoked", "used", "expired", or None."""
        if self.revoked_at is not None:
            return "revoked"
        if self.accepted_at is not None:
            return "used"
        if self.expires_at <= (now or timezone.now()):
            return "expired"
        return None
