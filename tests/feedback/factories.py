"""Organisations, coordinators and anonymous answers for the feedback and dashboard tests."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import date

from booster.accounts.models import User
from booster.feedback.models import FeedbackResponse
from booster.groups.models import Group
from booster.organisations.models import Coordinator, Organisation
from tests.factories import UserFactory

_numbers = itertools.count(1)


def organisation_create(name: str = "") -> Organisation:
    number = next(_numbers)
    return Organisation.objects.create(
        name=name or f"Organisation {number}", slug=f"organisation-{number}"
    )


def coordinator_create(organisation: Organisation, **user: object) -> User:
    person: User = UserFactory(**user)
    Coordinator.objects.create(organisation=organisation, user=person)
    return person


def operator_create() -> User:
    person: User = UserFactory(is_staff=True, is_superuser=True)
    return person


def answer_create(
    group: Group | None,
    *,
    organisation: Organisation | None = None,
    answers: Mapping[str, object] | None = None,
    comment: str = "",
) -> FeedbackResponse:
    """An unreleased answer, written directly (the services are tested on their own)."""
    values: dict[str, object] = {
        "information": 4,
        "hope": 4,
        "growth": 3,
        "not_alone": 5,
        "safe": 5,
        "recommend": "yes",
    }
    values.update(answers or {})
    return FeedbackResponse.objects.create(
        organisation=organisation or (group.organisation if group else None),
        group=group,
        answered_on=date(2026, 11, 1),
        comment=comment,
        **values,
    )
