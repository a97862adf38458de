"""Demo accounts for a first local trial."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse

from booster.accounts.models import User
from booster.core.demo import DEMO_PASSWORD, demo_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_demo_accounts_are_created_in_an_empty_database_and_can_log_in(client: Client) -> None:
    out = io.StringIO()
    people = demo_create(stdout=out)
    assert len(people) == 5
    assert DEMO_PASSWORD in out.getvalue()
    assert {person.language for person in people} == {"sv", "fi", "en"}
    response = client.post(
        reverse("account_login"), {"login": people[0].email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_demo_accounts_are_never_added_to_a_database_with_people() -> None:
    UserFactory()
    assert demo_create(stdout=io.StringIO()) == []
    assert User.objects.count() == 1
