"""Changes to groups and the people in them: creating and settings, invitations, joining
through the seat cap, the waiting list, leaving and removal, conveners, concerns."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booster.accounts.models import User
from booster.core.duplicates import RESUBMIT_WINDOW, person_lock, recent_twin
from booster.core.email import email_send, site_url_in
from booster.core.models import audit_log
from booster.core.ratelimit import RateLimitExceededError, rate_limit_take
from booster.groups.models import (
    GUIDE_SEATS,
    MEMBER_SEATS,
    Concern,
    Group,
    Invite,
    MeetingForm,
    Membership,
    WaitingListEntry,
)
from booster.meetings.models import Meeting
from booster.programme.models import PackVersion
from booster.programme.selectors import pack_for_version, pack_version_current

# Sending e-mail invitations is limited so that a stolen account cannot spam with Booster.
EMAIL_INVITES_PER_HOUR = 30
# Concerns e-mail every steward, so one person's concerns in a group are limited too.
CONCERNS_PER_HOUR = 10
INVITE_DAYS_MIN = 1
INVITE_DAYS_MAX = 60
INVITE_DAYS_DEFAULT = 14

# Each failed insert means someone else took a seat, so after as many tries as there are
# seats the group is surely full (or the person surely in): the loop always ends.
JOIN_ATTEMPTS = MEMBER_SEATS + 1


class GroupFullError(Exception):
    """Every member seat is taken."""


class JoinRefusedError(Exception):
    """The group does not take new people now (closed, or late joining is off)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "closed", "late" or "removed"


class InviteUnusableError(Exception):
    """The invitation was revoked, has expired or was used up."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class GroupDetails:
    """The fields of a group a convener chooses, on creation and in the settings."""

    name: str
    language: str
    form: str
    place: str
    video_link: str
    country: str
    time_zone: str
    description: str
    allow_late_joining: bool


@dataclass(frozen=True)
class OpeningMeeting:
    """The opening meeting: a fixed start (``starts_at``), or None to find one with a poll."""

    starts_at: datetime | None
    duration_minutes: int


def opening_starts_at(*, day: date, at: time, time_zone: str) -> datetime:
    """A date and a time of day, read in the group's time zone.

    A time the clocks skip (spring forward) is refused; a time that happens twice (autumn)
    means its first occurrence."""
    zone = zoneinfo.ZoneInfo(time_zone)
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=zone, fold=0)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise ValidationError(
            {
                "opening_time": _(
                    "That time does not exist on this day because the clocks change. "
                    "Please choose another time."
                )
            },
            code="nonexistent_time",
        )
    return aware


def group_details_apply(group: Group, details: GroupDetails) -> None:
    """Set a group's details (without saving) and check them as every way of making or
    changing a group must: never hybrid, a place for face-to-face groups and a link for
    remote ones, the model's own validation. Raises ValidationError."""
    if details.form not in MeetingForm.values:
        raise ValidationError(
            {
                "form": _(
                    "A group meets either remotely or face to face, never both at once. Choose one."
                )
            },
            code="never_hybrid",
        )
    group.name = " ".join(details.name.split())
    group.language = details.language
    group.form = details.form
    group.place = details.place.strip()
    group.video_link = details.video_link.strip()
    group.country = details.country
    group.time_zone = details.time_zone
    group.description = details.description.strip()
    group.allow_late_joining = details.allow_late_joining
    errors: dict[str, list[str]] = {}
    if group.form == MeetingForm.FACE_TO_FACE and not group.place:
        errors["place"] = [str(_("Write where the group meets face to face."))]
    if group.form == MeetingForm.REMOTE and not group.video_link:
        errors["video_link"] = [str(_("Add the link to the video meeting."))]
    if errors:
        raise ValidationError(errors)
    group.full_clean(exclude=["pack_version", "created_by"])


@transaction.atomic
def group_create(
    *,
    user: User,
    details: GroupDetails,
    opening: OpeningMeeting,
    display_name: str,
    principles_accepted: bool,
) -> Group:
    """A new group on the current programme, its creator as convener in seat 1, and the
    opening meeting (with a fixed start, or waiting for a date poll)."""
    if not principles_accepted:
        raise ValidationError(
            {"accept_principles": _("Please read the principles and tick the box.")},
            code="principles",
        )
    version = pack_version_current()
    if version is None:
        raise ValidationError(_("The programme has not been loaded yet."), code="no_pack")
    now = timezone.now()
    if opening.starts_at is not None and opening.starts_at <= now:
        raise ValidationError(
            {"opening_date": _("Choose a time in the future for the opening meeting.")},
            code="past",
        )
    person_lock(User, user.pk)
    twin = recent_twin(Group.objects.filter(created_by=user), name=" ".join(details.name.split()))
    if twin is not None:
        return twin  # the same form sent twice
    group = Group(pack_version=version, created_by=user, created_at=now)
    group_details_apply(group, details)
    group.save()
    membership = Membership(
        group=group,
        user=user,
        role=Membership.Role.MEMBER,
        is_convener=True,
        display_name=_clean_name(display_name, user),
        seat=1,
        joined_at=now,
        principles_accepted_at=now,
        principles_version=version,
    )
    membership.full_clean(exclude=["group", "user", "principles_version"])
    membership.save()
    pack = pack_for_version(version_id=version.pk)
    opening_meeting = Meeting.objects.create(
        group=group,
        number=1,
        theme_key=pack.rules.first_theme,
        starts_at=opening.starts_at,
        duration_minutes=opening.duration_minutes,
        form=group.form,
        place=group.place if group.form == MeetingForm.FACE_TO_FACE else "",
        video_link=group.video_link if group.form == MeetingForm.REMOTE else "",
    )
    from booster.meetings.services import reminders_enqueue

    reminders_enqueue(meeting=opening_meeting)
    audit_log(
        actor=user,
        action="groups.group_created",
        group_id=group.pk,
        pack_version_id=version.pk,
        opening="fixed" if opening.starts_at else "poll",
    )
    return group


@transaction.atomic
def group_update(*, actor: User, group: Group, details: GroupDetails) -> Group:
    """A steward changes the group's details."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    group_details_apply(group, details)
    group.save()
    audit_log(
        actor=actor,
        action="groups.group_updated",
        group_id=group.pk,
        form=group.form,
        language=group.language,
        country=group.country,
        allow_late_joining=group.allow_late_joining,
    )
    return group


# A group only moves forward: forming → running → closed (or forming → closed).
STATE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Group.State.FORMING: (Group.State.RUNNING, Group.State.CLOSED),
    Group.State.RUNNING: (Group.State.CLOSED,),
    Group.State.CLOSED: (),
}


@transaction.atomic
def group_set_state(*, actor: User, group: Group, state: str) -> Group:
    group = Group.objects.select_for_update().get(pk=group.pk)
    if state not in STATE_TRANSITIONS.get(group.state, ()):
        raise ValidationError(
            {"state": _("A group can only move from forming to running, and then to closed.")},
            code="state",
        )
    previous = group.state
    group.state = state
    if state == Group.State.CLOSED:
        group.closed_at = timezone.now()
    group.save(update_fields=["state", "closed_at"])
    audit_log(
        actor=actor,
        action="groups.state_changed",
        group_id=group.pk,
        previous=previous,
        state=state,
    )
    return group


# --- invitations ------------------------------------------------------------------------


def _check_invite_role(*, group: Group, role: str) -> None:
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose member or guide.")}, code="role")
    if role == Membership.Role.GUIDE and group.memberships.guides().count() >= GUIDE_SEATS:
        raise ValidationError(
            {"role": _("A group can have two guides at most, and this one has two.")},
            code="guides_full",
        )


def _check_days(days: int) -> None:
    if not INVITE_DAYS_MIN <= days <= INVITE_DAYS_MAX:
        raise ValidationError(
            {
                "days": _("Choose between %(min)d and %(max)d days.")
                % {"min": INVITE_DAYS_MIN, "max": INVITE_DAYS_MAX}
            },
            code="days",
        )


@transaction.atomic
def invite_link_create(*, actor: User, group: Group, days: int, role: str) -> Invite:
    """A shareable link that anyone who has it can use until it expires or is revoked."""
    _check_days(days)
    _check_invite_role(group=group, role=role)
    invite = Invite.objects.create(
        group=group,
        kind=Invite.Kind.LINK,
        role=role,
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_log(
        actor=actor,
        action="groups.invite_link_created",
        group_id=group.pk,
        invite_id=invite.pk,
        role=role,
        days=days,
    )
    return invite


def parse_addresses(text: str) -> list[str]:
    """Addresses separated by commas, semicolons or new lines; each checked; no repeats."""
    parts = [part.strip() for part in text.replace(";", ",").replace("\n", ",").split(",")]
    addresses: list[str] = []
    wrong: list[str] = []
    for part in parts:
        if not part:
            continue
        try:
            validate_email(part)
        except ValidationError:
            wrong.append(part)
            continue
        if part.lower() not in addresses:
            addresses.append(part.lower())
    if wrong:
        raise ValidationError(
            {
                "addresses": _("These do not look like e-mail addresses: %(wrong)s")
                % {"wrong": ", ".join(wrong)}
            },
            code="addresses",
        )
    if not addresses:
        raise ValidationError({"addresses": _("Write at least one e-mail address.")}, code="empty")
    return addresses


def _take_from_rate_limit(*, user: User, count: int) -> None:
    try:
        rate_limit_take(
            key=f"groups:invite-emails:{user.pk}", limit=EMAIL_INVITES_PER_HOUR, count=count
        )
    except RateLimitExceededError as exceeded:
        raise ValidationError(
            {
                "addresses": _(
                    "You can send at most %(limit)d invitations an hour; %(left)d more "
                    "can go this hour. Please try again later."
                )
                % {"limit": EMAIL_INVITES_PER_HOUR, "left": exceeded.left}
            },
            code="rate_limited",
        ) from exceeded


def invite_emails_send(
    *, actor: User, group: Group, addresses: Iterable[str], days: int, role: str
) -> list[Invite]:
    """One single-use invitation per address, each e-mailed in the group's language.

    An address invited to the group moments ago (the same form sent twice) is not invited
    again: its invitation is returned and no second e-mail goes out."""
    addresses = list(addresses)
    _check_days(days)
    _check_invite_role(group=group, role=role)
    inviter = group.memberships.active().filter(user=actor).first()
    now = timezone.now()
    expires_at = now + timedelta(days=days)
    with transaction.atomic():
        person_lock(Group, group.pk)
        already = {
            invite.email: invite
            for invite in Invite.objects.filter(
                group=group,
                kind=Invite.Kind.EMAIL,
                role=role,
                email__in=addresses,
                revoked_at__isnull=True,
                created_at__gte=now - RESUBMIT_WINDOW,
            )
        }
        fresh = [address for address in addresses if address not in already]
        if fresh:
            _take_from_rate_limit(user=actor, count=len(fresh))
        invites = [
            Invite.objects.create(
                group=group,
                kind=Invite.Kind.EMAIL,
                role=role,
                email=address,
                created_by=actor,
                expires_at=expires_at,
                max_uses=1,
            )
            for address in fresh
        ]
        if invites:
            audit_log(
                actor=actor,
                action="groups.invite_emails_sent",
                group_id=group.pk,
                invite_ids=[invite.pk for invite in invites],
                role=role,
                days=days,
            )
    created = {invite.email: invite for invite in invites}
    for invite in invites:
        email_send(
            to=invite.email,
            template_prefix="groups/email/invite",
            language=group.language,
            time_zone=group.time_zone,
            context={
                "group": group,
                "inviter_name": inviter.display_name if inviter else "",
                "as_guide": role == Membership.Role.GUIDE,
                "expires_at": invite.expires_at,
                "url": site_url_in("groups:join", language=group.language, token=invite.token),
            },
        )
    return [created.get(address) or already[address] for address in addresses]


@transaction.atomic
def invite_revoke(*, actor: User, invite: Invite) -> Invite:
    if invite.revoked_at is None:
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at"])
        audit_log(
            actor=actor,
            action="groups.invite_revoked",
            group_id=invite.group_id,
            invite_id=invite.pk,
        )
    return invite


# --- joining ----------------------------------------------------------------------------


def _clean_name(display_name: str, user: User) -> str:
    name = " ".join(display_name.split()) or user.display_name
    if not name:
        raise ValidationError(
            {"display_name": _("Please write the name the group will see.")}, code="name"
        )
    return name


# How long a freed seat is kept for the person it was offered to.
OFFER_HOLD = timedelta(days=3)


def _check_open(group: Group, *, user: User, role: str = Membership.Role.MEMBER) -> None:
    if group.state == Group.State.CLOSED:
        raise JoinRefusedError("closed")
    # Late joining concerns members; a guide may be invited while the group runs.
    if role == Membership.Role.MEMBER and not group.is_open_for_joining:
        raise JoinRefusedError("late")
    # Removal is final: a removed person cannot come back through an old link.
    if Membership.objects.filter(group=group, user=user, state=Membership.State.REMOVED).exists():
        raise JoinRefusedError("removed")


def membership_join(
    *,
    group: Group,
    user: User,
    display_name: str,
    principles_version: PackVersion,
    role: str = Membership.Role.MEMBER,
    invite: Invite | None = None,
) -> Membership:
    """Give the person the lowest free seat (a guide seat for guides).

    The unique seat per group is the real guard: two people who read the same free seat
    cannot both insert it. The loser's insert fails, and it reads again. An invitation
    is counted as used in the same transaction, so a full group never uses one up.
    """
    name = _clean_name(display_name, user)
    pack = pack_for_version(version_id=group.pack_version_id)
    limit = min(pack.rules.max_members, MEMBER_SEATS)
    for _attempt in range(JOIN_ATTEMPTS):
        try:
            with transaction.atomic():
                current = Group.objects.get(pk=group.pk)
                _check_open(current, user=user, role=role)
                existing = Membership.objects.active().filter(group=current, user=user).first()
                if existing is not None:
                    return existing
                seat_field = "guide_seat" if role == Membership.Role.GUIDE else "seat"
                seats = set(
                    Membership.objects.active()
                    .filter(group=current)
                    .order_by()
                    .values_list(seat_field, flat=True)
                )
                if role == Membership.Role.GUIDE:
                    free = [seat for seat in range(1, GUIDE_SEATS + 1) if seat not in seats]
                    if not free:
                        raise ValidationError(
                            _("This group already has two guides, the most it can have."),
                            code="guides_full",
                        )
                else:
                    free = [seat for seat in range(1, limit + 1) if seat not in seats]
                    # A seat offered to the first person waiting is held for them a while.
                    held = (
                        WaitingListEntry.objects.filter(
                            group=current,
                            state=WaitingListEntry.State.OFFERED,
                            offered_at__gte=timezone.now() - OFFER_HOLD,
                        )
                        .exclude(user=user)
                        .count()
                    )
                    if len(free) <= held:
                        raise GroupFullError
                if invite is not None:
                    used = (
                        Invite.objects.filter(pk=invite.pk, revoked_at__isnull=True)
                        .filter(expires_at__gt=timezone.now())
                        .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
                        .update(uses=F("uses") + 1)
                    )
                    if not used:
                        invite.refresh_from_db()
                        raise InviteUnusableError(invite.problem() or "used")
                now = timezone.now()
                membership = Membership.objects.create(
                    group=current,
                    user=user,
                    role=role,
                    display_name=name,
                    seat=free[0] if role == Membership.Role.MEMBER else None,
                    guide_seat=free[0] if role == Membership.Role.GUIDE else None,
                    joined_at=now,
                    principles_accepted_at=now,
                    principles_version=principles_version,
                )
                WaitingListEntry.objects.filter(
                    group=current,
                    user=user,
                    state__in=[WaitingListEntry.State.WAITING, WaitingListEntry.State.OFFERED],
                ).update(state=WaitingListEntry.State.JOINED)
                audit_log(
                    actor=user,
                    action="groups.member_joined",
                    group_id=current.pk,
                    membership_id=membership.pk,
                    role=role,
                    invite_id=invite.pk if invite else None,
                )
                return membership
        except IntegrityError:
            continue
    # Every attempt lost a race: someone else took each seat this person read as free.
    if role == Membership.Role.GUIDE:
        raise ValidationError(_("This group already has two guides."), code="guides_full")
    raise GroupFullError


def invite_accept(
    *, invite: Invite, user: User, display_name: str, principles_accepted: bool
) -> Membership:
    """Join the invitation's group after reading and accepting the principles."""
    problem = invite.problem()
    if problem is not None:
        raise InviteUnusableError(problem)
    if not principles_accepted:
        raise ValidationError(
            {"accept_principles": _("Please read the principles and tick the box to join.")},
            code="principles",
        )
    membership = membership_join(
        group=invite.group,
        user=user,
        display_name=display_name,
        principles_version=invite.group.pack_version,
        role=invite.role,
        invite=invite,
    )
    # An invitation from a call for participants may name its holder the group's convener.
    from booster.calls.services import call_invite_accepted

    call_invite_accepted(invite=invite, membership=membership)
    return membership


# --- the waiting list -------------------------------------------------------------------


def member_seats_free(*, group: Group) -> int:
    """How many member seats are free now (under the pack's limit)."""
    pack = pack_for_version(version_id=group.pack_version_id)
    limit = min(pack.rules.max_members, MEMBER_SEATS)
    return max(0, limit - Membership.objects.members().filter(group=group).count())


def waiting_list_join(*, group: Group, user: User, display_name: str) -> WaitingListEntry:
    """Wait for a seat in a full group (once; a second request keeps the first place)."""
    name = _clean_name(display_name, user)
    _check_open(group, user=user)
    existing = WaitingListEntry.objects.filter(
        group=group,
        user=user,
        state__in=[WaitingListEntry.State.WAITING, WaitingListEntry.State.OFFERED],
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            entry = WaitingListEntry.objects.create(group=group, user=user, display_name=name)
    except IntegrityError:
        return WaitingListEntry.objects.get(
            group=group,
            user=user,
            state__in=[WaitingListEntry.State.WAITING, WaitingListEntry.State.OFFERED],
        )
    audit_log(actor=user, action="groups.waiting_list_joined", group_id=group.pk, entry_id=entry.pk)
    return entry


def waiting_list_offer_next(*, group: Group) -> WaitingListEntry | None:
    """Offer a freed seat to the first person waiting, by e-mail in their language.

    The seat is held for them for ``OFFER_HOLD``; after that anyone may take it."""
    if not group.is_open_for_joining:
        return None
    with transaction.atomic():
        entry = (
            WaitingListEntry.objects.select_related("user")
            .filter(group=group, state=WaitingListEntry.State.WAITING)
            .order_by("created_at", "id")
            .first()
        )
        if entry is None:
            return None
        updated = WaitingListEntry.objects.filter(
            pk=entry.pk, state=WaitingListEntry.State.WAITING
        ).update(state=WaitingListEntry.State.OFFERED, offered_at=timezone.now())
        if not updated:
            return None
    entry.refresh_from_db()
    user = entry.user
    email_send(
        to=user.email,
        template_prefix="groups/email/waiting_offer",
        language=user.language,
        time_zone=user.time_zone,
        context={
            "group": group,
            "name": entry.display_name,
            "url": site_url_in("groups:waiting", language=user.language, entry_id=entry.pk),
        },
    )
    return entry


def waiting_list_accept(
    *, entry: WaitingListEntry, display_name: str, principles_accepted: bool
) -> Membership:
    """Take the offered place. If someone was quicker, the person keeps their place in line."""
    if entry.state != WaitingListEntry.State.OFFERED:
        raise ValidationError(_("There is no place on offer for you in this group now."))
    if not principles_accepted:
        raise ValidationError(
            {"accept_principles": _("Please read the principles and tick the box to join.")},
            code="principles",
        )
    group = entry.group
    try:
        return membership_join(
            group=group,
            user=entry.user,
            display_name=display_name,
            principles_version=group.pack_version,
        )
    except GroupFullError:
        WaitingListEntry.objects.filter(pk=entry.pk).update(
            state=WaitingListEntry.State.WAITING, offered_at=None
        )
        raise


def waiting_list_withdraw(*, entry: WaitingListEntry) -> WaitingListEntry:
    was_offered = entry.state == WaitingListEntry.State.OFFERED
    if entry.state in (WaitingListEntry.State.WAITING, WaitingListEntry.State.OFFERED):
        entry.state = WaitingListEntry.State.WITHDRAWN
        entry.save(update_fields=["state"])
        audit_log(
            actor=entry.user,
            action="groups.waiting_list_withdrawn",
            group_id=entry.group_id,
            entry_id=entry.pk,
        )
        if was_offered:
            # The place they were offered goes to the next person waiting.
            waiting_list_offer_next(group=entry.group)
    return entry


# --- leaving, removal and conveners -----------------------------------------------------


def _end_membership(membership: Membership, *, state: str, reason: str = "") -> None:
    # The private notebook goes with the membership, as its consent page promises.
    from booster.notebook.services import ideas_given_erase, notebook_erase

    notebook_erase(membership=membership)
    ideas_given_erase(membership=membership)
    membership.state = state
    membership.seat = None
    membership.guide_seat = None
    membership.is_convener = False
    membership.ended_at = timezone.now()
    membership.removal_reason = reason
    membership.save(
        update_fields=["state", "seat", "guide_seat", "is_convener", "ended_at", "removal_reason"]
    )
    # Their open meeting-room connections close as soon as this is committed.
    from booster.room.services import membership_gone

    membership_id = membership.pk
    transaction.on_commit(lambda: membership_gone(membership_id=membership_id))


def _ensure_steward(group: Group) -> Membership | None:
    """When no convener or guide is left, the longest-standing member becomes convener."""
    if group.memberships.stewards().exists():
        return None
    heir = group.memberships.members().order_by("joined_at", "id").first()
    if heir is None:
        return None
    heir.is_convener = True
    heir.save(update_fields=["is_convener"])
    audit_log(
        actor=None,
        action="groups.convener_handed_over",
        group_id=group.pk,
        membership_id=heir.pk,
    )
    # The task queue stores the e-mail in this same transaction, so it goes only if this
    # change is kept.
    user = heir.user
    email_send(
        to=user.email,
        template_prefix="groups/email/convener_handover",
        language=user.language,
        time_zone=user.time_zone,
        context={
            "group": group,
            "name": heir.display_name,
            "url": site_url_in("groups:home", language=user.language, group_id=group.pk),
        },
    )
    return heir


def _after_seat_freed(group: Group, freed_member_seat: bool) -> None:
    if freed_member_seat:
        waiting_list_offer_next(group=group)


@transaction.atomic
def membership_leave(*, membership: Membership) -> Membership:
    """Leave the group. Always possible: taking part is voluntary."""
    membership = Membership.objects.select_related("group").get(pk=membership.pk)
    if not membership.is_active:
        return membership
    freed = membership.seat is not None
    _end_membership(membership, state=Membership.State.LEFT)
    audit_log(
        actor=membership.user,
        action="groups.member_left",
        group_id=membership.group_id,
        membership_id=membership.pk,
    )
    _ensure_steward(membership.group)
    _after_seat_freed(membership.group, freed)
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership, reason: str) -> Membership:
    """A steward removes someone; they lose access to the group at once.

    The target's and the actor's rows are locked together, in one order, and the actor is
    read again inside the transaction: of two stewards removing each other at the same
    moment, the second finds they are no longer a steward and is refused."""
    rows = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("group")
        .filter(
            Q(pk=membership.pk)
            | Q(group_id=membership.group_id, user_id=actor.pk, state=Membership.State.ACTIVE)
        )
        .order_by("pk")
    )
    locked = {row.pk: row for row in rows}
    if membership.pk not in locked:
        raise Membership.DoesNotExist
    membership = locked[membership.pk]
    actor_membership = next(
        (row for row in locked.values() if row.user_id == actor.pk and row.is_active), None
    )
    if actor_membership is None or not actor_membership.is_steward:
        raise PermissionDenied
    if not membership.is_active:
        raise ValidationError(_("This person is no longer in the group."), code="inactive")
    if membership.user_id == actor.pk:
        raise ValidationError(_("To leave the group yourself, use “Leave the group”."), code="self")
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Please write why, for the group's records.")}, code="reason"
        )
    freed = membership.seat is not None
    _end_membership(membership, state=Membership.State.REMOVED, reason=reason)
    audit_log(
        actor=actor,
        action="groups.member_removed",
        group_id=membership.group_id,
        membership_id=membership.pk,
        role=membership.role,
    )
    _ensure_steward(membership.group)
    _after_seat_freed(membership.group, freed)
    return membership


@transaction.atomic
def membership_make_convener(*, actor: User, membership: Membership) -> Membership:
    membership = Membership.objects.get(pk=membership.pk)
    if not membership.is_active or membership.role != Membership.Role.MEMBER:
        raise ValidationError(_("Only a member of the group can be a convener."), code="role")
    if not membership.is_convener:
        membership.is_convener = True
        membership.save(update_fields=["is_convener"])
        audit_log(
            actor=actor,
            action="groups.convener_named",
            group_id=membership.group_id,
            membership_id=membership.pk,
        )
    return membership


def membership_update_settings(
    *, membership: Membership, display_name: str, reminders: bool, board_digest: bool
) -> Membership:
    """A person's own choices for one group: their name there and the e-mails they get."""
    membership.display_name = _clean_name(display_name, membership.user)
    membership.reminders = reminders
    membership.board_digest = board_digest
    membership.clean_fields(
        exclude=[field.name for field in Membership._meta.fields if field.name != "display_name"]
    )
    membership.save(update_fields=["display_name", "reminders", "board_digest"])
    return membership


# --- concerns ---------------------------------------------------------------------------


def concern_create(*, membership: Membership, text: str) -> Concern:
    """A private word to the conveners and guides; each is told by e-mail, without the text
    (it is read in Booster, not left in mailboxes)."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Please write what worries you.")}, code="empty")
    with transaction.atomic():
        person_lock(Membership, membership.pk)
        twin = recent_twin(
            Concern.objects.filter(group_id=membership.group_id, author=membership), text=text
        )
        if twin is not None:
            return twin  # the same form sent twice: the stewards were told once
        try:
            rate_limit_take(
                key=f"groups:concerns:{membership.group_id}:{membership.user_id}",
                limit=CONCERNS_PER_HOUR,
            )
        except RateLimitExceededError as exceeded:
            raise ValidationError(
                {
                    "text": _(
                        "You can raise at most %(limit)d concerns an hour in a group. What "
                        "you wrote is kept here: please send it a little later."
                    )
                    % {"limit": CONCERNS_PER_HOUR}
                },
                code="rate_limited",
            ) from exceeded
        concern = Concern(group=membership.group, author=membership, text=text)
        concern.full_clean()
        concern.save()
    group = membership.group
    stewards = (
        group.memberships.stewards().exclude(pk=membership.pk).select_related("user").order_by()
    )
    for steward in stewards:
        user = steward.user
        email_send(
            to=user.email,
            template_prefix="groups/email/concern_new",
            language=user.language,
            time_zone=user.time_zone,
            context={
                "group": group,
                "name": steward.display_name,
                "url": site_url_in("groups:concerns", language=user.language, group_id=group.pk),
            },
        )
    return concern


@transaction.atomic
def concern_acknowledge(*, steward: Membership, concern: Concern) -> Concern:
    if concern.acknowledged_at is None:
        concern.acknowledged_at = timezone.now()
        concern.acknowledged_by = steward
        concern.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_log(
            actor=steward.user,
            action="groups.concern_acknowledged",
            group_id=concern.group_id,
            concern_id=concern.pk,
        )
    return concern
