"""Signing up with an e-mail address, a chosen name, a language and a time zone."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from booster.accounts.models import User
from tests.mail import last_code

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "Kaisa@Example.org",
    "display_name": "  Kaisa   K ",
    "language": "fi",
    "time_zone": "Europe/Stockholm",
    "password1": "lantern by the sea 7",
    "password2": "lantern by the sea 7",
}


def test_signup_verifies_the_address_with_an_emailed_code_then_logs_in(client: Client) -> None:
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "kaisa@example.org"
    assert user.display_name == "Kaisa K"
    assert user.language == "fi"
    assert user.time_zone == "Europe/Stockholm"
    assert not EmailAddress.objects.get(user=user).verified
    # Verification is mandatory: the account page stays closed until the code is entered.
    assert client.get(reverse("accounts:profile")).status_code == 302

    code = last_code("kaisa@example.org")
    confirm = client.post(reverse("account_email_verification_sent"), {"code": code})
    assert confirm.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_verification_email_is_written_in_the_new_members_language(client: Client) -> None:
    client.post(reverse("account_signup"), {**SIGNUP, "language": "sv"})
    body = mail.outbox[-1].body
    assert "Hej från Booster" in body


def test_a_wrong_code_is_refused_and_nothing_is_verified(client: Client) -> None:
    client.post(reverse("account_signup"), SIGNUP)
    response = client.post(reverse("account_email_verification_sent"), {"code": "WRONG1"})
    assert response.status_code == 200
    assert not EmailAddress.objects.filter(verified=True).exists()


def test_bad_input_keeps_what_was_typed_and_saves_nothing(client: Client) -> None:
    data = {**SIGNUP, "password2": "something else entirely", "time_zone": "Mars/Olympus"}
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Kaisa@Example.org"' in html or 'value="kaisa@example.org"' in html
    assert "Kaisa   K" in html or "Kaisa K" in html
    assert "Select a valid choice" in html
    assert User.objects.count() == 0


def test_an_empty_name_is_refused(client: Client) -> None:
    response = client.post(reverse("account_signup"), {**SIGNUP, "display_name": "   "})
    assert response.status_code == 200
    assert User.objects.count() == 0


def test_signing_up_twice_with_one_address_creates_one_account(client: Client) -> None:
    client.post(reverse("account_signup"), SIGNUP)
    Client().post(reverse("account_signup"), SIGNUP)
    assert User.objects.count() == 1
