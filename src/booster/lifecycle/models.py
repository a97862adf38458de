"""What the data lifecycle must remember: which retention e-mails a group's members got.

A notice row is written in the same transaction as the e-mails it stands for, so a sweep
that runs twice (or a worker killed and restarted) never sends the same notice again.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RetentionNotice(models.Model):
    """That a closed group's members were told about the deletion of its content."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("Closing notice")
        REMINDER = "reminder", _("Reminder a week before deletion")

    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, related_name="retention_notices"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The deletion date the notice announced (a changed retention period is told again).
    deletion_on = models.DateTimeField(_("deletion announced for"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("retention notice")
        verbose_name_plural = _("retention notices")
        ordering = ("sent_at", "id")
        constraints = (
            models.UniqueConstraint(
                fields=("group", "kind", "deletion_on"), name="lifecycle_notice_once"
            ),
        )

    def __str__(self) -> str:
        return f"{self.kind} notice for group {self.group_id}"
