"""Calls for participants: a coordinator's public sign-up page, the sign-ups it gathers, and
the groups a coordinator forms from them before the invitations go out."""

from __future__ import annotations

import hashlib
import hmac
import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from booster.accounts.models import Language
from booster.core.crypto import EncryptedTextField
from booster.groups.models import Country, MeetingForm, new_token

DEFAULT_SIGNUP_RETENTION_DAYS = 30
# The time zone a call's dates are read in, from the country its groups meet in.
COUNTRY_TIME_ZONES: dict[str, str] = {
    Country.FINLAND: "Europe/Helsinki",
    Country.SWEDEN: "Europe/Stockholm",
}


class Weekday(models.TextChoices):
    # With a context of their own: Django's date formats use the bare names, in lower case.
    MONDAY = "mon", pgettext_lazy("weekday", "Monday")
    TUESDAY = "tue", pgettext_lazy("weekday", "Tuesday")
    WEDNESDAY = "wed", pgettext_lazy("weekday", "Wednesday")
    THURSDAY = "thu", pgettext_lazy("weekday", "Thursday")
    FRIDAY = "fri", pgettext_lazy("weekday", "Friday")
    SATURDAY = "sat", pgettext_lazy("weekday", "Saturday")
    SUNDAY = "sun", pgettext_lazy("weekday", "Sunday")


class DayPart(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")


# A time slot is a weekday and a part of the day: "mon_morning" … "sun_evening".
SLOTS: tuple[str, ...] = tuple(f"{day}_{part}" for day in Weekday.values for part in DayPart.values)


def slot_label(slot: str) -> str:
    """ "Tuesday evening", in the language active now."""
    day, part = slot.split("_", 1)
    return f"{Weekday(day).label} {str(DayPart(part).label).lower()}"


# For labels made once (a form's choices) but read in each request's language.
slot_label_lazy = lazy(slot_label, str)


class FieldOfWork(models.TextChoices):
    PERFORMING_ARTS = "performing_arts", _("Performing arts (theatre, dance, circus)")
    MUSIC = "music", _("Music")
    VISUAL_ARTS = "visual_arts", _("Visual arts, crafts and design")
    FILM_MEDIA = "film_media", _("Film, media and games")
    LITERATURE = "literature", _("Literature, translation and journalism")
    EVENTS = "events", _("Events, festivals and production")
    TECHNICAL = "technical", _("Stage, sound, lighting and other technical work")
    EDUCATION = "education", _("Arts education and cultural work")
    OTHER = "other", pgettext_lazy("field of work", "Other")


class Call(models.Model):
    """A public page where people sign up to be placed in a peer group."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", pgettext_lazy("call", "Open")
        CLOSED = "closed", pgettext_lazy("call", "Closed")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="calls"
    )
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    languages = models.JSONField(_("languages offered"), default=list)
    remote = models.BooleanField(_("remote groups"), default=True)
    cities = models.JSONField(_("cities for face-to-face groups"), default=list, blank=True)
    country = models.CharField(
        _("country"), max_length=2, choices=Country.choices, default=Country.FINLAND
    )
    opens_on = models.DateField(_("sign-up opens"), null=True, blank=True)
    closes_on = models.DateField(_("sign-up closes"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.DRAFT)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    retention_days = models.PositiveSmallIntegerField(
        _("days unplaced sign-ups are kept after the call closes"),
        default=DEFAULT_SIGNUP_RETENTION_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("call for participants")
        verbose_name_plural = _("calls for participants")
        ordering = ("-created_at", "-id")
        constraints = (
            models.CheckConstraint(
                condition=Q(state__in=["draft", "open", "closed"]), name="calls_call_state_valid"
            ),
        )

    def __str__(self) -> str:
        return self.title

    @property
    def time_zone(self) -> str:
        return COUNTRY_TIME_ZONES.get(self.country, "Europe/Helsinki")

    def closes_at(self) -> datetime | None:
        """When sign-up ended or will end: the moment the coordinator closed the call, or
        the end of its last day, whichever is first."""
        zone = zoneinfo.ZoneInfo(self.time_zone)
        ends = []
        if self.closed_at is not None:
            ends.append(self.closed_at)
        if self.closes_on is not None:
            ends.append(datetime.combine(self.closes_on + timedelta(days=1), time(0), tzinfo=zone))
        return min(ends) if ends else None

    def accepts_signups(self, *, now: datetime | None = None) -> bool:
        if self.state != self.State.OPEN:
            return False
        now = now or timezone.now()
        local_day = now.astimezone(zoneinfo.ZoneInfo(self.time_zone)).date()
        if self.opens_on is not None and local_day < self.opens_on:
            return False
        ends = self.closes_at()
        return ends is None or now < ends

    def unplaced_expire_at(self) -> datetime | None:
        """When the sign-ups never placed in a group are deleted."""
        ends = self.closes_at()
        return None if ends is None else ends + timedelta(days=self.retention_days)


def email_lookup_hash(email: str) -> str:
    """A keyed hash of the address, so a repeated sign-up is found without storing the
    address in a form the database could compare (the address itself is encrypted)."""
    key = hashlib.sha256(b"booster.calls.signup-email:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, email.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()


class DraftGroup(models.Model):
    """A group the coordinator is forming from a call's sign-ups, until the group is made."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="draft_groups")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("group name"), max_length=120, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    form = models.CharField(_("meeting form"), max_length=16, choices=MeetingForm.choices)
    city = models.CharField(_("city"), max_length=80, blank=True)
    place = models.CharField(_("meeting place"), max_length=200, blank=True)
    video_link = models.URLField(_("video-meeting link"), max_length=500, blank=True)
    convener = models.ForeignKey(
        "calls.SignUp",
        verbose_name=_("convener"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    guide_email = EncryptedTextField(_("guide's e-mail address"), blank=True, default="")
    group = models.OneToOneField(
        "groups.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_draft",
    )

    class Meta:
        verbose_name = _("group being formed")
        verbose_name_plural = _("groups being formed")
        ordering = ("number", "id")
        constraints = (
            models.UniqueConstraint(fields=("call", "number"), name="calls_draft_number_once"),
        )

    def __str__(self) -> str:
        return self.name or f"#{self.number}"


class SignUp(models.Model):
    """One person's sign-up to a call. Name and e-mail are encrypted at rest."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="signups")
    name = EncryptedTextField(_("name"))
    email = EncryptedTextField(_("e-mail address"))
    email_hash = models.CharField(max_length=64, editable=False)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    form = models.CharField(_("meeting form"), max_length=16, choices=MeetingForm.choices)
    city = models.CharField(_("city"), max_length=80, blank=True)
    slots = models.JSONField(_("times that suit"), default=list)
    field_of_work = models.CharField(_("field of work"), max_length=32, choices=FieldOfWork.choices)
    consent_at = models.DateTimeField(_("consent to be contacted"))
    created_at = models.DateTimeField(_("signed up"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    draft_group = models.ForeignKey(
        DraftGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signups",
    )
    placed_at = models.DateTimeField(_("placed in a group"), null=True, blank=True)
    invite = models.OneToOneField(
        "groups.Invite",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_signup",
    )

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ("created_at", "id")
        constraints = (
            models.UniqueConstraint(fields=("call", "email_hash"), name="calls_signup_once"),
        )

    def __str__(self) -> str:
        return f"sign-up {self.pk}"

    @property
    def slot_set(self) -> frozenset[str]:
        return frozenset(self.slots or ())
