"""Peer groups and the people in them: members (at most ten), conveners, guides, invitations
and the waiting list."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from booster.accounts.models import Language, validate_time_zone
from booster.core.timezones import DEFAULT_TIME_ZONE

# The database's own cap. The pack's rules (max_members, normally 10) can only be lower.
MEMBER_SEATS = 10
GUIDE_SEATS = 2


class MeetingForm(models.TextChoices):
    """How a meeting is held: wholly remote or wholly face to face. Never hybrid."""

    REMOTE = "remote", _("Remote")
    FACE_TO_FACE = "face_to_face", _("Face to face")


class Country(models.TextChoices):
    FINLAND = "FI", _("Finland")
    SWEDEN = "SE", _("Sweden")


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Group(models.Model):
    class State(models.TextChoices):
        FORMING = "forming", _("Forming")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("short description"), max_length=1000, blank=True)
    language = models.CharField(_("working language"), max_length=5, choices=Language.choices)
    form = models.CharField(_("meeting form"), max_length=16, choices=MeetingForm.choices)
    place = models.CharField(_("meeting place"), max_length=200, blank=True)
    video_link = models.URLField(_("video-meeting link"), max_length=500, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=DEFAULT_TIME_ZONE, validators=[validate_time_zone]
    )
    pack_version = models.ForeignKey(
        "programme.PackVersion",
        verbose_name=_("programme version"),
        on_delete=models.PROTECT,
        related_name="groups",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.FORMING
    )
    allow_late_joining = models.BooleanField(_("new members may join later"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # When the worker deleted the closed group's content and notebooks (metadata stays).
    content_deleted_at = models.DateTimeField(_("content deleted"), null=True, blank=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ("name", "id")
        constraints = (
            models.CheckConstraint(
                condition=Q(form__in=MeetingForm.values), name="groups_group_form_never_hybrid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["forming", "running", "closed"]),
                name="groups_group_state_valid",
            ),
        )

    def __str__(self) -> str:
        return self.name

    @property
    def is_open_for_joining(self) -> bool:
        if self.state == self.State.CLOSED:
            return False
        return self.state == self.State.FORMING or self.allow_late_joining


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(state=Membership.State.ACTIVE)

    def members(self) -> MembershipQuerySet:
        return self.active().filter(role=Membership.Role.MEMBER)

    def guides(self) -> MembershipQuerySet:
        return self.active().filter(role=Membership.Role.GUIDE)

    def stewards(self) -> MembershipQuerySet:
        """Those who look after the group: conveners and guides."""
        return self.active().filter(Q(is_convener=True) | Q(role=Membership.Role.GUIDE))


class Membership(models.Model):
    """A person's place in a group. Members hold one of the ten seats; guides do not."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        GUIDE = "guide", _("Guide")

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left")
        REMOVED = "removed", _("Removed")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    is_convener = models.BooleanField(_("convener"), default=False)
    display_name = models.CharField(_("name in this group"), max_length=60)
    # A unique seat number per group is what keeps a group at ten members even when many
    # people accept at the same moment, on SQLite as on PostgreSQL.
    seat = models.PositiveSmallIntegerField(_("member seat"), null=True, blank=True)
    guide_seat = models.PositiveSmallIntegerField(_("guide seat"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.ACTIVE)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    ended_at = models.DateTimeField(_("left or removed"), null=True, blank=True)
    removal_reason = models.TextField(_("reason for removal"), blank=True)
    principles_accepted_at = models.DateTimeField(_("principles accepted"), null=True)
    principles_version = models.ForeignKey(
        "programme.PackVersion",
        verbose_name=_("principles version accepted"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    reminders = models.BooleanField(_("meeting reminders by e-mail"), default=True)
    board_digest = models.BooleanField(_("board digest by e-mail"), default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ("joined_at", "id")
        constraints = (
            models.UniqueConstraint(
                fields=("group", "seat"),
                condition=Q(seat__isnull=False),
                name="groups_membership_unique_seat",
            ),
            models.UniqueConstraint(
                fields=("group", "guide_seat"),
                condition=Q(guide_seat__isnull=False),
                name="groups_membership_unique_guide_seat",
            ),
            models.UniqueConstraint(
                fields=("group", "user"),
                condition=Q(state="active"),
                name="groups_membership_one_active_per_person",
            ),
            models.CheckConstraint(
                condition=Q(seat__isnull=True) | Q(seat__gte=1, seat__lte=MEMBER_SEATS),
                name="groups_membership_seat_range",
            ),
            models.CheckConstraint(
                condition=Q(guide_seat__isnull=True)
                | Q(guide_seat__gte=1, guide_seat__lte=GUIDE_SEATS),
                name="groups_membership_guide_seat_range",
            ),
            models.CheckConstraint(
                condition=(
                    Q(state="active", role="member", seat__isnull=False, guide_seat__isnull=True)
                    | Q(state="active", role="guide", seat__isnull=True, guide_seat__isnull=False)
                    | (~Q(state="active") & Q(seat__isnull=True, guide_seat__isnull=True))
                ),
                name="groups_membership_seat_matches_role",
            ),
        )

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def is_guide(self) -> bool:
        return self.role == self.Role.GUIDE

    @property
    def is_steward(self) -> bool:
        """Conveners and guides look after the group."""
        return self.is_active and (self.is_convener or self.is_guide)


class Invite(models.Model):
    """A way into a group: a shareable link, or an e-mail to one address."""

    class Kind(models.TextChoices):
        LINK = "link", _("Link")
        EMAIL = "email", _("E-mail")

    DEFAULT_LIFETIME = timedelta(days=14)

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invites")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    role = models.CharField(
        _("joins as"), max_length=16, choices=Membership.Role.choices, default="member"
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    max_uses = models.PositiveSmallIntegerField(_("uses allowed"), null=True, blank=True)
    uses = models.PositiveSmallIntegerField(_("times used"), default=0)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.group}"

    def problem(self, *, now: datetime | None = None) -> str | None:
        """Why this invitation cannot be used now: "revoked", "expired", "used" or None."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        if self.max_uses is not None and self.uses >= self.max_uses:
            return "used"
        return None


class WaitingListEntry(models.Model):
    """Someone who wanted to join a full group; the first is offered the next free seat."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered a place")
        JOINED = "joined", _("Joined")
        WITHDRAWN = "withdrawn", pgettext_lazy("waiting list", "Withdrawn")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="waiting_list")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waiting_lists"
    )
    display_name = models.CharField(_("name in this group"), max_length=60)
    created_at = models.DateTimeField(default=timezone.now)
    offered_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.WAITING)

    class Meta:
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting list")
        ordering = ("created_at", "id")
        constraints = (
            models.UniqueConstraint(
                fields=("group", "user"),
                condition=Q(state__in=["waiting", "offered"]),
                name="groups_waiting_one_open_entry_per_person",
            ),
        )

    def __str__(self) -> str:
        return self.display_name


class Concern(models.Model):
    """A member's private word to the group's conveners and guides."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="concerns")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="concerns")
    text = models.TextField(_("what worries you"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.group} #{self.pk}"
