"""Home, help and privacy pages in every language, and the headers every page carries."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LANGUAGES = ["sv", "fi", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", ["", "help/", "privacy/"])
def test_public_pages_answer_in_every_language(
    client: Client, booster_pack: object, language: str, page: str
) -> None:
    response = client.get(f"/{language}/{page}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert f'href="/{language}/help/"' in html  # the crisis notice is one click away


@pytest.mark.parametrize(
    ("language", "number"), [("fi", "09 2525 0111"), ("sv", "90101"), ("en", "112")]
)
def test_help_page_lists_crisis_contacts(
    client: Client, booster_pack: object, language: str, number: str
) -> None:
    html = client.get(f"/{language}/help/").content.decode()
    assert number in html


def test_help_page_says_not_a_crisis_service_even_without_a_pack(client: Client) -> None:
    html = client.get("/en/help/").content.decode()
    assert "not a crisis service" in html
    assert "112" in html


def test_strict_content_security_policy(client: Client, booster_pack: object) -> None:
    response = client.get("/en/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    html = response.content.decode()
    assert "<script>" not in html and "style=" not in html


def test_home_query_count(
    client: Client, booster_pack: object, django_assert_max_num_queries: object
) -> None:
    client.get("/en/")  # warm the parsed-pack cache
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        assert client.get("/en/").status_code == 200


def test_pages_for_a_signed_in_person_are_never_stored(
    client: Client, booster_pack: object
) -> None:
    from tests.factories import UserFactory

    public = client.get("/en/programme/")
    assert "no-store" not in public.get("Cache-Control", "")
    client.force_login(UserFactory())
    private = client.get("/en/groups/")
    assert "no-store" in private["Cache-Control"]
    assert "private" in private["Cache-Control"]
