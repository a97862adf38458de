"""Logging in with a password or with a one-time code, logging out, resetting a password."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse

from booster.accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.mail import last_code

pytestmark = pytest.mark.django_db


def test_login_with_password(client: Client) -> None:
    user = UserFactory(email="ilona@example.org")
    response = client.post(
        reverse("account_login"), {"login": "ilona@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert get_user(client).pk == user.pk


def test_a_wrong_password_is_refused_with_a_message(client: Client) -> None:
    UserFactory(email="ilona@example.org")
    response = client.post(
        reverse("account_login"), {"login": "ilona@example.org", "password": "not it"}
    )
    assert response.status_code == 200
    assert not get_user(client).is_authenticated
    assert "not correct" in response.content.decode()


def test_login_with_an_emailed_code(client: Client) -> None:
    user = UserFactory(email="ilona@example.org")
    response = client.post(reverse("account_request_login_code"), {"email": "ilona@example.org"})
    assert response.status_code == 302
    code = last_code("ilona@example.org")
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert get_user(client).pk == user.pk


def test_a_wrong_login_code_does_not_log_in(client: Client) -> None:
    UserFactory(email="ilona@example.org")
    client.post(reverse("account_request_login_code"), {"email": "ilona@example.org"})
    response = client.post(reverse("account_confirm_login_code"), {"code": "NOPE99"})
    assert response.status_code == 200
    assert not get_user(client).is_authenticated


def test_logout(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not get_user(client).is_authenticated


def test_password_reset_by_code(client: Client) -> None:
    user = UserFactory(email="ilona@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "ilona@example.org"})
    assert response.status_code == 302
    code = last_code("ilona@example.org")
    response = client.post(reverse("account_confirm_password_reset_code"), {"code": code})
    assert response.status_code == 302
    new_password = "a brand new lighthouse 9"
    response = client.post(
        response["Location"], {"password1": new_password, "password2": new_password}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_email_is_case_insensitive_at_login(client: Client) -> None:
    UserFactory(email="ilona@example.org")
    client.post(
        reverse("account_login"), {"login": "ILONA@example.org", "password": DEFAULT_PASSWORD}
    )
    assert isinstance(get_user(client), User)
