"""`booster create-organisation` and the admin site: how an operator makes an organisation."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from booster import cli
from booster.core.models import AuditEntry
from booster.organisations.models import Coordinator, CoordinatorInvite, Organisation
from tests.factories import UserFactory


@pytest.mark.django_db
def test_create_organisation_with_its_first_coordinator(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = cli.main(
        [
            "create-organisation",
            "--name",
            "Lantern  Arts",
            "--slug",
            "lantern",
            "--coordinator",
            "cora@example.org",
        ]
    )
    assert code == 0
    organisation = Organisation.objects.get(slug="lantern")
    assert organisation.name == "Lantern Arts"
    invite = CoordinatorInvite.objects.get(organisation=organisation)
    assert invite.email == "cora@example.org" and invite.invited_by is None
    (message,) = mail.outbox
    assert message.to == ["cora@example.org"] and invite.token in message.body
    assert AuditEntry.objects.filter(
        action="organisations.created", organisation_id=organisation.pk
    ).exists()
    assert "lantern" in capsys.readouterr().out


@pytest.mark.django_db
def test_create_organisation_without_a_coordinator(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["create-organisation", "--name", "Solo", "--slug", "solo"]) == 0
    assert Organisation.objects.filter(slug="solo").exists()
    assert not mail.outbox


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ["--name", "Twice", "--slug", "taken"],
        ["--name", "Bad", "--slug", "not a slug"],
        ["--name", "Bad address", "--slug", "fine", "--coordinator", "nope"],
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_is_created(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    Organisation.objects.create(name="Taken", slug="taken")
    assert cli.main(["create-organisation", *args]) == 2
    assert capsys.readouterr().err.strip()
    assert Organisation.objects.count() == 1
    assert not CoordinatorInvite.objects.exists()


@pytest.mark.django_db
def test_an_operator_creates_an_organisation_and_names_a_coordinator_in_the_admin() -> None:
    operator = UserFactory(is_staff=True, is_superuser=True)
    person = UserFactory()
    client = Client()
    client.force_login(operator)
    response = client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "name": "Harbour",
            "slug": "harbour",
            "retention_days": "90",
            "crisis_contacts": "",
            "controller_name": "",
            "controller_address": "",
            "controller_email": "",
            "coordinators-TOTAL_FORMS": "1",
            "coordinators-INITIAL_FORMS": "0",
            "coordinators-MIN_NUM_FORMS": "0",
            "coordinators-MAX_NUM_FORMS": "1000",
            "coordinators-0-user": str(person.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = Organisation.objects.get(slug="harbour")
    assert Coordinator.objects.filter(organisation=organisation, user=person).exists()
    assert AuditEntry.objects.filter(
        action="organisations.created", organisation_id=organisation.pk, actor=operator
    ).exists()
