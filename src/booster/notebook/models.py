"""A member's private notebook in a group: consent, entries and worksheets, shared snapshots.

Everything a member writes is stored encrypted (``booster.core.crypto``) and read only by
its owner; what the group sees is a frozen snapshot the member chose to share.
None of these models is registered in the admin site.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booster.core.crypto import EncryptedJSONField, EncryptedTextField
from booster.groups.models import Membership

# Raise when the consent page says something new: everyone is asked to agree again.
CONSENT_TEXT_VERSION = 1


class NotebookConsent(models.Model):
    """A member's explicit agreement to keep a private notebook in one group."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="notebook_consent"
    )
    given_at = models.DateTimeField(_("agreed"), default=timezone.now)
    text_version = models.PositiveSmallIntegerField(_("version of the explanation"))

    class Meta:
        verbose_name = _("notebook consent")
        verbose_name_plural = _("notebook consents")

    def __str__(self) -> str:
        return f"consent of membership {self.membership_id}"

    @property
    def is_current(self) -> bool:
        return self.text_version >= CONSENT_TEXT_VERSION


class EntryKind(models.TextChoices):
    TASK = "task", _("Task")
    FREE = "free", _("Free note")
    TAKEAWAY = "takeaway", _("What I take with me")


class NotebookEntry(models.Model):
    """One page of the notebook: a task's worksheet, a free note, or a meeting's takeaway.

    ``version`` rises with every save; a save that names an older version is refused, so
    two devices never silently overwrite each other.
    """

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="notebook_entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    theme_key = models.CharField(_("theme"), max_length=64, blank=True)
    task_key = models.CharField(_("task"), max_length=64, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    worksheet_kind = models.CharField(_("worksheet"), max_length=32, blank=True)
    content = EncryptedJSONField(_("content"))
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notebook entry")
        verbose_name_plural = _("notebook entries")
        ordering = ("created_at", "id")
        constraints = (
            models.UniqueConstraint(
                fields=("membership", "theme_key", "task_key"),
                condition=Q(kind="task"),
                name="notebook_entry_one_per_task",
            ),
            models.UniqueConstraint(
                fields=("membership", "meeting"),
                condition=Q(kind="takeaway"),
                name="notebook_entry_one_takeaway_per_meeting",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="task", meeting__isnull=True) & ~Q(task_key="")
                    | Q(kind="takeaway", meeting__isnull=False, task_key="")
                    | Q(kind="free", meeting__isnull=True, task_key="")
                ),
                name="notebook_entry_kind_matches_slot",
            ),
        )

    def __str__(self) -> str:
        return f"{self.kind} entry {self.pk}"


class SharedSnapshot(models.Model):
    """A frozen copy of an entry that its owner shared with the group, until withdrawn."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="shared_snapshots"
    )
    entry = models.ForeignKey(
        NotebookEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="snapshots"
    )
    entry_kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    theme_key = models.CharField(_("theme"), max_length=64, blank=True)
    task_key = models.CharField(_("task"), max_length=64, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    worksheet_kind = models.CharField(_("worksheet"), max_length=32, blank=True)
    content = EncryptedJSONField(_("content"))
    shared_at = models.DateTimeField(_("shared"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # Unsigned: the group sees the words without the name (the owner can still withdraw).
    signed = models.BooleanField(_("shared with my name"), default=True)

    class Meta:
        verbose_name = _("shared snapshot")
        verbose_name_plural = _("shared snapshots")
        ordering = ("shared_at", "id")
        indexes = (models.Index(fields=("membership", "withdrawn_at")),)

    def __str__(self) -> str:
        return f"snapshot {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


IDEA_MAX_LENGTH = 140


class MapIdea(models.Model):
    """An idea, a symbol or an emoji that someone leaves the presenter of a network map."""

    snapshot = models.ForeignKey(SharedSnapshot, on_delete=models.CASCADE, related_name="ideas")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="map_ideas")
    text = EncryptedTextField(_("idea"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("idea on a network map")
        verbose_name_plural = _("ideas on network maps")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"idea {self.pk}"
