"""Anonymous programme feedback, given at the closing meeting.

Storage keeps answers apart from people: a ``FeedbackResponse`` has no link to a user or a
membership, a random key (rows carry no order that could be matched with receipts) and a
day, never a time. A ``FeedbackReceipt`` says only that a person of a group has answered, so
nobody answers twice; it carries no date and no link to the answer.

Coordinators see answers aggregated over at least five respondents and only once released:
a ``FeedbackRelease`` takes in the organisation's unreleased answers when there are at least
five of them, so no two reports differ by fewer than five people.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from booster.core.crypto import EncryptedTextField

# Fewer people than this are never shown, compared or released.
MIN_RESPONDENTS = 5


class Agreement(models.IntegerChoices):
    STRONGLY_DISAGREE = 1, _("Strongly disagree")
    DISAGREE = 2, _("Disagree")
    NEUTRAL = 3, _("Neither agree nor disagree")
    AGREE = 4, _("Agree")
    STRONGLY_AGREE = 5, _("Strongly agree")


class Recommend(models.TextChoices):
    YES = "yes", pgettext_lazy("recommend", "Yes")
    MAYBE = "maybe", pgettext_lazy("recommend", "Maybe")
    NO = "no", pgettext_lazy("recommend", "No")


# The statements, in the order the form asks them: what peer support gives.
STATEMENTS: tuple[tuple[str, object], ...] = (
    ("information", _("I got information and tips.")),
    ("hope", _("I got hope, relief from worry or ways to cope.")),
    ("growth", _("I grew as a person or a professional.")),
    ("not_alone", _("I noticed I am not alone.")),
    ("safe", _("The group felt safe to speak in.")),
)


class FeedbackRelease(models.Model):
    """A batch of at least five answers made visible to an organisation at once."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback_releases",
    )
    released_at = models.DateTimeField(_("released"), default=timezone.now)
    respondents = models.PositiveIntegerField(_("respondents"))

    class Meta:
        verbose_name = _("feedback release")
        verbose_name_plural = _("feedback releases")
        ordering = ("released_at", "id")

    def __str__(self) -> str:
        return f"release {self.pk}"


def _agreement() -> models.PositiveSmallIntegerField[int | None, int | None]:
    return models.PositiveSmallIntegerField(choices=Agreement.choices, null=True, blank=True)


class FeedbackResponse(models.Model):
    """One person's anonymous answers. No user, no membership, no time of day."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    group = models.ForeignKey(
        "groups.Group", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_on = models.DateField(_("day answered"))
    information = _agreement()
    hope = _agreement()
    growth = _agreement()
    not_alone = _agreement()
    safe = _agreement()
    recommend = models.CharField(max_length=8, choices=Recommend.choices, blank=True)
    # Read by the group's conveners and guides only, never by the organisation.
    comment = EncryptedTextField(_("a line for the group's conveners and guides"), blank=True)
    release = models.ForeignKey(
        FeedbackRelease, on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )

    class Meta:
        verbose_name = _("feedback answer")
        verbose_name_plural = _("feedback answers")
        indexes = (models.Index(fields=("organisation", "release")),)

    def __str__(self) -> str:
        return "feedback"


class FeedbackReceipt(models.Model):
    """That a person of a group has answered (or chosen to skip). Nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    skipped = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("feedback receipt")
        verbose_name_plural = _("feedback receipts")
        constraints = (
            models.UniqueConstraint(fields=("group", "user"), name="feedback_receipt_once"),
        )

    def __str__(self) -> str:
        return "receipt"
