"""Reads of a group's meetings, polls and calendars, always for one requesting person."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from booster.accounts.models import User
from booster.groups.models import Group, Membership
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
from booster.programme.schema import I18nText, Pack
from booster.programme.selectors import pack_for_version


def theme_text(*, pack: Pack, theme_key: str) -> I18nText | None:
    """The theme's title in every language, None when the pack has no such theme."""
    try:
        return pack.theme(theme_key).title
    except KeyError:
        return None


@dataclass(frozen=True)
class MeetingItem:
    """A meeting with its theme's title in the viewer's language."""

    meeting: Meeting
    theme_title: str
    theme_kind: str

    @property
    def ends_at(self) -> datetime | None:
        if self.meeting.starts_at is None:
            return None
        return self.meeting.starts_at + timedelta(minutes=self.meeting.duration_minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.meeting.state == Meeting.State.CANCELLED


def meeting_item(*, meeting: Meeting, pack: Pack, language: str | None = None) -> MeetingItem:
    language = language or get_language()
    try:
        theme = pack.theme(meeting.theme_key)
    except KeyError:
        return MeetingItem(meeting=meeting, theme_title=meeting.theme_key, theme_kind="")
    return MeetingItem(
        meeting=meeting, theme_title=theme.title.get(language), theme_kind=str(theme.kind)
    )


def group_pack(*, group: Group) -> Pack:
    return pack_for_version(version_id=group.pack_version_id)


def meetings_of_group(*, group: Group, include_cancelled: bool = True) -> QuerySet[Meeting]:
    meetings = Meeting.objects.filter(group=group).select_related("facilitator", "timekeeper")
    if not include_cancelled:
        meetings = meetings.exclude(state=Meeting.State.CANCELLED)
    return meetings.order_by("number", "state", "id")


def next_meeting_of(meetings: list[Meeting], *, now: datetime | None = None) -> Meeting | None:
    """The first planned meeting (by number) that has not ended yet or has no date yet."""
    now = now or timezone.now()
    for meeting in meetings:
        if meeting.state != Meeting.State.PLANNED:
            continue
        if meeting.starts_at is None:
            return meeting
        if meeting.starts_at + timedelta(minutes=meeting.duration_minutes) > now:
            return meeting
    return None


def home_section(*, access: GroupAccess) -> dict[str, Any]:
    """What the group's home shows about meetings: the next one and the path of meetings.

    Three queries at most (meetings, the viewer's absence, the pinned pack once per process).
    """
    group = access.group
    pack = group_pack(group=group)
    meetings = list(meetings_of_group(group=group, include_cancelled=False))
    path = [meeting_item(meeting=meeting, pack=pack) for meeting in meetings]
    upcoming = next_meeting_of(meetings)
    next_item = next((item for item in path if item.meeting is upcoming), None)
    absent = False
    if upcoming is not None:
        absent = Absence.objects.filter(meeting=upcoming, membership=access.membership).exists()
    return {
        "group": group,
        "next": next_item,
        "path": path,
        "absent": absent,
        "can_schedule": upcoming is not None and can_facilitate(access, upcoming),
        "can_plan_opening": access.is_steward and not meetings,
    }


def meeting_for_access(*, access: GroupAccess, meeting_id: int) -> Meeting:
    """One meeting of the viewer's group, or Meeting.DoesNotExist."""
    return Meeting.objects.select_related("facilitator", "timekeeper", "group").get(
        group=access.group, pk=meeting_id
    )


@dataclass(frozen=True)
class Attendance:
    """Who is expected at a meeting and who reported an absence (facilitator and stewards)."""

    expected: list[Membership]
    absences: list[Absence]


def meeting_attendance(*, meeting: Meeting) -> Attendance:
    memberships = list(
        Membership.objects.active().filter(group_id=meeting.group_id).order_by(*SEAT_ORDER)
    )
    absences = list(
        Absence.objects.filter(meeting=meeting, membership__state=Membership.State.ACTIVE)
        .select_related("membership")
        .order_by("membership__display_name", "id")
    )
    absent_ids = {absence.membership_id for absence in absences}
    return Attendance(
        expected=[membership for membership in memberships if membership.pk not in absent_ids],
        absences=absences,
    )


def absence_of(*, access: GroupAccess, meeting: Meeting) -> Absence | None:
    return Absence.objects.filter(meeting=meeting, membership=access.membership).first()


def open_swap_of(*, meeting: Meeting) -> FacilitatorSwap | None:
    return (
        FacilitatorSwap.objects.filter(meeting=meeting, state=FacilitatorSwap.State.OPEN)
        .select_related("requested_by")
        .first()
    )


def open_swaps_of_group(*, group: Group) -> dict[int, FacilitatorSwap]:
    """The open swap request of each meeting, by meeting id."""
    swaps = FacilitatorSwap.objects.filter(
        meeting__group=group, state=FacilitatorSwap.State.OPEN
    ).select_related("requested_by")
    return {swap.meeting_id: swap for swap in swaps}


def open_polls_of_group(*, group: Group) -> dict[int, DatePoll]:
    """The open date poll of each meeting, by meeting id."""
    polls = DatePoll.objects.filter(group=group, closed_at__isnull=True, meeting__isnull=False)
    return {poll.meeting_id: poll for poll in polls if poll.meeting_id is not None}


# Members in seat order, then guides.
SEAT_ORDER = (F("seat").asc(nulls_last=True), F("guide_seat").asc(nulls_last=True), "id")


def active_people(*, group: Group) -> list[Membership]:
    """Members in seat order, then guides."""
    return list(Membership.objects.active().filter(group=group).order_by(*SEAT_ORDER))


def facilitation_agreed(*, group: Group) -> tuple[str, str]:
    """What the group's practical agreements say about who leads the meetings: the choice
    ("one", "rotating", "guide", or "" when not agreed yet) and how it reads."""
    from booster.planning.selectors import agreement_display, agreements_current

    agreements = agreements_current(group_id=group.pk)
    if agreements is None or not agreements.facilitation:
        return "", ""
    return agreements.facilitation, agreement_display(agreements, "facilitation")


# --- date polls ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PollCell:
    person: Membership
    answer: str | None


@dataclass
class SlotRow:
    """One proposed time with everyone's answers."""

    slot: DateSlot
    answers: dict[int, str] = field(default_factory=dict)  # membership id → answer
    cells: list[PollCell] = field(default_factory=list)  # one per person, in seat order
    yes: int = 0
    maybe: int = 0
    no: int = 0
    suits_everyone: bool = False

    @property
    def ends_at(self) -> datetime:
        return self.slot.starts_at + timedelta(minutes=self.slot.duration_minutes)


@dataclass(frozen=True)
class PollTable:
    poll: DatePoll
    people: list[Membership]
    rows: list[SlotRow]  # suiting everyone first (most yes), then the others
    answered_by_all: bool

    @property
    def suitable(self) -> list[SlotRow]:
        return [row for row in self.rows if row.suits_everyone]


def poll_for_access(*, access: GroupAccess, poll_id: int) -> DatePoll:
    return DatePoll.objects.select_related("meeting", "chosen_slot").get(
        group=access.group, pk=poll_id
    )


def poll_table(*, poll: DatePoll) -> PollTable:
    """Everyone's answers; slots that suit everyone (answered by all, no "no") come first,
    the most "yes" first; the rest follow with the fewest "no"."""
    people = active_people(group=poll.group)
    active_ids = {person.pk for person in people}
    slots = list(
        DateSlot.objects.filter(poll=poll).prefetch_related(
            Prefetch(
                "answers",
                queryset=DateAnswer.objects.filter(membership_id__in=active_ids),
                to_attr="active_answers",
            )
        )
    )
    rows: list[SlotRow] = []
    for slot in slots:
        row = SlotRow(slot=slot)
        for answer in slot.active_answers:
            row.answers[answer.membership_id] = answer.answer
        row.cells = [PollCell(person, row.answers.get(person.pk)) for person in people]
        row.yes = sum(1 for a in row.answers.values() if a == DateAnswer.Answer.YES)
        row.maybe = sum(1 for a in row.answers.values() if a == DateAnswer.Answer.MAYBE)
        row.no = sum(1 for a in row.answers.values() if a == DateAnswer.Answer.NO)
        row.suits_everyone = bool(people) and row.no == 0 and len(row.answers) == len(people)
        rows.append(row)
    rows.sort(
        key=lambda row: (
            not row.suits_everyone,
            row.no if not row.suits_everyone else 0,
            -row.yes,
            -row.maybe,
            row.slot.starts_at,
        )
    )
    answered_by_all = bool(slots) and all(len(row.answers) == len(people) for row in rows)
    return PollTable(poll=poll, people=people, rows=rows, answered_by_all=answered_by_all)


def my_answers(*, access: GroupAccess, poll: DatePoll) -> dict[int, str]:
    """The viewer's answers by slot id."""
    return dict(
        DateAnswer.objects.filter(slot__poll=poll, membership=access.membership).values_list(
            "slot_id", "answer"
        )
    )


# --- calendars ----------------------------------------------------------------------------


def calendar_feed_of(*, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_by_token(*, token: str) -> CalendarFeed | None:
    if not token:
        return None
    return CalendarFeed.objects.select_related("user").filter(token=token).first()


def meetings_of_user(*, user: User) -> list[Meeting]:
    """Every dated meeting (cancelled ones too, so calendars drop them) of the groups the
    person is active in."""
    return list(
        Meeting.objects.filter(
            Q(group__memberships__user=user) & Q(group__memberships__state=Membership.State.ACTIVE),
            starts_at__isnull=False,
        )
        .select_related("group")
        .distinct()
        .order_by("starts_at", "id")
    )
