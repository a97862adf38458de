"""The group's own agreements: goals, ground rules, practical agreements, the theme plan.

These are the outcomes of the opening meeting's tasks 2–5. Whatever the group agrees is
kept as numbered versions (1, 2, …) per group: a new version never overwrites an old one,
and the unique number is what stops two people who edit at once from overwriting each
other.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booster.groups.models import Group, MeetingForm, Membership

TEXT_MAX = 500
NOTE_MAX = 1000
LONG_TEXT_MAX = 6000


def _unique_number(model: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=("group", "number"), name=f"planning_{model}_unique_number"
    )


def _positive_number(model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(number__gte=1), name=f"planning_{model}_number_positive"
    )


# --- Task 2: shared goals ---------------------------------------------------------------


class GoalProposal(models.Model):
    """A goal one member suggests for the whole group."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="goal_proposals")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("proposed goal"), max_length=TEXT_MAX)
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)

    class Meta:
        verbose_name = _("goal proposal")
        verbose_name_plural = _("goal proposals")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.group_id} goal proposal #{self.pk}"


class GoalsRecord(models.Model):
    """The goals the group agreed, as recorded by whoever facilitates. The highest number
    is the current one."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="goals_records")
    number = models.PositiveIntegerField(_("version"))
    goals = models.JSONField(_("goals"), default=list)
    recorded_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("shared goals")
        verbose_name_plural = _("shared goals")
        ordering = ("group", "-number")
        constraints = (_unique_number("goalsrecord"), _positive_number("goalsrecord"))

    def __str__(self) -> str:
        return f"{self.group_id} goals v{self.number}"


# --- Task 3: ground rules ---------------------------------------------------------------


class RuleWish(models.Model):
    """A member's wish for how the group works together. Wishes stay recorded: a withdrawn
    wish is still listed, marked as withdrawn."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="rule_wishes")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("wish"), max_length=TEXT_MAX)
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("ground-rule wish")
        verbose_name_plural = _("ground-rule wishes")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.group_id} wish #{self.pk}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class GroundRulesVersion(models.Model):
    """The agreed ground rules and what the group does when a conflict arises."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="ground_rules")
    number = models.PositiveIntegerField(_("version"))
    rules = models.TextField(_("ground rules"), max_length=LONG_TEXT_MAX)
    conflict_procedure = models.TextField(
        _("what we do if a conflict arises"), max_length=LONG_TEXT_MAX
    )
    written_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("ground rules")
        verbose_name_plural = _("ground rules")
        ordering = ("group", "-number")
        constraints = (
            _unique_number("groundrulesversion"),
            _positive_number("groundrulesversion"),
        )

    def __str__(self) -> str:
        return f"{self.group_id} ground rules v{self.number}"


class RulesAcknowledgement(models.Model):
    """A person's word that they have read one version of the ground rules."""

    version = models.ForeignKey(
        GroundRulesVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(_("acknowledged"), default=timezone.now)

    class Meta:
        verbose_name = _("acknowledgement of the ground rules")
        verbose_name_plural = _("acknowledgements of the ground rules")
        ordering = ("at", "id")
        constraints = (
            models.UniqueConstraint(
                fields=("version", "membership"), name="planning_acknowledgement_once"
            ),
        )

    def __str__(self) -> str:
        return f"{self.membership_id} read v{self.version_id}"


# --- Task 4: practical agreements -------------------------------------------------------


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Every month")
    OTHER = "other", _("Another rhythm")


class TimesCanChange(models.TextChoices):
    BY_AGREEMENT = "by_agreement", _("Yes, when the whole group agrees")
    NO = "no", _("No, we keep to the agreed times")


class Facilitation(models.TextChoices):
    ONE = "one", _("One facilitator leads every meeting")
    ROTATING = "rotating", _("The role rotates among members")
    GUIDE = "guide", _("A guide leads the meetings")


class Confidentiality(models.TextChoices):
    IN_GROUP = "in_group", _("Everything stays in the group")
    THEMES_WITHOUT_NAMES = (
        "themes_without_names",
        _("General themes may be talked about outside the group, without names"),
    )
    OTHER = "other", _("Something else (described below)")


class Channel(models.TextChoices):
    BOARD = "board", _("The group's board in Booster")
    OTHER = "other", _("Another channel (described below)")


class AgreementsVersion(models.Model):
    """One version of the practical agreements on the model's six topics.

    Every change is a new row; ``changed_fields`` names what differs from the version
    before, and ``base_number`` is the version the person was looking at when they edited.
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="agreements")
    number = models.PositiveIntegerField(_("version"))
    base_number = models.PositiveIntegerField(_("based on version"), default=0)
    changed_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("changed"), default=timezone.now)
    changed_fields = models.JSONField(_("changed fields"), default=list)

    # 1. Schedule
    frequency = models.CharField(
        _("How often we meet"), max_length=16, choices=Frequency.choices, blank=True
    )
    meeting_count = models.PositiveSmallIntegerField(
        _("How many times we meet"), null=True, blank=True
    )
    meeting_minutes = models.PositiveSmallIntegerField(
        _("Length of a meeting in minutes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(15), MaxValueValidator(600)],
    )
    time_of_day = models.CharField(_("Time of day"), max_length=200, blank=True)
    times_can_change = models.CharField(
        _("Can agreed times change?"), max_length=16, choices=TimesCanChange.choices, blank=True
    )
    schedule_notes = models.TextField(_("More about the schedule"), max_length=NOTE_MAX, blank=True)
    # 2. Place and form (never hybrid)
    form = models.CharField(
        _("Remote or face to face"), max_length=16, choices=MeetingForm.choices, blank=True
    )
    place = models.CharField(_("Where we meet"), max_length=300, blank=True)
    remote_invitations_by = models.CharField(
        _("Who sends the invitations to remote meetings"), max_length=200, blank=True
    )
    # 3. Roles and responsibilities
    facilitation = models.CharField(
        _("Who leads the meetings"), max_length=16, choices=Facilitation.choices, blank=True
    )
    roles_notes = models.TextField(_("More about roles"), max_length=NOTE_MAX, blank=True)
    # 4. Confidentiality
    confidentiality = models.CharField(
        _("What may be told outside the group"),
        max_length=32,
        choices=Confidentiality.choices,
        blank=True,
    )
    confidentiality_notes = models.TextField(
        _("More about confidentiality"), max_length=NOTE_MAX, blank=True
    )
    # 5. Attendance and absence
    absence_reporting = models.TextField(
        _("How to report an absence"), max_length=NOTE_MAX, blank=True
    )
    leaving_early = models.TextField(
        _("If someone must leave the group early"), max_length=NOTE_MAX, blank=True
    )
    # 6. Communication between meetings
    channel = models.CharField(
        _("Where we keep in touch between meetings"),
        max_length=16,
        choices=Channel.choices,
        blank=True,
    )
    channel_notes = models.TextField(
        _("More about keeping in touch"), max_length=NOTE_MAX, blank=True
    )

    class Meta:
        verbose_name = _("practical agreements")
        verbose_name_plural = _("practical agreements")
        ordering = ("group", "-number")
        constraints = (
            _unique_number("agreementsversion"),
            _positive_number("agreementsversion"),
            models.CheckConstraint(
                condition=Q(form__in=["", *MeetingForm.values]),
                name="planning_agreements_form_never_hybrid",
            ),
        )

    def __str__(self) -> str:
        return f"{self.group_id} agreements v{self.number}"

    def values(self) -> dict[str, Any]:
        """The agreed answers, field by field."""
        return {name: getattr(self, name) for name in AGREEMENT_FIELDS}


# The six topics of the model, in its order, each with the fields that answer it.
AGREEMENT_TOPICS: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    (
        "schedule",
        _("Schedule"),
        (
            "frequency",
            "meeting_count",
            "meeting_minutes",
            "time_of_day",
            "times_can_change",
            "schedule_notes",
        ),
    ),
    ("place", _("Place and form"), ("form", "place", "remote_invitations_by")),
    ("roles", _("Roles and responsibilities"), ("facilitation", "roles_notes")),
    ("confidentiality", _("Confidentiality"), ("confidentiality", "confidentiality_notes")),
    ("attendance", _("Attendance and absence"), ("absence_reporting", "leaving_early")),
    ("communication", _("Communication between meetings"), ("channel", "channel_notes")),
)
AGREEMENT_FIELDS: tuple[str, ...] = tuple(
    name for _key, _title, names in AGREEMENT_TOPICS for name in names
)


# --- Task 5: the theme plan -------------------------------------------------------------


class ThemePreference(models.Model):
    """A member's mark on an optional theme they would like: help for the discussion,
    not a vote."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="theme_preferences")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="theme_preferences"
    )
    theme_key = models.CharField(_("theme"), max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("theme preference")
        verbose_name_plural = _("theme preferences")
        ordering = ("created_at", "id")
        constraints = (
            models.UniqueConstraint(
                fields=("membership", "theme_key"), name="planning_preference_once"
            ),
        )

    def __str__(self) -> str:
        return f"{self.membership_id} likes {self.theme_key}"


class ThemePlanVersion(models.Model):
    """The themes of the group's meetings in order, from the opening to the closing."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="theme_plans")
    number = models.PositiveIntegerField(_("version"))
    theme_keys = models.JSONField(_("themes in order"), default=list)
    recorded_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("theme plan")
        verbose_name_plural = _("theme plans")
        ordering = ("group", "-number")
        constraints = (_unique_number("themeplanversion"), _positive_number("themeplanversion"))

    def __str__(self) -> str:
        return f"{self.group_id} theme plan v{self.number}"

    @property
    def meeting_count(self) -> int:
        return len(self.theme_keys)


def agreement_model_field(name: str) -> models.Field[Any, Any]:
    """The model field behind one question of the agreements."""
    field = AgreementsVersion._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field
