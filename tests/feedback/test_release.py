"""Releasing answers to the organisation: only in batches of at least five new people."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command

from booster.feedback.models import MIN_RESPONDENTS, FeedbackRelease, FeedbackResponse
from booster.feedback.services import (
    feedback_release_due,
    feedback_releases_due,
    feedback_submit,
)
from booster.feedback.tasks import next_release_time
from tests.factories import GroupFactory, MembershipFactory
from tests.feedback.factories import answer_create, organisation_create

pytestmark = pytest.mark.django_db

ANSWERS = {"information": 4, "hope": 5, "growth": 2, "not_alone": 5, "safe": 4, "recommend": "yes"}


def test_four_answers_are_not_released_and_the_fifth_releases_all_five() -> None:
    organisation = organisation_create()
    group = GroupFactory(organisation=organisation)
    for _ in range(MIN_RESPONDENTS - 1):
        answer_create(group)
    assert feedback_release_due(organisation=organisation) is None
    assert not FeedbackRelease.objects.exists()
    answer_create(group)
    release = feedback_release_due(organisation=organisation)
    assert release is not None
    assert release.respondents == MIN_RESPONDENTS
    assert FeedbackResponse.objects.filter(release=release).count() == MIN_RESPONDENTS
    # Nothing left to release: a second call makes no empty or small release.
    assert feedback_release_due(organisation=organisation) is None
    assert FeedbackRelease.objects.count() == 1


def test_a_release_takes_in_every_waiting_answer_of_its_organisation_only() -> None:
    organisation, other = organisation_create(), organisation_create()
    for _ in range(7):
        answer_create(GroupFactory(organisation=organisation))
    for _ in range(4):
        answer_create(GroupFactory(organisation=other))
    release = feedback_release_due(organisation=organisation)
    assert release is not None and release.respondents == 7
    assert FeedbackResponse.objects.filter(organisation=other, release__isnull=False).count() == 0


def test_submitting_releases_after_commit(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    organisation = organisation_create()
    group = GroupFactory(organisation=organisation)
    people = [MembershipFactory(group=group) for _ in range(MIN_RESPONDENTS)]
    for person in people[:-1]:
        with django_capture_on_commit_callbacks(execute=True):
            feedback_submit(membership=person, answers=ANSWERS)
    assert not FeedbackRelease.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        feedback_submit(membership=people[-1], answers=ANSWERS)
    assert len(callbacks) == 1
    release = FeedbackRelease.objects.get()
    assert release.organisation == organisation
    assert release.respondents == MIN_RESPONDENTS


def test_answers_of_groups_without_an_organisation_are_never_released(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    group = GroupFactory(organisation=None)
    for _ in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            feedback_submit(membership=MembershipFactory(group=group), answers=ANSWERS)
    assert feedback_releases_due() == 0
    assert not FeedbackRelease.objects.exists()


def test_the_daily_sweep_releases_what_is_due_in_each_organisation() -> None:
    due, not_yet = organisation_create(), organisation_create()
    for _ in range(5):
        answer_create(GroupFactory(organisation=due))
    for _ in range(3):
        answer_create(GroupFactory(organisation=not_yet))
    call_command("release_feedback", stdout=io.StringIO())
    assert FeedbackRelease.objects.filter(organisation=due).count() == 1
    assert not FeedbackRelease.objects.filter(organisation=not_yet).exists()
    assert feedback_releases_due() == 0  # run again: nothing more


def test_the_next_sweep_is_tomorrow_night_in_helsinki() -> None:
    from datetime import UTC, datetime

    after = next_release_time(now=datetime(2026, 11, 29, 5, 0, tzinfo=UTC))
    assert after.isoformat() == "2026-11-30T03:30:00+02:00"
    before = next_release_time(now=datetime(2026, 11, 29, 0, 0, tzinfo=UTC))
    assert before.isoformat() == "2026-11-29T03:30:00+02:00"
