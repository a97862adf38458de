"""Demo accounts for a first local trial."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from booster.accounts.models import User
from booster.core.demo import DEMO_PASSWORD, demo_create
from booster.groups.models import Group
from booster.meetings.models import Meeting
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


def test_demo_data_includes_the_group_ljuslyktan_in_the_middle_of_planning(
    client: Client,
) -> None:
    people = demo_create(stdout=io.StringIO())
    group = Group.objects.get(name="Ljuslyktan")
    assert (group.language, group.form, group.country) == ("sv", "remote", "FI")
    assert group.state == Group.State.FORMING
    members = {m.display_name: m for m in group.memberships.active()}
    assert set(members) == {"Sara", "Aino", "Maya", "Johan", "Leena"}
    assert [name for name, m in members.items() if m.is_convener] == ["Sara"]
    assert all(m.principles_accepted_at for m in members.values())
    opening = Meeting.objects.get(group=group, number=1)
    assert opening.starts_at is not None
    ahead = opening.starts_at - timezone.now()
    assert timedelta(days=6) < ahead < timedelta(days=8)
    maya = next(person for person in people if person.display_name == "Maya")
    client.force_login(maya)
    assert client.get(reverse("groups:home", kwargs={"group_id": group.pk})).status_code == 200
