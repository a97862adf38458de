"""A person's own settings: name, language and time zone."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_saving_settings_switches_to_the_chosen_language(client: Client) -> None:
    user = UserFactory(language="en")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "Ruusu", "language": "fi", "time_zone": "Europe/Stockholm"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/fi/accounts/profile/"
    user.refresh_from_db()
    assert (user.display_name, user.language, user.time_zone) == (
        "Ruusu",
        "fi",
        "Europe/Stockholm",
    )
    page = client.get(response["Location"])
    assert "Asetukset tallennettu" in page.content.decode()


def test_a_bad_time_zone_is_explained_and_nothing_changes(client: Client) -> None:
    user = UserFactory(display_name="Before", time_zone="Europe/Helsinki")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "After", "language": "en", "time_zone": "Nowhere/Town"},
    )
    assert response.status_code == 200
    assert 'value="After"' in response.content.decode()
    user.refresh_from_db()
    assert (user.display_name, user.time_zone) == ("Before", "Europe/Helsinki")


def test_an_empty_name_is_refused(client: Client) -> None:
    user = UserFactory(display_name="Before")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "", "language": "en", "time_zone": "Europe/Helsinki"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.display_name == "Before"
