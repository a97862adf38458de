"""Named attacks on the anonymity of programme feedback, tried by hypothesis. Each test
tries to recover one person's answer from what an organisation can see, and must fail.

What the organisation sees is computed by the same code the dashboard, the CSV and the PDF
use (``booster.organisations.reports``); the view tests show the pages print exactly that.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import models, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booster.accounts.models import User
from booster.feedback.models import (
    MIN_RESPONDENTS,
    STATEMENTS,
    FeedbackReceipt,
    FeedbackRelease,
    FeedbackResponse,
)
from booster.feedback.selectors import may_show, released_batches
from booster.feedback.services import feedback_release_due
from booster.groups.models import Group, Membership
from booster.organisations.models import Organisation
from booster.organisations.reports import Report, feedback_view, scopes_for
from tests.factories import GroupFactory
from tests.feedback.factories import answer_create, organisation_create

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

agreement = st.one_of(st.none(), st.integers(min_value=1, max_value=5))
one_answer = st.fixed_dictionaries(
    {
        **{key: agreement for key, _label in STATEMENTS},
        "recommend": st.sampled_from(["", "yes", "maybe", "no"]),
    }
)


@contextmanager
def rolled_back() -> Iterator[None]:
    """One hypothesis example's rows, gone afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _visible(organisation: Organisation) -> dict[str, Any]:
    """Everything the organisation can see of its feedback: each offered choice of answers
    with its report."""
    view = feedback_view(organisation=organisation, scope=None)
    seen: dict[str, Any] = {}
    for scope in view.scopes:
        chosen = feedback_view(organisation=organisation, scope=scope.value)
        assert chosen.scope is not None and chosen.scope.value == scope.value
        seen[scope.label] = chosen.report
    return seen


def _respondents(report: Report | None) -> int:
    return report.respondents if report else 0


def _vector(report: Report | None) -> list[int]:
    """A report as numbers: every count it shows."""
    if report is None:
        return [0] * (len(STATEMENTS) * 5 + 4)
    numbers = [report.respondents]
    for row in report.statements:
        numbers += [count for _value, _label, count in row.counts]
    numbers += [count for _choice, _label, count in report.recommend]
    return numbers


# --- the table itself ------------------------------------------------------------------


def test_the_answer_table_holds_no_link_to_a_person_and_no_time() -> None:
    for field in FeedbackResponse._meta.get_fields():
        related = getattr(field, "related_model", None)
        assert related not in (User, Membership, FeedbackReceipt), field.name
        assert not isinstance(field, models.DateTimeField), field.name
        assert not isinstance(field, models.TimeField), field.name
    # A random key: rows carry no order to match with receipts or with people's log-ins.
    assert isinstance(FeedbackResponse._meta.pk, models.UUIDField)


def test_the_receipt_carries_no_date_and_no_link_to_the_answer() -> None:
    for field in FeedbackReceipt._meta.get_fields():
        assert getattr(field, "related_model", None) not in (FeedbackResponse, FeedbackRelease)
        assert not isinstance(field, (models.DateField, models.TimeField)), field.name
    assert isinstance(FeedbackReceipt._meta.pk, models.UUIDField)
    names = {field.name for field in FeedbackReceipt._meta.get_fields()}
    assert names == {"id", "group", "user", "skipped"}


# --- attack 1: two reports that differ by fewer than five people -------------------------


@PROPERTY
@given(arrivals=st.lists(one_answer, min_size=1, max_size=24))
def test_no_two_reports_differ_by_fewer_than_five_people(
    arrivals: list[dict[str, Any]],
) -> None:
    """People answer one by one; after each answer the release rule runs (as it does after
    every submission). The attacker keeps every report they ever saw and subtracts any two:
    the difference never holds between one and four people, so no single answer falls out."""
    with rolled_back():
        organisation = organisation_create()
        group = GroupFactory.build(organisation=organisation)
        group.pack_version_id = _pack_id()
        group.save()
        history: list[list[int]] = [_vector(None)]
        for answers in arrivals:
            answer_create(group, answers=answers)
            feedback_release_due(organisation=organisation)
            report = feedback_view(organisation=organisation, scope=None).report
            history.append(_vector(report))
        for earlier, later in itertools.combinations(history, 2):
            people = later[0] - earlier[0]
            assert people == 0 or people >= MIN_RESPONDENTS, (earlier[0], later[0])
            if people == 0:
                assert earlier == later
        # And everything that could be released has been, in batches of five or more.
        waiting = FeedbackResponse.objects.filter(release__isnull=True).count()
        assert waiting < MIN_RESPONDENTS
        assert history[-1][0] == len(arrivals) - waiting


# --- attack 2: a breakdown or a filter that narrows below five ----------------------------


@PROPERTY
@given(
    batches=st.lists(
        st.tuples(st.integers(min_value=1, max_value=9), st.integers(min_value=0, max_value=2)),
        min_size=1,
        max_size=4,
    )
)
def test_no_combination_of_the_offered_filters_isolates_fewer_than_five(
    batches: list[tuple[int, int]],
) -> None:
    """Releases of any size (even below five, as if one had been damaged) in up to three
    years. The attacker takes every choice of answers the dashboard offers and adds or
    subtracts them in every way: what remains is nobody or at least five people."""
    with rolled_back():
        organisation = organisation_create()
        group = GroupFactory.build(organisation=organisation)
        group.pack_version_id = _pack_id()
        group.save()
        start = datetime(2025, 3, 1, 12, tzinfo=UTC)
        for index, (size, year) in enumerate(batches):
            release = FeedbackRelease.objects.create(
                organisation=organisation,
                respondents=size,
                released_at=start + timedelta(days=365 * year + index),
            )
            for _ in range(size):
                answer = answer_create(group)
                answer.release = release
                answer.save(update_fields=["release"])
        members = {
            batch.release_id: set(
                FeedbackResponse.objects.filter(release_id=batch.release_id).values_list(
                    "pk", flat=True
                )
            )
            for batch in released_batches(organisation=organisation)
        }
        scopes = scopes_for(released_batches(organisation=organisation))
        total = sum(scope.respondents for scope in scopes[:1])
        sets = []
        for scope in scopes:
            assert may_show(shown=scope.respondents, total=total), scope.value
            people = set().union(*(members[batch.release_id] for batch in scope.batches))
            assert len(people) == scope.respondents >= MIN_RESPONDENTS
            sets.append(people)
        everyone = sorted(set().union(*sets)) if sets else []
        vectors = [[1 if person in chosen else 0 for person in everyone] for chosen in sets]
        for signs in itertools.product((-1, 0, 1), repeat=len(vectors)):
            combination = [
                sum(sign * vector[i] for sign, vector in zip(signs, vectors, strict=True))
                for i in range(len(everyone))
            ]
            support = sum(1 for value in combination if value)
            assert support == 0 or support >= MIN_RESPONDENTS, signs


@PROPERTY
@given(shown=st.integers(min_value=0, max_value=60), more=st.integers(min_value=0, max_value=60))
def test_a_set_is_shown_only_with_five_in_it_and_none_or_five_left_out(
    shown: int, more: int
) -> None:
    total = shown + more
    if may_show(shown=shown, total=total):
        assert shown >= MIN_RESPONDENTS
        assert more == 0 or more >= MIN_RESPONDENTS
    else:
        assert shown < MIN_RESPONDENTS or 0 < more < MIN_RESPONDENTS


# --- attack 3: a group's total next to the organisation's ---------------------------------


@PROPERTY
@given(
    arrivals=st.lists(
        st.tuples(one_answer, st.integers(min_value=0, max_value=2)), min_size=5, max_size=16
    ),
    regroup=st.lists(st.integers(min_value=0, max_value=2), min_size=16, max_size=16),
)
def test_what_the_organisation_sees_does_not_depend_on_which_group_answered(
    arrivals: list[tuple[dict[str, Any], int]], regroup: list[int]
) -> None:
    """The same people answer in the same order, once as they were grouped and once put in
    other groups. If a group's total could be read anywhere (next to the organisation's, or
    by a filter), the two would differ; the organisation sees exactly the same."""
    seen = []
    for grouping in ([group for _answers, group in arrivals], regroup[: len(arrivals)]):
        with rolled_back():
            organisation = organisation_create()
            groups = []
            for _ in range(3):
                group = GroupFactory.build(organisation=organisation)
                group.pack_version_id = _pack_id()
                group.save()
                groups.append(group)
            for (answers, _group), place in zip(arrivals, grouping, strict=True):
                answer_create(groups[place], answers=answers)
                feedback_release_due(organisation=organisation)
            seen.append(_visible(organisation))
    assert seen[0] == seen[1]


_PACK: dict[str, int] = {}


def _pack_id() -> int:
    """The BOOSTER pack, stored once outside the examples' rolled-back transactions."""
    return _PACK["id"]


@pytest.fixture(autouse=True)
def _pack(db: None) -> Iterator[None]:
    from tests.programme.fixtures import booster_pack_stored

    _PACK["id"] = booster_pack_stored().pk
    yield
    _PACK.clear()


def test_the_group_model_keeps_no_feedback_counts() -> None:
    """The group's own row says nothing of how many of its people answered."""
    names = {field.name for field in Group._meta.get_fields()}
    assert not {name for name in names if "feedback" in name}
