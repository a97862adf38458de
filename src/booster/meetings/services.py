"""Changes to a group's meetings: the plan's meetings, dates, polls, facilitators, absences,
calendar addresses. Each change is audit-logged and tells the people it concerns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booster.accounts.models import User
from booster.core.email import email_send, site_url_in
from booster.core.models import audit_log
from booster.groups.models import Group, MeetingForm, Membership, new_token
from booster.groups.permissions import GroupAccess
from booster.meetings.models import (
    Absence,
    CalendarFeed,
    DateAnswer,
    DatePoll,
    DateSlot,
    FacilitatorSwap,
    Meeting,
)
from booster.meetings.permissions import can_facilitate
from booster.meetings.selectors import facilitation_agreed
from booster.programme.selectors import pack_for_version

# A meeting may be planned shorter or longer than the programme's 2–3 hours (with a
# warning), but not absurdly so.
MIN_MINUTES = 30
MAX_MINUTES = 480
MAX_POLL_SLOTS = 20


def _require_open(group: Group) -> None:
    if group.state == Group.State.CLOSED:
        raise PermissionDenied


def _require_planned(meeting: Meeting) -> None:
    if meeting.state != Meeting.State.PLANNED:
        raise ValidationError(_("This meeting has been held or cancelled and cannot change."))


def _touch(meeting: Meeting) -> None:
    """Every change a calendar should notice raises SEQUENCE; the UID never changes."""
    meeting.sequence += 1
    meeting.updated_at = timezone.now()


# --- e-mails ------------------------------------------------------------------------------


def meeting_url(*, meeting: Meeting, language: str) -> str:
    """The meeting's page as an absolute link in ``language``."""
    return site_url_in(
        "meetings:detail", language=language, group_id=meeting.group_id, meeting_id=meeting.pk
    )


def _meeting_email_context(*, meeting: Meeting, membership: Membership) -> dict[str, Any]:
    language = membership.user.language
    pack = pack_for_version(version_id=meeting.group.pack_version_id)
    try:
        theme_title = pack.theme(meeting.theme_key).title.get(language)
    except KeyError:
        theme_title = meeting.theme_key
    ends_at = (
        meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
        if meeting.starts_at
        else None
    )
    return {
        "meeting": meeting,
        "group": meeting.group,
        "theme_title": theme_title,
        "name": membership.display_name,
        "ends_at": ends_at,
        "url": meeting_url(meeting=meeting, language=language),
        "ics_url": site_url_in(
            "meetings:ics", language=language, group_id=meeting.group_id, meeting_id=meeting.pk
        ),
    }


def meeting_notify(
    *,
    meeting: Meeting,
    template: str,
    recipients: Iterable[Membership] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> int:
    """E-mail every active member and guide (or ``recipients``) about a meeting, each in
    their own language and time zone. Returns how many e-mails were queued."""
    if recipients is None:
        recipients = Membership.objects.active().filter(group_id=meeting.group_id)
        recipients = recipients.select_related("user")
    count = 0
    for membership in recipients:
        user = membership.user
        context = _meeting_email_context(meeting=meeting, membership=membership)
        context.update(extra or {})
        email_send(
            to=user.email,
            template_prefix=f"meetings/email/{template}",
            language=user.language,
            time_zone=user.time_zone,
            context=context,
        )
        count += 1
    return count


# --- meetings from the theme plan ---------------------------------------------------------


def meeting_opening_create(*, group: Group, actor: User | None) -> Meeting:
    """The group's opening meeting (number 1, the pack's first theme), created when the
    group has no meeting yet; otherwise the existing meeting 1."""
    with transaction.atomic():
        existing = (
            Meeting.objects.filter(group=group, number=1)
            .exclude(state=Meeting.State.CANCELLED)
            .first()
        )
        if existing is not None:
            return existing
        pack = pack_for_version(version_id=group.pack_version_id)
        meeting = Meeting(
            group=group,
            number=1,
            theme_key=pack.rules.first_theme,
            form=group.form,
            place=group.place,
            video_link=group.video_link,
        )
        meeting.full_clean()
        meeting.save()
        audit_log(
            actor=actor, action="meetings.opening_created", group_id=group.pk, meeting=meeting.pk
        )
    return meeting


def meetings_sync_to_plan(
    *, group: Group, theme_keys: list[str], actor: User | None
) -> list[Meeting]:
    """Make the group's meetings 1..n match the recorded theme plan.

    Planned meetings take their new theme; missing meetings are created with the group's
    form, place and link; planned meetings beyond the plan are cancelled (those with a
    date are announced to everyone). Held meetings never change: a plan that would change
    or drop one is refused. Returns the meetings 1..n in order.
    """
    pack = pack_for_version(version_id=group.pack_version_id)
    known = {theme.key for theme in pack.themes}
    unknown = [key for key in theme_keys if key not in known]
    if unknown:
        raise ValidationError(
            _("The programme has no theme %(key)s."), params={"key": unknown[0]}, code="theme"
        )
    if not 1 <= len(theme_keys) <= 9:
        raise ValidationError(_("A plan has 1 to 9 meetings."), code="count")
    with transaction.atomic():
        existing = {
            meeting.number: meeting
            for meeting in Meeting.objects.select_for_update(of=("self",))
            .filter(group=group)
            .exclude(state=Meeting.State.CANCELLED)
        }
        result: list[Meeting] = []
        created: list[int] = []
        changed: list[int] = []
        for number, key in enumerate(theme_keys, start=1):
            meeting = existing.get(number)
            if meeting is None:
                meeting = Meeting(
                    group=group,
                    number=number,
                    theme_key=key,
                    form=group.form,
                    place=group.place,
                    video_link=group.video_link,
                )
                meeting.full_clean()
                meeting.save()
                created.append(number)
            elif meeting.theme_key != key:
                if meeting.state == Meeting.State.HELD:
                    raise ValidationError(
                        _("Meeting %(number)s has been held; its theme cannot change."),
                        params={"number": number},
                        code="held",
                    )
                meeting.theme_key = key
                _touch(meeting)
                meeting.save(update_fields=["theme_key", "sequence", "updated_at"])
                changed.append(number)
            result.append(meeting)
        cancelled: list[Meeting] = []
        for number, meeting in sorted(existing.items()):
            if number <= len(theme_keys):
                continue
            if meeting.state == Meeting.State.HELD:
                raise ValidationError(
                    _("Meeting %(number)s has been held and stays in the plan."),
                    params={"number": number},
                    code="held",
                )
            _cancel(meeting)
            cancelled.append(meeting)
        if created or changed or cancelled:
            audit_log(
                actor=actor,
                action="meetings.synced_to_plan",
                group_id=group.pk,
                created=created,
                changed=changed,
                cancelled=[meeting.number for meeting in cancelled],
            )
        for meeting in cancelled:
            if meeting.starts_at is not None:
                meeting_notify(meeting=meeting, template="meeting_cancelled")
    return result


def _cancel(meeting: Meeting) -> None:
    meeting.state = Meeting.State.CANCELLED
    _touch(meeting)
    meeting.save(update_fields=["state", "sequence", "updated_at"])
    DatePoll.objects.filter(meeting=meeting, closed_at__isnull=True).update(
        closed_at=timezone.now()
    )
    FacilitatorSwap.objects.filter(meeting=meeting, state=FacilitatorSwap.State.OPEN).update(
        state=FacilitatorSwap.State.WITHDRAWN
    )


# --- date, length, form and place ---------------------------------------------------------


@dataclass(frozen=True)
class ScheduleResult:
    meeting: Meeting
    changed: bool
    first_time: bool
    length_warning: str | None


def meeting_length_warning(*, group: Group, duration_minutes: int) -> str | None:
    """A kind word when a meeting is planned outside the programme's length (2–3 hours)."""
    rules = pack_for_version(version_id=group.pack_version_id).rules.meeting_minutes
    if rules.min <= duration_minutes <= rules.max:
        return None
    return _(
        "The programme plans %(min)s–%(max)s minutes for a meeting; this one is planned "
        "for %(minutes)s minutes. That is allowed, but check that the plan fits."
    ) % {"min": rules.min, "max": rules.max, "minutes": duration_minutes}


def meeting_schedule(
    *,
    access: GroupAccess,
    meeting: Meeting,
    starts_at: datetime,
    duration_minutes: int,
    form: str,
    place: str,
    video_link: str,
) -> ScheduleResult:
    """Set or move a meeting's date, length, form and place (a steward or its facilitator).

    A meeting is wholly remote (a link is needed) or wholly face to face (a place is
    needed), never both. The first date announces "meeting fixed", any later change
    "meeting moved" to every active member and guide; reminders are queued for the new
    start.
    """
    if not can_facilitate(access, meeting):
        raise PermissionDenied
    _require_open(access.group)
    _require_planned(meeting)
    place = " ".join((place or "").split())
    video_link = (video_link or "").strip()
    errors: dict[str, list[str]] = {}
    if starts_at is None:
        errors.setdefault("starts_at", []).append(_("Choose the date and time."))
    elif timezone.is_naive(starts_at):
        raise ValueError("starts_at must be aware")
    elif starts_at != meeting.starts_at and starts_at <= timezone.now():
        errors.setdefault("starts_at", []).append(_("Choose a time in the future."))
    if not MIN_MINUTES <= duration_minutes <= MAX_MINUTES:
        errors.setdefault("duration_minutes", []).append(
            _("A meeting lasts between %(min)s and %(max)s minutes.")
            % {"min": MIN_MINUTES, "max": MAX_MINUTES}
        )
    if form == MeetingForm.FACE_TO_FACE:
        if not place:
            errors.setdefault("place", []).append(_("Say where the group meets."))
        video_link = ""
    elif form == MeetingForm.REMOTE:
        if not video_link:
            errors.setdefault("video_link", []).append(_("Give the link of the video meeting."))
        place = ""
    else:
        errors.setdefault("form", []).append(
            _("Choose remote or face to face. A meeting is never both.")
        )
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("group")
            .get(pk=meeting.pk)
        )
        _require_planned(meeting)
        first_time = meeting.starts_at is None
        old_starts_at = meeting.starts_at
        new_values = {
            "starts_at": starts_at,
            "duration_minutes": duration_minutes,
            "form": form,
            "place": place,
            "video_link": video_link,
        }
        changed = any(getattr(meeting, name) != value for name, value in new_values.items())
        if changed:
            for name, value in new_values.items():
                setattr(meeting, name, value)
            _touch(meeting)
            meeting.full_clean()
            meeting.save()
            audit_log(
                actor=access.user,
                action="meetings.meeting_fixed" if first_time else "meetings.meeting_moved",
                group_id=meeting.group_id,
                meeting=meeting.pk,
                sequence=meeting.sequence,
                form=form,
                duration_minutes=duration_minutes,
            )
            meeting_notify(
                meeting=meeting,
                template="meeting_fixed" if first_time else "meeting_moved",
                extra={"old_starts_at": old_starts_at},
            )
            if old_starts_at != starts_at:
                reminders_enqueue(meeting=meeting)
    return ScheduleResult(
        meeting=meeting,
        changed=changed,
        first_time=first_time,
        length_warning=meeting_length_warning(
            group=meeting.group, duration_minutes=duration_minutes
        ),
    )


def reminders_enqueue(*, meeting: Meeting) -> None:
    """Queue the reminder sweep for 24 hours before the meeting, where the task backend can
    wait (the database worker). The task checks the meeting still starts then."""
    from booster.meetings.tasks import REMINDER_AHEAD, meeting_reminders_send

    if meeting.starts_at is None:
        return
    backend = meeting_reminders_send.get_backend()
    if not backend.supports_defer:
        return  # e.g. the immediate backend in tests: the sweep is run directly there
    run_after = max(meeting.starts_at - REMINDER_AHEAD, timezone.now())
    meeting_reminders_send.using(run_after=run_after).enqueue(
        meeting_id=meeting.pk, starts_at=meeting.starts_at.isoformat()
    )


def meeting_cancel(*, access: GroupAccess, meeting: Meeting) -> Meeting:
    """Cancel a planned meeting (a steward or its facilitator); calendars mark it cancelled
    and everyone is told when it had a date."""
    if not can_facilitate(access, meeting):
        raise PermissionDenied
    _require_open(access.group)
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("group")
            .get(pk=meeting.pk)
        )
        _require_planned(meeting)
        _cancel(meeting)
        audit_log(
            actor=access.user,
            action="meetings.meeting_cancelled",
            group_id=meeting.group_id,
            meeting=meeting.pk,
            sequence=meeting.sequence,
        )
        if meeting.starts_at is not None:
            meeting_notify(meeting=meeting, template="meeting_cancelled")
    return meeting


# --- facilitators -------------------------------------------------------------------------


def _membership_of_group(group: Group, membership_id: int | None) -> Membership | None:
    if membership_id is None:
        return None
    membership = Membership.objects.active().filter(group=group, pk=membership_id).first()
    if membership is None:
        raise ValidationError(_("Choose someone who is in the group."))
    return membership


def meeting_roles_set(
    *,
    access: GroupAccess,
    meeting: Meeting,
    facilitator_id: int | None,
    timekeeper_id: int | None,
) -> Meeting:
    """A steward names the facilitator (a member or a guide) and, optionally, a second
    person who keeps the time."""
    if not access.is_steward:
        raise PermissionDenied
    _require_open(access.group)
    errors: dict[str, list[str]] = {}
    try:
        facilitator = _membership_of_group(access.group, facilitator_id)
    except ValidationError as error:
        errors["facilitator"] = error.messages
        facilitator = None
    try:
        timekeeper = _membership_of_group(access.group, timekeeper_id)
    except ValidationError as error:
        errors["timekeeper"] = error.messages
        timekeeper = None
    if timekeeper is not None and facilitator is None and "facilitator" not in errors:
        errors["timekeeper"] = [_("Name a facilitator first; the timekeeper helps them.")]
    if timekeeper is not None and facilitator is not None and timekeeper.pk == facilitator.pk:
        errors["timekeeper"] = [
            _("The facilitator keeps the time already; choose someone else or nobody.")
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
        _require_planned(meeting)
        if meeting.facilitator_id == (facilitator.pk if facilitator else None) and (
            meeting.timekeeper_id == (timekeeper.pk if timekeeper else None)
        ):
            return meeting
        if meeting.facilitator_id != (facilitator.pk if facilitator else None):
            FacilitatorSwap.objects.filter(
                meeting=meeting, state=FacilitatorSwap.State.OPEN
            ).update(state=FacilitatorSwap.State.WITHDRAWN)
        meeting.facilitator = facilitator
        meeting.timekeeper = timekeeper
        meeting.updated_at = timezone.now()
        meeting.save(update_fields=["facilitator", "timekeeper", "updated_at"])
        audit_log(
            actor=access.user,
            action="meetings.roles_set",
            group_id=meeting.group_id,
            meeting=meeting.pk,
            facilitator=facilitator.pk if facilitator else None,
            timekeeper=timekeeper.pk if timekeeper else None,
        )
    return meeting


def meetings_rota_assign(*, access: GroupAccess) -> list[Meeting]:
    """Give everyone a turn: each planned meeting without a facilitator gets the member
    with the fewest turns so far, in seat order. For groups that agreed to rotate the role
    (or have not agreed yet). Returns the meetings that got one."""
    if not access.is_steward:
        raise PermissionDenied
    _require_open(access.group)
    facilitation, agreed = facilitation_agreed(group=access.group)
    if facilitation not in ("", "rotating"):
        raise ValidationError(
            _(
                "Your group agreed: %(agreed)s. Taking turns is for groups that rotate the "
                "role; name the facilitators one by one instead."
            )
            % {"agreed": agreed}
        )
    with transaction.atomic():
        members = list(Membership.objects.members().filter(group=access.group).order_by("seat"))
        if not members:
            raise ValidationError(_("The group has no members to take turns yet."))
        meetings = list(
            Meeting.objects.select_for_update(of=("self",))
            .filter(group=access.group)
            .exclude(state=Meeting.State.CANCELLED)
            .select_related("facilitator")
            .order_by("number")
        )
        active_ids = {member.pk for member in members}
        turns: Counter[int] = Counter(
            meeting.facilitator_id for meeting in meetings if meeting.facilitator_id in active_ids
        )
        assigned: list[Meeting] = []
        for meeting in meetings:
            if meeting.state != Meeting.State.PLANNED:
                continue
            facilitator = meeting.facilitator
            if facilitator is not None and facilitator.state == Membership.State.ACTIVE:
                continue
            chosen = min(members, key=lambda member: (turns[member.pk], member.seat or 0))
            turns[chosen.pk] += 1
            meeting.facilitator = chosen
            if meeting.timekeeper_id == chosen.pk:
                meeting.timekeeper = None
            meeting.updated_at = timezone.now()
            meeting.save(update_fields=["facilitator", "timekeeper", "updated_at"])
            assigned.append(meeting)
        if assigned:
            audit_log(
                actor=access.user,
                action="meetings.rota_assigned",
                group_id=access.group.pk,
                meetings=[meeting.pk for meeting in assigned],
            )
    return assigned


def swap_request(*, access: GroupAccess, meeting: Meeting) -> FacilitatorSwap:
    """The facilitator asks someone else to take their turn."""
    if meeting.facilitator_id != access.membership.pk:
        raise PermissionDenied
    _require_open(access.group)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
        _require_planned(meeting)
        if meeting.facilitator_id != access.membership.pk:
            raise PermissionDenied
        existing = FacilitatorSwap.objects.filter(
            meeting=meeting, state=FacilitatorSwap.State.OPEN
        ).first()
        if existing is not None:
            return existing
        swap = FacilitatorSwap.objects.create(meeting=meeting, requested_by=access.membership)
        audit_log(
            actor=access.user,
            action="meetings.swap_requested",
            group_id=meeting.group_id,
            meeting=meeting.pk,
            swap=swap.pk,
        )
    return swap


def _open_swap(access: GroupAccess, swap_id: int) -> FacilitatorSwap:
    swap = (
        FacilitatorSwap.objects.select_for_update(of=("self",))
        .filter(pk=swap_id, meeting__group=access.group)
        .first()
    )
    if swap is None:
        raise FacilitatorSwap.DoesNotExist
    if swap.state != FacilitatorSwap.State.OPEN:
        raise ValidationError(_("This request is no longer open."))
    return swap


def swap_take(*, access: GroupAccess, swap_id: int) -> Meeting:
    """Any other member or guide takes over an open swap and becomes the facilitator."""
    _require_open(access.group)
    with transaction.atomic():
        swap = _open_swap(access, swap_id)
        if swap.requested_by_id == access.membership.pk:
            raise ValidationError(_("You asked for this swap; withdraw it instead."))
        meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=swap.meeting_id)
        _require_planned(meeting)
        swap.state = FacilitatorSwap.State.ACCEPTED
        swap.accepted_by = access.membership
        swap.save(update_fields=["state", "accepted_by"])
        meeting.facilitator = access.membership
        if meeting.timekeeper_id == access.membership.pk:
            meeting.timekeeper = None
        meeting.updated_at = timezone.now()
        meeting.save(update_fields=["facilitator", "timekeeper", "updated_at"])
        audit_log(
            actor=access.user,
            action="meetings.swap_taken",
            group_id=meeting.group_id,
            meeting=meeting.pk,
            swap=swap.pk,
        )
    return meeting


def swap_withdraw(*, access: GroupAccess, swap_id: int) -> FacilitatorSwap:
    """The one who asked takes the request back."""
    _require_open(access.group)
    with transaction.atomic():
        swap = _open_swap(access, swap_id)
        if swap.requested_by_id != access.membership.pk:
            raise PermissionDenied
        swap.state = FacilitatorSwap.State.WITHDRAWN
        swap.save(update_fields=["state"])
        audit_log(
            actor=access.user,
            action="meetings.swap_withdrawn",
            group_id=access.group.pk,
            meeting=swap.meeting_id,
            swap=swap.pk,
        )
    return swap


# --- absences -----------------------------------------------------------------------------


def absence_report(*, access: GroupAccess, meeting: Meeting, note: str) -> Absence:
    """Say I cannot come (with an optional note for the facilitator and stewards)."""
    _require_open(access.group)
    _require_planned(meeting)
    note = " ".join((note or "").split())
    if len(note) > 300:
        raise ValidationError({"note": [_("Keep the note to 300 characters.")]})
    with transaction.atomic():
        absence, _created = Absence.objects.update_or_create(
            meeting=meeting, membership=access.membership, defaults={"note": note}
        )
    return absence


def absence_withdraw(*, access: GroupAccess, meeting: Meeting) -> None:
    """I can come after all."""
    _require_open(access.group)
    _require_planned(meeting)
    Absence.objects.filter(meeting=meeting, membership=access.membership).delete()


# --- date polls ---------------------------------------------------------------------------


def poll_create(
    *,
    access: GroupAccess,
    meeting: Meeting,
    slots: list[datetime],
    duration_minutes: int,
) -> DatePoll:
    """Propose times for a meeting (a steward or its facilitator)."""
    if not can_facilitate(access, meeting):
        raise PermissionDenied
    _require_open(access.group)
    _require_planned(meeting)
    errors: dict[str, list[str]] = {}
    unique = sorted(set(slots))
    if not unique:
        errors["__all__"] = [_("Propose at least one time.")]
    elif len(unique) != len(slots):
        errors["__all__"] = [_("The same time is proposed twice.")]
    elif len(unique) > MAX_POLL_SLOTS:
        errors["__all__"] = [_("Propose at most %(count)s times.") % {"count": MAX_POLL_SLOTS}]
    elif any(slot <= timezone.now() for slot in unique):
        errors["__all__"] = [_("Every proposed time must be in the future.")]
    if not MIN_MINUTES <= duration_minutes <= MAX_MINUTES:
        errors["duration_minutes"] = [
            _("A meeting lasts between %(min)s and %(max)s minutes.")
            % {"min": MIN_MINUTES, "max": MAX_MINUTES}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if DatePoll.objects.filter(meeting=meeting, closed_at__isnull=True).exists():
            raise ValidationError(_("This meeting already has an open date poll."))
        poll = DatePoll.objects.create(
            group=access.group, meeting=meeting, created_by=access.membership
        )
        DateSlot.objects.bulk_create(
            DateSlot(poll=poll, starts_at=slot, duration_minutes=duration_minutes)
            for slot in unique
        )
        audit_log(
            actor=access.user,
            action="meetings.poll_created",
            group_id=access.group.pk,
            meeting=meeting.pk,
            poll=poll.pk,
            slots=len(unique),
        )
    return poll


def poll_answer(*, access: GroupAccess, poll: DatePoll, answers: Mapping[int, str]) -> None:
    """My answer to every proposed time: yes, if need be, or no."""
    _require_open(access.group)
    if poll.closed_at is not None:
        raise ValidationError(_("This poll is closed."))
    slot_ids = set(DateSlot.objects.filter(poll=poll).values_list("pk", flat=True))
    valid = set(DateAnswer.Answer.values)
    if set(answers) != slot_ids or any(answer not in valid for answer in answers.values()):
        raise ValidationError(_("Answer yes, if need be or no for every time."))
    now = timezone.now()
    existing = dict(
        DateAnswer.objects.filter(slot__poll=poll, membership=access.membership).values_list(
            "slot_id", "answer"
        )
    )
    changed = [
        DateAnswer(slot_id=slot_id, membership=access.membership, answer=value, updated_at=now)
        for slot_id, value in sorted(answers.items())
        if existing.get(slot_id) != value
    ]
    # Insert or update in one statement: the same form sent twice at once (a double click)
    # leaves one answer per time, all from the submission saved last, on SQLite and
    # PostgreSQL alike (rows in one order, so two statements never deadlock).
    DateAnswer.objects.bulk_create(
        changed,
        update_conflicts=True,
        unique_fields=["slot", "membership"],
        update_fields=["answer", "updated_at"],
    )


def poll_choose(*, access: GroupAccess, poll: DatePoll, slot_id: int) -> ScheduleResult:
    """Pick one proposed time: the meeting is scheduled then and the poll closes."""
    meeting = poll.meeting
    if meeting is None:
        raise ValidationError(_("This poll is not for a meeting."))
    if not can_facilitate(access, meeting):
        raise PermissionDenied
    _require_open(access.group)
    if poll.closed_at is not None:
        raise ValidationError(_("This poll is closed."))
    slot = DateSlot.objects.filter(poll=poll, pk=slot_id).first()
    if slot is None:
        raise ValidationError(_("Choose one of the proposed times."))
    group = access.group
    with transaction.atomic():
        poll = DatePoll.objects.select_for_update(of=("self",)).get(pk=poll.pk)
        if poll.closed_at is not None:
            raise ValidationError(_("This poll is closed."))
        result = meeting_schedule(
            access=access,
            meeting=meeting,
            starts_at=slot.starts_at,
            duration_minutes=slot.duration_minutes,
            form=meeting.form,
            place=meeting.place or group.place,
            video_link=meeting.video_link or group.video_link,
        )
        poll.closed_at = timezone.now()
        poll.chosen_slot = slot
        poll.save(update_fields=["closed_at", "chosen_slot"])
        audit_log(
            actor=access.user,
            action="meetings.poll_chosen",
            group_id=group.pk,
            meeting=meeting.pk,
            poll=poll.pk,
            slot=slot.pk,
        )
    return result


# --- calendar addresses -------------------------------------------------------------------


def calendar_feed_create(*, user: User) -> CalendarFeed:
    """My secret calendar address; a new one replaces (and so revokes) the old."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update(of=("self",)).get_or_create(
            user=user
        )
        if not created:
            feed.token = new_token()
            feed.created_at = timezone.now()
            feed.save(update_fields=["token", "created_at"])
    return feed
