"""Rate limits on logging in and on asking for codes."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_repeated_failed_logins_for_one_address_are_stopped(client: Client) -> None:
    UserFactory(email="ilona@example.org")
    statuses = [
        client.post(
            reverse("account_login"), {"login": "ilona@example.org", "password": f"wrong {n}"}
        ).status_code
        for n in range(6)
    ]
    assert statuses[:5] == [200] * 5
    # The sixth attempt is refused even with the right password.
    response = client.post(
        reverse("account_login"), {"login": "ilona@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code in {200, 429}
    assert "_auth_user_id" not in client.session


def test_login_codes_for_one_address_are_limited(client: Client) -> None:
    UserFactory(email="ilona@example.org")
    for _ in range(5):
        Client().post(reverse("account_request_login_code"), {"email": "ilona@example.org"})
    sent = [m for m in mail.outbox if "ilona@example.org" in m.to]
    assert len(sent) == 3


def test_many_logins_from_one_address_are_answered_with_429(client: Client) -> None:
    statuses = {
        client.post(
            reverse("account_login"), {"login": f"x{n}@example.org", "password": "x"}
        ).status_code
        for n in range(35)
    }
    assert 429 in statuses
