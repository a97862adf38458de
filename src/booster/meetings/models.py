"""A group's series of meetings: dates, places, facilitators, polls, absences, calendars."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from booster.groups.models import Group, MeetingForm, Membership, new_token


class Meeting(models.Model):
    """One meeting of the programme: the opening (number 1), a theme, or the closing."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    number = models.PositiveSmallIntegerField(_("number"))
    theme_key = models.CharField(_("theme"), max_length=64)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=150)
    form = models.CharField(_("meeting form"), max_length=16, choices=MeetingForm.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video-meeting link"), max_length=500, blank=True)
    facilitator = models.ForeignKey(
        Membership,
        verbose_name=_("facilitator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_meetings",
    )
    timekeeper = models.ForeignKey(
        Membership,
        verbose_name=_("timekeeper"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="timekept_meetings",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PLANNED
    )
    # Calendar identity: the UID never changes; SEQUENCE rises with every change.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ("group", "number")
        # The reminder sweep looks for planned meetings of every group starting soon.
        indexes = (
            models.Index(
                fields=("starts_at",),
                condition=Q(state="planned"),
                name="meetings_planned_starts_at",
            ),
        )
        constraints = (
            models.UniqueConstraint(
                fields=("group", "number"),
                condition=~Q(state="cancelled"),
                name="meetings_meeting_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(form__in=MeetingForm.values),
                name="meetings_meeting_form_never_hybrid",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=9), name="meetings_meeting_number_range"
            ),
        )

    def __str__(self) -> str:
        return f"{self.group} #{self.number}"


class DatePoll(models.Model):
    """Finding a date that suits everyone, for one meeting."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="date_polls")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="date_polls"
    )
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    chosen_slot = models.ForeignKey(
        "DateSlot", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("date poll")
        verbose_name_plural = _("date polls")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.group} poll #{self.pk}"


class DateSlot(models.Model):
    poll = models.ForeignKey(DatePoll, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=150)

    class Meta:
        ordering = ("starts_at", "id")
        constraints = (
            models.UniqueConstraint(fields=("poll", "starts_at"), name="meetings_slot_unique"),
        )

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class DateAnswer(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("If need be")
        NO = "no", _("No")

    slot = models.ForeignKey(DateSlot, on_delete=models.CASCADE, related_name="answers")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="date_answers"
    )
    answer = models.CharField(max_length=8, choices=Answer.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("slot", "membership"), name="meetings_answer_one_per_slot"
            ),
        )

    def __str__(self) -> str:
        return self.answer


class Absence(models.Model):
    """A member's word that they cannot come to a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="absences")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="absences")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("meeting", "membership"), name="meetings_absence_one_per_meeting"
            ),
        )

    def __str__(self) -> str:
        return f"{self.membership} @ {self.meeting}"


class FacilitatorSwap(models.Model):
    """A facilitator asking someone to take their turn."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        WITHDRAWN = "withdrawn", pgettext_lazy("swap", "Withdrawn")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="swaps")
    requested_by = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    accepted_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"swap {self.meeting}"


class CalendarFeed(models.Model):
    """A person's secret calendar address with all their meetings. Revoking replaces it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"feed of {self.user}"


class ReminderSent(models.Model):
    """Remembers which reminder went to whom, so a restart never sends one twice."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("meeting", "membership", "starts_at"), name="meetings_reminder_once"
            ),
        )

    def __str__(self) -> str:
        return f"reminder {self.meeting} → {self.membership}"
