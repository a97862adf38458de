"""The privacy notice: the operator's controller details from the settings, each
organisation's own for the members of its groups, what is kept, how long, and why."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from booster.organisations.models import Organisation
from tests.personas import World

pytestmark = pytest.mark.django_db


def privacy(client: Client) -> str:
    response = client.get(reverse("core:privacy"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def organisation(world: World) -> Organisation:
    organisation = Organisation.objects.create(
        name="Guild of Translators",
        slug="guild",
        retention_days=45,
        controller_name="Guild of Translators ry",
        controller_address="Harbour Street 1\n00100 Helsinki",
        controller_email="privacy@guild.example.org",
    )
    world.group.organisation = organisation
    world.group.save(update_fields=["organisation"])
    return organisation


def test_the_operator_from_the_settings(settings: Any, client: Client) -> None:
    settings.BOOSTER_CONTROLLER_NAME = "Peer Support Collective"
    settings.BOOSTER_CONTROLLER_EMAIL = "dpo@collective.example.org"
    settings.BOOSTER_CONTROLLER_ADDRESS = "Main Street 5"
    page = privacy(client)
    assert "Peer Support Collective" in page
    assert "mailto:dpo@collective.example.org" in page
    assert "Main Street 5" in page


def test_without_settings_it_says_whom_to_ask(settings: Any, client: Client) -> None:
    settings.BOOSTER_CONTROLLER_NAME = ""
    settings.BOOSTER_CONTROLLER_EMAIL = ""
    settings.BOOSTER_CONTROLLER_ADDRESS = ""
    assert "have not yet filled in their contact details" in privacy(client)


def test_it_says_what_is_kept_how_long_and_why(client: Client) -> None:
    page = privacy(client)
    assert "until 90 days after the group closes" in page
    assert "explicit consent" in page and "health data" in page
    assert "members agreed together" in page
    assert "reminded a week before" in page


def test_a_member_sees_their_organisations_controller(
    world: World, organisation: Organisation
) -> None:
    client = Client()
    client.force_login(world.member.user)
    page = privacy(client)
    assert "Guild of Translators ry" in page
    assert "Harbour Street 1<br>00100 Helsinki" in page
    assert "mailto:privacy@guild.example.org" in page
    assert "kept for 45 days" in page
    assert reverse("accounts:export") in page and reverse("accounts:delete") in page


@pytest.mark.parametrize("persona", ["outsider", "other_member", "anonymous"])
def test_others_do_not_see_that_organisation(
    world: World, organisation: Organisation, persona: str
) -> None:
    client = Client()
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    assert "Guild of Translators" not in privacy(client)


def test_a_former_member_no_longer_sees_it(world: World, organisation: Organisation) -> None:
    from booster.groups.services import membership_leave

    membership_leave(membership=world.member)
    client = Client()
    client.force_login(world.member.user)
    assert "Guild of Translators" not in privacy(client)
