"""The organisation's dashboard: who may see it, what it shows (metadata and released
aggregates, never a word written in a group), and that it costs the same few queries
however many groups there are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booster.accounts.models import User
from booster.core.models import AuditEntry
from booster.feedback.services import feedback_release_due
from booster.groups.models import Group
from booster.meetings.models import Meeting
from booster.organisations.models import Organisation
from booster.organisations.reports import TOTALS_SECONDS, group_totals_forget
from booster.room.models import Attendance, MeetingRun
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory
from tests.feedback.factories import (
    answer_create,
    coordinator_create,
    operator_create,
    organisation_create,
)

pytestmark = pytest.mark.django_db

URL_NAMES = ("dashboard:index", "dashboard:csv", "dashboard:pdf")
SECRET_COMMENT = "the-convener-only-line-7391"
SECRET_DESCRIPTION = "a-description-written-in-the-group-2211"


def _url(name: str, organisation: Organisation, query: str = "") -> str:
    return reverse(name, kwargs={"slug": organisation.slug}) + query


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def organisation() -> Organisation:
    return organisation_create("Northern Union")


@pytest.fixture
def coordinator(organisation: Organisation) -> User:
    return coordinator_create(organisation, display_name="Coordinator Cora")


def _held_meeting(group: Group, number: int, *, came: int) -> Meeting:
    meeting = MeetingFactory(
        group=group,
        number=number,
        state=Meeting.State.HELD,
        starts_at=timezone.now() - timedelta(days=30 - number),
    )
    run = MeetingRun.objects.create(meeting=meeting, state=MeetingRun.State.ENDED)
    for membership in group.memberships.all()[:came]:
        Attendance.objects.create(run=run, membership=membership, first_seen=timezone.now())
    return meeting


def _group_with_history(organisation: Organisation, name: str) -> Group:
    group = GroupFactory(
        organisation=organisation, name=name, description=SECRET_DESCRIPTION, state="running"
    )
    members = [MembershipFactory(group=group) for _ in range(4)]
    _held_meeting(group, 1, came=4)
    _held_meeting(group, 2, came=3)
    MeetingFactory(group=group, number=3, starts_at=timezone.now() + timedelta(days=7))
    # Someone the facilitator confirmed absent does not count, however long they were seen.
    run = MeetingRun.objects.get(meeting__group=group, meeting__number=2)
    Attendance.objects.create(
        run=run, membership=members[3], first_seen=timezone.now(), confirmed=False
    )
    return group


# --- access ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", URL_NAMES)
def test_the_coordinator_and_operators_may_open_every_dashboard_page(
    organisation: Organisation, coordinator: User, name: str
) -> None:
    for person in (coordinator, operator_create()):
        response = _client(person).get(_url(name, organisation))
        assert response.status_code == 200, (name, person)


@pytest.mark.parametrize("name", URL_NAMES)
def test_everyone_else_gets_a_404_and_the_anonymous_the_login_page(
    organisation: Organisation, name: str
) -> None:
    group = GroupFactory(organisation=organisation)
    member = MembershipFactory(group=group).user
    convener = MembershipFactory(group=group, is_convener=True).user
    other_coordinator = coordinator_create(organisation_create())
    staff_only = UserFactory(is_staff=True)
    for person in (member, convener, other_coordinator, UserFactory(), staff_only):
        response = _client(person).get(_url(name, organisation))
        assert response.status_code == 404, (name, person)
    response = _client(None).get(_url(name, organisation))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not AuditEntry.objects.filter(action="organisations.report_exported").exists()


def test_an_unknown_organisation_is_a_404_even_for_an_operator() -> None:
    response = _client(operator_create()).get(reverse("dashboard:index", kwargs={"slug": "none"}))
    assert response.status_code == 404


@pytest.mark.parametrize("name", URL_NAMES)
def test_the_pages_answer_only_get(
    organisation: Organisation, coordinator: User, name: str
) -> None:
    assert _client(coordinator).post(_url(name, organisation)).status_code == 405


# --- groups' metadata -------------------------------------------------------------------


def test_the_groups_show_their_state_programme_members_and_attendance(
    organisation: Organisation, coordinator: User
) -> None:
    _group_with_history(organisation, "Harbour group")
    GroupFactory(organisation=organisation, name="Forming group")
    GroupFactory(organisation=organisation_create(), name="Someone else's group")
    response = _client(coordinator).get(_url("dashboard:index", organisation))
    html = response.content.decode()
    assert "Harbour group" in html and "Forming group" in html
    assert "Someone else&#x27;s group" not in html and "Someone else's group" not in html
    assert "2 of 3 meetings held" in html
    assert "3.5 a meeting" in html  # (4 + 3) people over 2 held meetings
    assert "No meetings planned yet" in html
    groups = response.context["groups"]
    harbour = next(row for row in groups if row.name == "Harbour group")
    assert (harbour.members, harbour.meetings_held, harbour.meetings_planned) == (4, 2, 3)
    assert harbour.next_meeting is not None
    assert SECRET_DESCRIPTION not in html


def test_the_page_costs_the_same_queries_with_two_groups_or_eight(
    organisation: Organisation, coordinator: User, django_assert_max_num_queries: Any
) -> None:
    client = _client(coordinator)
    url = _url("dashboard:index", organisation)

    def count() -> int:
        # The totals counted afresh (not from the minute's cache): the dearest request.
        group_totals_forget(organisation_id=organisation.pk)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for index in range(2):
        group = _group_with_history(organisation, f"Group {index}")
        for _ in range(3):
            answer_create(group)
    feedback_release_due(organisation=organisation)
    client.get(url)  # warm the session
    with_two = count()
    for index in range(2, 8):
        group = _group_with_history(organisation, f"Group {index}")
        for _ in range(3):
            answer_create(group)
    feedback_release_due(organisation=organisation)
    assert count() == with_two
    with django_assert_max_num_queries(12):
        client.get(url)
    # Sixty groups span two pages: each page costs what two groups cost.
    for index in range(8, 60):
        MembershipFactory(group=GroupFactory(organisation=organisation, name=f"Group {index}"))
    assert count() == with_two
    url = _url("dashboard:index", organisation, "?page=2")
    assert count() == with_two
    # Within the minute the totals come from the cache: one query fewer.
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == with_two - 1


def _totals_shown(client: Client, organisation: Organisation) -> Any:
    return client.get(_url("dashboard:index", organisation)).context["totals"]


def test_members_and_meetings_are_counted_again_after_a_minute(
    organisation: Organisation, coordinator: User
) -> None:
    client = _client(coordinator)
    group = _group_with_history(organisation, "Harbour group")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        first = _totals_shown(client, organisation)
        assert (first.members, first.meetings_held) == (4, 2)
        MembershipFactory(group=group)
        _held_meeting(group, 4, came=2)
        # Still the figures counted a moment ago, and the page says when that was.
        again = _totals_shown(client, organisation)
        assert (again.members, again.meetings_held) == (4, 2)
        assert again.counted_at == first.counted_at
        traveller.shift(timedelta(seconds=TOTALS_SECONDS + 1))
        later = _totals_shown(client, organisation)
    assert (later.members, later.meetings_held) == (5, 3)
    assert later.counted_at > first.counted_at


def test_a_group_created_closed_moved_or_deleted_is_counted_at_once(
    organisation: Organisation, coordinator: User
) -> None:
    client = _client(coordinator)
    other = organisation_create("Southern Union")
    other_coordinator = coordinator_create(other, display_name="Coordinator Otto")
    other_client = _client(other_coordinator)
    group = GroupFactory(organisation=organisation, name="Harbour group", state="running")
    totals = _totals_shown(client, organisation)
    assert (totals.running, totals.closed) == (1, 0)
    assert _totals_shown(other_client, other).groups == 0

    GroupFactory(organisation=organisation, name="Forming group")
    assert _totals_shown(client, organisation).forming == 1

    group.state = Group.State.CLOSED
    group.closed_at = timezone.now()
    group.save(update_fields=["state", "closed_at"])
    totals = _totals_shown(client, organisation)
    assert (totals.running, totals.closed) == (0, 1)

    moved = Group.objects.get(pk=group.pk)
    moved.organisation = other
    moved.save(update_fields=["organisation"])
    assert _totals_shown(client, organisation).closed == 0
    assert _totals_shown(other_client, other).closed == 1

    moved.delete()
    assert _totals_shown(other_client, other).groups == 0


def test_the_page_says_when_the_totals_were_counted_in_the_readers_time_zone(
    organisation: Organisation, coordinator: User
) -> None:
    coordinator.time_zone = "Europe/Helsinki"
    coordinator.save(update_fields=["time_zone"])
    GroupFactory(organisation=organisation, name="Harbour group", state="running")
    counted = datetime(2026, 11, 29, 8, 5, tzinfo=UTC)
    with time_machine.travel(counted, tick=False):
        html = _client(coordinator).get(_url("dashboard:index", organisation)).content.decode()
    assert "Counted Nov. 29, 2026, 10:05 a.m." in html  # 08:05 UTC in Helsinki


def _many_groups(organisation: Organisation, number: int) -> None:
    for index in range(number):
        GroupFactory(
            organisation=organisation,
            name=f"Group {index:03}",
            state=Group.State.CLOSED if index % 3 == 0 else Group.State.RUNNING,
            closed_at=timezone.now() if index % 3 == 0 else None,
        )


def test_the_groups_come_fifty_a_page_with_a_page_nav(
    organisation: Organisation, coordinator: User
) -> None:
    _many_groups(organisation, 60)
    client = _client(coordinator)
    response = client.get(_url("dashboard:index", organisation))
    first = [row.name for row in response.context["groups"]]
    assert len(first) == 50
    totals = response.context["totals"]
    assert (totals.running, totals.closed, totals.groups) == (40, 20, 60)
    html = response.content.decode()
    assert '<nav class="dash-pages" aria-label="Pages of groups">' in html
    assert 'href="?page=1" aria-current="page"' in html
    assert 'href="?page=2" rel="next"' in html
    response = client.get(_url("dashboard:index", organisation, "?page=2"))
    second = [row.name for row in response.context["groups"]]
    assert len(second) == 10 and not set(first) & set(second)
    assert 'href="?page=2" aria-current="page"' in response.content.decode()
    # Open groups first, then the closed ones.
    assert [row.state for row in response.context["groups"]] == ["closed"] * 10


@pytest.mark.parametrize(("query", "number"), [("?page=abc", 1), ("?page=-1", 2), ("?page=99", 2)])
def test_a_bad_page_number_shows_the_nearest_page(
    organisation: Organisation, coordinator: User, query: str, number: int
) -> None:
    _many_groups(organisation, 60)
    response = _client(coordinator).get(_url("dashboard:index", organisation, query))
    assert response.status_code == 200
    assert response.context["groups_page"].number == number


def test_the_coordinator_can_filter_the_groups_by_state(
    organisation: Organisation, coordinator: User
) -> None:
    _many_groups(organisation, 60)
    GroupFactory(organisation=organisation, name="Forming group", state=Group.State.FORMING)
    client = _client(coordinator)
    response = client.get(_url("dashboard:index", organisation, "?state=closed"))
    rows = response.context["groups"]
    assert len(rows) == 20 and {row.state for row in rows} == {"closed"}
    assert response.context["groups_page"].paginator.num_pages == 1
    assert response.context["totals"].groups == 61  # the totals are the whole organisation's
    assert '<option value="closed" selected>' in response.content.decode()
    response = client.get(_url("dashboard:index", organisation, "?state=running&page=1"))
    assert {row.state for row in response.context["groups"]} == {"running"}
    assert 'href="?state=running&amp;page=2"' not in response.content.decode()  # 40: one page
    response = client.get(_url("dashboard:index", organisation, "?state=forming"))
    assert [row.name for row in response.context["groups"]] == ["Forming group"]
    # An unknown state is ignored: all groups, no error.
    response = client.get(_url("dashboard:index", organisation, "?state=bogus&page=2"))
    assert response.status_code == 200
    assert response.context["groups_state"] == ""
    assert len(response.context["groups"]) == 11
    assert response.context["groups_page"].number == 2


def test_the_page_links_keep_the_state_filter(
    organisation: Organisation, coordinator: User
) -> None:
    for index in range(55):
        GroupFactory(organisation=organisation, name=f"Running {index}", state="running")
    html = (
        _client(coordinator)
        .get(_url("dashboard:index", organisation, "?state=running"))
        .content.decode()
    )
    assert 'href="?state=running&amp;page=2" rel="next"' in html


def test_choosing_which_answers_keeps_the_state_filter(
    organisation: Organisation, coordinator: User
) -> None:
    group = GroupFactory(organisation=organisation, state="closed")
    for _ in range(2):
        for _ in range(5):
            answer_create(group)
        feedback_release_due(organisation=organisation)
    client = _client(coordinator)
    html = client.get(_url("dashboard:index", organisation, "?state=closed")).content.decode()
    scope_form = html[html.index('<label for="dash-scope">') - 400 : html.index("dash-scope")]
    assert '<input type="hidden" name="state" value="closed">' in scope_form
    # With no state chosen there is nothing to keep.
    html = client.get(_url("dashboard:index", organisation)).content.decode()
    assert 'name="state" value=' not in html


# --- feedback ---------------------------------------------------------------------------


def test_no_aggregate_before_five_answers_and_the_aggregate_after(
    organisation: Organisation, coordinator: User
) -> None:
    group = GroupFactory(organisation=organisation, state="closed")
    client = _client(coordinator)
    for _ in range(4):
        answer_create(group, answers={"safe": 2})
        feedback_release_due(organisation=organisation)
    html = client.get(_url("dashboard:index", organisation)).content.decode()
    assert "No feedback is shown yet" in html
    assert "Answers to each statement" not in html
    answer_create(group, answers={"safe": 2})
    feedback_release_due(organisation=organisation)
    response = client.get(_url("dashboard:index", organisation))
    html = response.content.decode()
    assert "5 people answered." in html
    report = response.context["feedback"].report
    safe = next(row for row in report.statements if row.key == "safe")
    assert [count for _value, _label, count in safe.counts] == [0, 5, 0, 0, 0]
    assert safe.agreeing_percent == 0
    info = next(row for row in report.statements if row.key == "information")
    assert info.agreeing_percent == 100
    assert [count for _choice, _label, count in report.recommend] == [5, 0, 0]
    assert "<svg" in html and "<table" in html


def test_comments_never_reach_the_organisation(
    organisation: Organisation, coordinator: User
) -> None:
    group = GroupFactory(organisation=organisation)
    for _ in range(5):
        answer_create(group, comment=SECRET_COMMENT)
    feedback_release_due(organisation=organisation)
    client = _client(coordinator)
    for name in ("dashboard:index", "dashboard:csv"):
        body = client.get(_url(name, organisation)).content.decode("utf-8-sig")
        assert "5" in body
        assert SECRET_COMMENT not in body, name


def test_a_filter_to_one_release_or_year_never_goes_below_five(
    organisation: Organisation, coordinator: User
) -> None:
    group = GroupFactory(organisation=organisation)
    for _ in range(5):
        answer_create(group, answers={"hope": 1})
    first = feedback_release_due(organisation=organisation)
    for _ in range(6):
        answer_create(group, answers={"hope": 5})
    second = feedback_release_due(organisation=organisation)
    assert first is not None and second is not None
    client = _client(coordinator)
    response = client.get(_url("dashboard:index", organisation, f"?scope=release-{first.pk}"))
    report = response.context["feedback"].report
    assert report.respondents == 5
    hope = next(row for row in report.statements if row.key == "hope")
    assert [count for _value, _label, count in hope.counts] == [5, 0, 0, 0, 0]
    # A release that somehow holds fewer than five is offered nowhere and counted nowhere.
    for answer in list(second.responses.all()[:2]):
        answer.delete()
    response = client.get(_url("dashboard:index", organisation, f"?scope=release-{second.pk}"))
    feedback = response.context["feedback"]
    assert feedback.unknown_scope
    assert feedback.report.respondents == 5
    assert [scope.value for scope in feedback.scopes] == ["all"]
    assert "not available" in response.content.decode()


def test_the_csv_holds_the_same_aggregates_and_is_audited(
    organisation: Organisation, coordinator: User
) -> None:
    group = GroupFactory(organisation=organisation)
    for value in (1, 2, 3, 4, 5):
        answer_create(group, answers={"growth": value, "recommend": "maybe"})
    feedback_release_due(organisation=organisation)
    response = _client(coordinator).get(_url("dashboard:csv", organisation))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert "People who answered,5" in lines
    assert "I grew as a person or a professional.,1,1,1,1,1,5,40" in lines
    assert "Maybe,5" in lines
    entry = AuditEntry.objects.get(action="organisations.report_exported")
    assert entry.actor == coordinator
    assert entry.organisation_id == organisation.pk
    assert entry.data == {"format": "csv", "scope": "all"}


def test_the_pdf_report_is_a_pdf_and_is_audited(
    organisation: Organisation, coordinator: User
) -> None:
    group = _group_with_history(organisation, "Harbour group")
    for _ in range(5):
        answer_create(group)
    feedback_release_due(organisation=organisation)
    response = _client(coordinator).get(_url("dashboard:pdf", organisation))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    entry = AuditEntry.objects.get(action="organisations.report_exported")
    assert entry.data["format"] == "pdf"
    assert entry.organisation_id == organisation.pk


def test_the_pdf_source_holds_no_comment_and_no_group_writing(
    organisation: Organisation, coordinator: User, rf: Any
) -> None:
    from django.template.loader import render_to_string

    from booster.organisations import dashboard
    from booster.organisations.permissions import organisation_access

    group = _group_with_history(organisation, "Harbour group")
    for _ in range(5):
        answer_create(group, comment=SECRET_COMMENT)
    feedback_release_due(organisation=organisation)
    request = rf.get("/")
    request.user = coordinator
    context = dashboard._context(
        request, organisation_access(user=coordinator, slug=organisation.slug)
    )
    html = render_to_string("organisations/report_pdf.html", context)
    assert "5 people answered." in html
    assert SECRET_COMMENT not in html and SECRET_DESCRIPTION not in html


def test_the_charts_are_plain_svg_in_every_language_without_inline_style_or_script(
    organisation: Organisation, coordinator: User
) -> None:
    group = GroupFactory(organisation=organisation)
    for value in (4, 4, 4, 5, 5):
        answer_create(group, answers={"information": value})
    feedback_release_due(organisation=organisation)
    client = _client(coordinator)
    for language in ("en", "fi", "sv"):
        url = f"/{language}/organisations/{organisation.slug}/dashboard/"
        html = client.get(url).content.decode()
        # Three of five agree, then two of five strongly: numbers never localised ("360,0").
        assert 'x="0.0" y="0.5" width="360.0"' in html, language
        assert 'x="360.0" y="0.5" width="240.0"' in html, language
        assert "style=" not in html and "<script" not in html, language
