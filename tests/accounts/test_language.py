"""Languages in the URL, the language switcher, and the first visit to "/"."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_switching_language_keeps_the_page_and_remembers_the_choice(client: Client) -> None:
    response = client.post(
        reverse("accounts:set_language"), {"language": "sv", "next": "/en/privacy/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/sv/privacy/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"


def test_switching_language_saves_it_to_the_account(client: Client) -> None:
    user = UserFactory(language="en")
    client.force_login(user)
    client.post(reverse("accounts:set_language"), {"language": "fi", "next": "/en/"})
    user.refresh_from_db()
    assert user.language == "fi"


def test_an_unknown_language_changes_nothing(client: Client) -> None:
    user = UserFactory(language="en")
    client.force_login(user)
    response = client.post(reverse("accounts:set_language"), {"language": "xx", "next": "/en/"})
    assert response["Location"] == "/en/"
    user.refresh_from_db()
    assert user.language == "en"


def test_the_switcher_never_redirects_to_another_site(client: Client) -> None:
    response = client.post(
        reverse("accounts:set_language"), {"language": "fi", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/fi/"


def test_root_sends_a_signed_in_person_to_their_language(client: Client) -> None:
    client.force_login(UserFactory(language="fi"))
    assert client.get("/")["Location"] == "/fi/"


def test_root_follows_the_browser_for_visitors(client: Client) -> None:
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fi-FI,fi;q=0.9")["Location"] == "/fi/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE")["Location"] == "/sv/"


@pytest.mark.parametrize(
    ("language", "word"), [("sv", "Integritet"), ("fi", "Tietosuoja"), ("en", "Privacy")]
)
def test_pages_speak_the_language_of_their_prefix(client: Client, language: str, word: str) -> None:
    response = client.get(f"/{language}/privacy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert word in html
