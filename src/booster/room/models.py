"""The live state of a meeting: its run, the pairs it formed, who came, who is connected.

A run's state lives here and nowhere else: a server restart or a second process reads it
back as it was. Timers are stored as deadlines, never as ticking counters.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from booster.groups.models import Group, Membership
from booster.meetings.models import Meeting


class MeetingRun(models.Model):
    """One meeting as it is being held: the agenda, the current step and its deadline."""

    class State(models.TextChoices):
        LOBBY = "lobby", _("Not started")
        RUNNING = "running", _("Running")
        PAUSED = "paused", pgettext_lazy("meeting", "Paused")
        ENDED = "ended", pgettext_lazy("meeting", "Ended")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="run")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.LOBBY)
    # Rises by one with every change; clients use it to notice a missed event.
    version = models.PositiveIntegerField(default=1)
    agenda = models.JSONField(default=list)
    # Set by the facilitator's edits: the agenda is no longer rebuilt for who is present.
    agenda_edited = models.BooleanField(default=False)
    current = models.CharField(max_length=80, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    remaining_seconds = models.IntegerField(null=True, blank=True)
    facilitator = models.ForeignKey(
        Membership,
        verbose_name=_("facilitator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    pairs = models.JSONField(default=list)
    round = models.JSONField(default=dict)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting run")
        verbose_name_plural = _("meeting runs")
        constraints = (
            models.CheckConstraint(
                condition=Q(state__in=["lobby", "running", "paused", "ended"]),
                name="room_run_state_valid",
            ),
        )

    def __str__(self) -> str:
        return f"run of {self.meeting}"


class PairPhase(models.Model):
    """The pairs formed for one pairs step: the history that makes pairs rotate."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(MeetingRun, on_delete=models.CASCADE, related_name="pair_phases")
    step_id = models.CharField(max_length=80)
    present = models.JSONField(default=list)
    pairs = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")
        constraints = (
            models.UniqueConstraint(fields=("run", "step_id"), name="room_pairphase_once"),
        )
        indexes = (models.Index(fields=("group", "created_at"), name="room_pairphase_group"),)

    def __str__(self) -> str:
        return f"pairs {self.step_id} of {self.run_id}"


class Attendance(models.Model):
    """Who came: seen in the room (remote) and confirmed by the facilitator (face to face)."""

    run = models.ForeignKey(MeetingRun, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    first_seen = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    confirmed = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("run", "membership"), name="room_attendance_once"),
        )

    def __str__(self) -> str:
        return f"{self.membership_id} at {self.run_id}"


class RoomPresence(models.Model):
    """One open connection to a room. A row outlives a crashed process only until it goes
    stale (``selectors.PRESENCE_STALE_SECONDS`` without a heartbeat)."""

    run = models.ForeignKey(MeetingRun, on_delete=models.CASCADE, related_name="presences")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    connected_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = (models.Index(fields=("run", "seen_at"), name="room_presence_run_seen"),)

    def __str__(self) -> str:
        return f"{self.membership_id} in {self.run_id}"
