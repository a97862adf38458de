"""What an organisation's dashboard shows: its groups' metadata, and released programme
feedback in aggregates (see booster.feedback.selectors for the rule that keeps people
anonymous). Never a word written inside a group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext as _

from booster.accounts.models import Language
from booster.feedback.models import STATEMENTS, Agreement, Recommend
from booster.feedback.selectors import (
    AGREEING,
    AGREEMENT_VALUES,
    RECOMMEND_VALUES,
    Batch,
    Counts,
    combined,
    may_show,
    released_batches,
)
from booster.groups.models import Group, MeetingForm, Membership
from booster.meetings.models import Meeting
from booster.organisations.models import Organisation
from booster.room.models import Attendance

# --- groups -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    """One group as its organisation sees it: metadata only."""

    name: str
    state: str
    state_label: str
    language: str
    form_label: str
    members: int
    meetings_planned: int
    meetings_held: int
    next_meeting: datetime | None
    attended: int
    closed_at: datetime | None

    @property
    def attendance_per_meeting(self) -> float | None:
        """The average number of people at a held meeting."""
        if not self.meetings_held:
            return None
        return round(self.attended / self.meetings_held, 1)


GROUPS_PER_PAGE = 50


def group_state(value: str | None) -> str | None:
    """The state a coordinator filters by, or None for an unknown value (ignored)."""
    return value if value in Group.State.values else None


@dataclass(frozen=True)
class GroupTotals:
    """The whole organisation, whatever page or filter is shown, as counted at
    ``counted_at`` (at most :data:`TOTALS_SECONDS` ago)."""

    forming: int
    running: int
    closed: int
    members: int
    meetings_planned: int
    meetings_held: int
    counted_at: datetime

    @property
    def groups(self) -> int:
        return self.forming + self.running + self.closed

    def in_state(self, state: str | None) -> int:
        """How many groups a filter by ``state`` (None: all) shows."""
        if state is None:
            return self.groups
        return int(getattr(self, state, 0))


def _count(queryset: QuerySet[Any, Any], by: str) -> Coalesce:
    """A scalar subquery counting the rows of ``queryset``, grouped by ``by`` (the outer
    row's key), or 0."""
    counted = queryset.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# How long an organisation's totals are kept in the cache. Counting every member and
# meeting of a large organisation takes tens of milliseconds (40–60 ms for 2,500 groups on
# SQLite, docs/performance.md); a coordinator's figures may be a minute old instead. A group
# created, closed, moved or deleted forgets them at once (organisations/signals.py), so the
# groups counted by state, which also page the list, are current.
TOTALS_SECONDS = 60
TOTALS_MAX_AGE = timedelta(seconds=TOTALS_SECONDS)


def _totals_key(organisation_id: int) -> str:
    return f"dashboard-totals:{organisation_id}"


def group_totals_forget(*, organisation_id: int) -> None:
    """The next dashboard of ``organisation_id`` counts again."""
    cache.delete(_totals_key(organisation_id))


def group_totals(*, organisation: Organisation) -> GroupTotals:
    """The organisation's totals: from the cache when counted in the last minute, else
    counted by one aggregate query however many groups there are."""
    key = _totals_key(organisation.pk)
    figures = cache.get(key)
    # The age is checked here too, not left to the cache's own expiry: Redis expires keys
    # by its own clock, and the figures must be a minute old at most by ours.
    if figures is None or timezone.now() - figures["counted_at"] >= TOTALS_MAX_AGE:
        figures = _count_totals(organisation)
        cache.set(key, figures, TOTALS_SECONDS)
    return GroupTotals(**figures)


def _count_totals(organisation: Organisation) -> dict[str, Any]:
    outer = OuterRef("pk")
    groups = Group.objects.filter(organisation=outer)
    meetings = Meeting.objects.filter(group__organisation=outer)
    figures = (
        Organisation.objects.filter(pk=organisation.pk)
        .values(
            forming=_count(groups.filter(state=Group.State.FORMING), "organisation"),
            running=_count(groups.filter(state=Group.State.RUNNING), "organisation"),
            closed=_count(groups.filter(state=Group.State.CLOSED), "organisation"),
            members=_count(
                Membership.objects.filter(
                    group__organisation=outer,
                    state=Membership.State.ACTIVE,
                    role=Membership.Role.MEMBER,
                ),
                "group__organisation",
            ),
            meetings_planned=_count(
                meetings.filter(state__in=[Meeting.State.PLANNED, Meeting.State.HELD]),
                "group__organisation",
            ),
            meetings_held=_count(meetings.filter(state=Meeting.State.HELD), "group__organisation"),
        )
        .get()
    )
    return {**figures, "counted_at": timezone.now()}


class _CountedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator told its count (already known from the totals): no COUNT query."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _with_figures(groups: QuerySet[Group, Group], now: datetime) -> QuerySet[Any, Any]:
    """``groups`` with their figures, one scalar subquery per figure and group."""
    outer = OuterRef("pk")
    came = Q(confirmed=True) | Q(confirmed__isnull=True, first_seen__isnull=False)
    return groups.annotate(
        member_count=_count(
            Membership.objects.filter(
                group=outer, state=Membership.State.ACTIVE, role=Membership.Role.MEMBER
            ),
            "group",
        ),
        planned_count=_count(
            Meeting.objects.filter(
                group=outer, state__in=[Meeting.State.PLANNED, Meeting.State.HELD]
            ),
            "group",
        ),
        held_count=_count(Meeting.objects.filter(group=outer, state=Meeting.State.HELD), "group"),
        attended_count=_count(
            Attendance.objects.filter(
                came, run__meeting__group=outer, run__meeting__state=Meeting.State.HELD
            ),
            "run__meeting__group",
        ),
        next_meeting_at=Subquery(
            Meeting.objects.filter(group=outer, state=Meeting.State.PLANNED, starts_at__gte=now)
            .order_by()
            .values("group")
            .annotate(first=Min("starts_at"))
            .values("first")
        ),
    )


@dataclass(frozen=True)
class GroupPage:
    """One page of the organisation's groups, figures computed for this page only."""

    rows: list[GroupRow]
    page: Page  # type: ignore[type-arg]
    state: str | None


def organisation_groups(
    *,
    organisation: Organisation,
    totals: GroupTotals,
    state: str | None = None,
    page: str | int | None = 1,
    now: datetime | None = None,
) -> GroupPage:
    """A page of the organisation's groups (open ones first, then the latest closed), in
    a fixed number of queries however many groups there are: the page's groups, then
    their figures. An unknown or out-of-range page number gives the nearest page."""
    now = now or timezone.now()
    groups = Group.objects.filter(organisation=organisation)
    if state is not None:
        groups = groups.filter(state=state)
    groups = groups.only("id", "name", "state", "language", "form", "closed_at").order_by(
        F("closed_at").desc(nulls_first=True), "name", "id"
    )
    paginator = _CountedPaginator(groups, GROUPS_PER_PAGE, count=totals.in_state(state))
    chosen = paginator.get_page(page)
    # The figures are worked out for the page's groups only (the page is a subquery), so
    # the page and its figures cost one query, the same on the first page and the last.
    first = (chosen.number - 1) * GROUPS_PER_PAGE
    on_page = groups.filter(pk__in=groups[first : first + GROUPS_PER_PAGE].values("pk"))
    # The labels looked up once per page, not once per row (get_FOO_display rebuilds
    # its dictionary of choices on every call).
    states, languages, forms = (
        {value: str(label) for value, label in choices}
        for choices in (Group.State.choices, Language.choices, MeetingForm.choices)
    )
    rows = [
        GroupRow(
            name=group.name,
            state=group.state,
            state_label=states.get(group.state, group.state),
            language=languages.get(group.language, group.language),
            form_label=forms.get(group.form, group.form),
            members=group.member_count,
            meetings_planned=group.planned_count,
            meetings_held=group.held_count,
            next_meeting=group.next_meeting_at,
            attended=group.attended_count,
            closed_at=group.closed_at,
        )
        for group in _with_figures(on_page, now)
    ]
    return GroupPage(rows=rows, page=chosen, state=state)


# --- feedback ---------------------------------------------------------------------------

# Chart geometry (SVG user units). The bars scale with the viewBox.
CHART_WIDTH = 600
BAR_LEFT = 0
BAR_WIDTH = 600
BAR_HEIGHT = 28
# Light to dark greys with a black outline: readable on screen, printed and photocopied.
SEGMENT_FILLS: dict[int, str] = {
    1: "#ffffff",
    2: "#e3e3e3",
    3: "#bdbdbd",
    4: "#7a7a7a",
    5: "#333333",
}
SEGMENT_TEXT: dict[int, str] = {
    1: "#000000",
    2: "#000000",
    3: "#000000",
    4: "#ffffff",
    5: "#ffffff",
}
# Yes dark, maybe mid, no white.
RECOMMEND_SHADES: dict[str, int] = {"yes": 5, "maybe": 3, "no": 1}


@dataclass(frozen=True)
class Segment:
    value: int
    label: str | Promise
    count: int
    x: float
    width: float
    fill: str
    text_fill: str

    @property
    def text_x(self) -> float:
        return self.x + self.width / 2

    @property
    def shows_count(self) -> bool:
        """Whether the count fits inside the segment."""
        return self.count > 0 and self.width >= 24


@dataclass(frozen=True)
class StatementRow:
    key: str
    label: str | Promise
    counts: list[tuple[int, str | Promise, int]]
    answered: int
    agreeing: int
    segments: list[Segment]

    @property
    def agreeing_percent(self) -> int | None:
        if not self.answered:
            return None
        return round(100 * self.agreeing / self.answered)


@dataclass(frozen=True)
class Report:
    respondents: int
    statements: list[StatementRow]
    recommend: list[tuple[str, str | Promise, int]]
    recommend_answered: int
    recommend_segments: list[Segment]


def _bar(parts: list[tuple[int, str | Promise, int]]) -> list[Segment]:
    """A stacked bar: ``parts`` are (shade 1–5, label, count), left to right."""
    answered = sum(count for _shade, _label, count in parts)
    segments: list[Segment] = []
    x = float(BAR_LEFT)
    for shade, label, count in parts:
        width = BAR_WIDTH * count / answered if answered else 0.0
        segments.append(
            Segment(
                value=shade,
                label=label,
                count=count,
                x=round(x, 2),
                width=round(width, 2),
                fill=SEGMENT_FILLS[shade],
                text_fill=SEGMENT_TEXT[shade],
            )
        )
        x += width
    return segments


def _segments(counts: dict[int, int]) -> list[Segment]:
    return _bar([(value, Agreement(value).label, counts[value]) for value in AGREEMENT_VALUES])


def report_from(counts: Counts) -> Report:
    statements: list[StatementRow] = []
    for key, label in STATEMENTS:
        by_value = counts.statements[key]
        answered = sum(by_value.values())
        statements.append(
            StatementRow(
                key=key,
                label=label,  # type: ignore[arg-type]
                counts=[
                    (value, Agreement(value).label, by_value[value]) for value in AGREEMENT_VALUES
                ],
                answered=answered,
                agreeing=sum(by_value[value] for value in AGREEING),
                segments=_segments(by_value),
            )
        )
    recommend: list[tuple[str, str | Promise, int]] = [
        (choice, Recommend(choice).label, counts.recommend[choice]) for choice in RECOMMEND_VALUES
    ]
    return Report(
        respondents=counts.respondents,
        statements=statements,
        recommend=recommend,
        recommend_answered=sum(count for _choice, _label, count in recommend),
        recommend_segments=_bar(
            [(RECOMMEND_SHADES[choice], label, count) for choice, label, count in recommend]
        ),
    )


# --- scopes: which released answers a report covers ---------------------------------------

ALL = "all"


@dataclass(frozen=True)
class Scope:
    """A choice of released answers: all of them, one release, or the releases of a year.
    Every scope is a union of whole releases."""

    value: str
    label: str
    batches: tuple[Batch, ...]

    @property
    def respondents(self) -> int:
        return sum(batch.respondents for batch in self.batches)


def _local_year(moment: datetime) -> int:
    return timezone.localtime(moment).year


def scopes_for(batches: list[Batch]) -> list[Scope]:
    """The scopes offered: each is shown only if the rule allows it beside the total."""
    total = sum(batch.respondents for batch in batches)
    if not batches:
        return []
    offered = [Scope(ALL, _("All released answers"), tuple(batches))]
    years = sorted({_local_year(batch.released_at) for batch in batches})
    if len(years) > 1:
        for year in years:
            chosen = tuple(b for b in batches if _local_year(b.released_at) == year)
            offered.append(
                Scope(
                    f"year-{year}",
                    _("Released in %(year)s") % {"year": year},
                    chosen,
                )
            )
    if len(batches) > 1:
        for number, batch in enumerate(batches, start=1):
            offered.append(
                Scope(
                    f"release-{batch.release_id}",
                    _("Release %(number)s, %(date)s (%(count)s people)")
                    % {
                        "number": number,
                        "date": date_format(timezone.localtime(batch.released_at), "DATE_FORMAT"),
                        "count": batch.respondents,
                    },
                    (batch,),
                )
            )
    return [scope for scope in offered if may_show(shown=scope.respondents, total=total)]


@dataclass(frozen=True)
class FeedbackView:
    scopes: list[Scope]
    scope: Scope | None
    report: Report | None
    unknown_scope: bool


def feedback_view(*, organisation: Organisation, scope: str | None) -> FeedbackView:
    """The report for the chosen scope (all released answers when none or an unknown one
    is asked for); no report at all before the first release."""
    scopes = scopes_for(released_batches(organisation=organisation))
    if not scopes:
        return FeedbackView(scopes=[], scope=None, report=None, unknown_scope=False)
    wanted = scope or ALL
    chosen = next((s for s in scopes if s.value == wanted), None)
    unknown = chosen is None
    if chosen is None:
        chosen = scopes[0]
    return FeedbackView(
        scopes=scopes,
        scope=chosen,
        report=report_from(combined(chosen.batches)),
        unknown_scope=unknown,
    )
