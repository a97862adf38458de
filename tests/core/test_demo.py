"""Demo accounts for a first local trial."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from booster.accounts.models import User
from booster.calls.models import Call, SignUp
from booster.calls.services import groups_suggest
from booster.closing.selectors import look_back
from booster.core.demo import DEMO_PASSWORD, demo_create
from booster.feedback.models import FeedbackRelease
from booster.groups.models import Group
from booster.meetings.models import Meeting
from booster.organisations.models import Organisation
from booster.planning.models import ThemePlanVersion
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


def test_demo_data_includes_the_organisation_kulturverkstan_with_kaisa_as_coordinator(
    client: Client,
) -> None:
    out = io.StringIO()
    demo_create(stdout=out)
    organisation = Organisation.objects.get(slug="kulturverkstan")
    assert organisation.name == "Kulturverkstan"
    assert organisation.retention_days == 90
    assert "09 2525 0111" in organisation.crisis_contacts
    assert organisation.controller_email.endswith("example.invalid")
    kaisa = User.objects.get(email="kaisa@demo.booster.invalid")
    assert kaisa.language == "fi"
    assert EmailAddress.objects.filter(user=kaisa, verified=True, primary=True).exists()
    assert [c.user for c in organisation.coordinators.all()] == [kaisa]
    assert "kaisa@demo.booster.invalid" in out.getvalue()
    assert "coordinator of Kulturverkstan" in out.getvalue()
    assert set(organisation.groups.values_list("name", flat=True)) == {"Ljuslyktan", "Tranan"}
    response = client.post(
        reverse("account_login"), {"login": kaisa.email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert (
        client.get(reverse("organisations:home", kwargs={"slug": "kulturverkstan"})).status_code
        == 200
    )


def test_demo_data_includes_an_open_call_with_sign_ups_to_form_groups_from() -> None:
    demo_create(stdout=io.StringIO())
    call = Call.objects.get(organisation__slug="kulturverkstan")
    assert call.state == Call.State.OPEN
    assert call.accepts_signups()
    signups = list(call.signups.all())
    assert 6 <= len(signups) <= 8
    assert {signup.language for signup in signups} == {"fi", "sv"}
    assert {signup.form for signup in signups} == {"remote", "face_to_face"}
    assert all(signup.email.endswith("@demo.booster.invalid") for signup in signups)
    kaisa = User.objects.get(email="kaisa@demo.booster.invalid")
    drafts = groups_suggest(actor=kaisa, call=call)
    assert len(drafts) >= 2
    assert SignUp.objects.filter(call=call, draft_group__isnull=True).exists()  # one to place


def test_demo_data_includes_the_closed_group_tranan_with_a_look_back_and_released_feedback(
    client: Client,
) -> None:
    demo_create(stdout=io.StringIO())
    group = Group.objects.get(name="Tranan")
    assert group.state == Group.State.CLOSED
    assert group.closed_at is not None
    assert timezone.localdate(group.closed_at) == timezone.localdate()
    members = {m.display_name: m for m in group.memberships.active()}
    assert len(members) == 6 and {"Sara", "Johan"} <= set(members)
    meetings = list(Meeting.objects.filter(group=group).order_by("number"))
    assert len(meetings) == 6
    assert all(m.state == Meeting.State.HELD for m in meetings)
    assert all(m.starts_at is not None and m.starts_at < timezone.now() for m in meetings)
    data = look_back(group=group)
    assert any(section.answers for section in data["sections"])
    assert data["gratitude"]
    names = {answer.name for section in data["sections"] for answer in section.answers}
    assert None in names and "Sara" in names  # unsigned and signed answers
    assert FeedbackRelease.objects.filter(
        organisation=group.organisation, respondents__gte=5
    ).exists()
    sara = members["Sara"].user
    client.force_login(sara)
    response = client.get(reverse("closing:look_back", kwargs={"group_id": group.pk}))
    assert response.status_code == 200
    assert "Ni har gjort hösten lättare" in response.content.decode()
    kaisa = User.objects.get(email="kaisa@demo.booster.invalid")
    client.force_login(kaisa)
    response = client.get(reverse("dashboard:index", kwargs={"slug": "kulturverkstan"}))
    assert response.status_code == 200
    assert response.context["feedback"].report.respondents == 5
    html = response.content.decode()
    assert 'class="dash-respondents"' in html and "5" in html
    assert "Tranan" in html and "Ljuslyktan" in html
    # Who came: all six at the first and the last meeting, five at the four between.
    tranan = next(row for row in response.context["groups"] if row.name == "Tranan")
    assert (tranan.meetings_held, tranan.attended) == (6, 32)
    assert tranan.attendance_per_meeting == 5.3


def test_the_demo_group_ljuslyktan_stays_in_the_middle_of_planning_in_the_organisation() -> None:
    demo_create(stdout=io.StringIO())
    group = Group.objects.get(name="Ljuslyktan")
    assert group.organisation is not None and group.organisation.slug == "kulturverkstan"
    assert group.state == Group.State.FORMING
    assert not Meeting.objects.filter(group=group, state=Meeting.State.HELD).exists()
    assert not ThemePlanVersion.objects.filter(group=group).exists()
