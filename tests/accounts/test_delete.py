"""Deleting one's account: confirmed by typing the address and the password, rate-limited;
afterwards no row points to the person, their address is nowhere in the database, their
shared items are gone from the group, and the group's own records stay without the name."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import models
from django.test import Client
from django.urls import reverse

from booster.accounts.models import User
from booster.closing.selectors import closing_records
from booster.groups.models import Invite, Membership
from booster.lifecycle.accounts import account_delete
from booster.notebook.models import SharedSnapshot
from booster.planning.models import GroundRulesVersion
from tests.factories import DEFAULT_PASSWORD
from tests.lifecycle.conftest import LOOK_BACK_ANSWER, Filled, closed, filled  # noqa: F401

pytestmark = pytest.mark.django_db


def _texts(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return "" if value is None else str(value)


def database_dump() -> str:
    """Every value of every row of every model, encrypted fields decrypted, sessions
    decoded: what a `dumpdata` of the whole database would show, and more."""
    parts: list[str] = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields]
        for row in model._default_manager.all().iterator():
            for field in fields:
                parts.append(_texts(getattr(row, field.attname)))
            if isinstance(row, Session):
                parts.append(_texts(row.get_decoded()))
    return "\n".join(parts).lower()


def pointers_to(user_id: int, membership_ids: list[int]) -> list[str]:
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.ForeignKey):
                continue
            if field.related_model is User:
                ids: list[int] = [user_id]
            elif field.related_model is Membership:
                ids = membership_ids
            else:
                continue
            if model._default_manager.filter(**{f"{field.attname}__in": ids}).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


def delete_page(client: Client, data: dict[str, str] | None = None) -> Any:
    if data is None:
        return client.get(reverse("accounts:delete"))
    return client.post(reverse("accounts:delete"), data)


def test_the_page_explains_and_asks_for_address_and_password(filled: Filled) -> None:  # noqa: F811
    client = Client()
    client.force_login(filled.world.member.user)
    page = delete_page(client).content.decode()
    assert "former member" in page
    assert 'name="email"' in page and 'name="password"' in page
    assert reverse("accounts:export") in page


@pytest.mark.parametrize(
    ("email", "password", "error"),
    [
        ("someone-else@example.org", DEFAULT_PASSWORD, "not the address of your account"),
        (None, "wrong password", "password is not right"),
        ("", "", "required"),
    ],
)
def test_a_wrong_confirmation_deletes_nothing(
    filled: Filled,  # noqa: F811
    email: str | None,
    password: str,
    error: str,
) -> None:
    user = filled.world.member.user
    client = Client()
    client.force_login(user)
    response = delete_page(
        client, {"email": user.email if email is None else email, "password": password}
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_guessing_the_password_is_rate_limited(filled: Filled) -> None:  # noqa: F811
    user = filled.world.member.user
    client = Client()
    client.force_login(user)
    for _attempt in range(5):
        delete_page(client, {"email": user.email, "password": "guess"})
    # Even the right password is refused for the rest of the hour.
    response = delete_page(client, {"email": user.email, "password": DEFAULT_PASSWORD})
    assert "Too many attempts" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_deleting_leaves_no_row_pointing_at_the_person(closed: Filled) -> None:  # noqa: F811
    member = closed.world.member
    user = member.user
    email = user.email
    memberships = list(Membership.objects.filter(user=user).values_list("pk", flat=True))
    # A session elsewhere, an invitation and a queued e-mail to their address.
    elsewhere = Client()
    elsewhere.force_login(user)
    Invite.objects.create(
        group=closed.world.other_group,
        kind="email",
        email=email.upper(),
        expires_at=closed.group.closed_at,
    )
    mail.outbox.clear()
    assert email in database_dump()

    client = Client()
    client.force_login(user)
    response = delete_page(client, {"email": f"  {email.upper()} ", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert not User.objects.filter(pk=user.pk).exists()
    assert pointers_to(user.pk, memberships) == []
    assert email.lower() not in database_dump()
    # Logged out here and everywhere else.
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert elsewhere.get(reverse("accounts:profile")).status_code == 302
    assert all(email not in message.to for message in mail.outbox)


def test_their_shared_items_go_and_the_groups_records_stay_without_the_name(
    closed: Filled,  # noqa: F811
) -> None:
    group = closed.group
    convener = closed.world.convener
    markers = closed.rich.markers
    assert LOOK_BACK_ANSWER in json.dumps(closing_records(group))
    rules = GroundRulesVersion.objects.get(group=group)
    assert rules.written_by_id == convener.pk

    account_delete(user=convener.user)

    # The convener's ground rules were the group's: they stay, without the name.
    rules.refresh_from_db()
    assert rules.rules == markers["rules"] and rules.written_by is None
    client = Client()
    client.force_login(closed.world.member.user)
    page = client.get(reverse("planning:rules", kwargs={"group_id": group.pk})).content.decode()
    assert markers["rules"] in page
    assert "former member" in page
    assert "Cleo" not in page
    # Someone still looks after the group.
    assert Membership.objects.stewards().filter(group=group).exists()

    member = closed.world.member
    shared = list(SharedSnapshot.objects.filter(membership=member).values_list("pk", flat=True))
    assert shared
    account_delete(user=member.user)
    assert LOOK_BACK_ANSWER not in json.dumps(closing_records(group))
    assert not SharedSnapshot.objects.filter(pk__in=shared).exists()
    dump = database_dump()
    # Their shares (and the idea left on their shared map), posts, notebook, wishes, concern.
    for kind in ("shared_map", "idea", "board", "nb_note", "rule_wish", "concern"):
        assert markers[kind].lower() not in dump, kind


def test_the_name_of_a_deleted_member_is_nowhere(closed: Filled) -> None:  # noqa: F811
    facilitator = closed.world.second_member
    name = closed.rich.markers["member_name"]
    assert facilitator.display_name == name
    account_delete(user=facilitator.user)
    assert name.lower() not in database_dump()


def test_deleting_twice_is_harmless(filled: Filled) -> None:  # noqa: F811
    user = filled.world.outsider
    account_delete(user=user)
    account_delete(user=user)  # a second request that raced the first: nothing to do
    assert not User.objects.filter(pk=user.pk).exists()


def test_a_sign_up_to_a_call_is_exported_and_deleted_with_the_account(
    filled: Filled,  # noqa: F811
) -> None:
    from booster.calls.models import Call, SignUp, email_lookup_hash
    from booster.lifecycle.accounts import account_export

    user = filled.world.outsider
    call = Call.objects.create(
        organisation=filled.rich.organisation, title="Spring groups", languages=["en"]
    )
    signup = SignUp.objects.create(
        call=call,
        name="Olle",
        email=user.email.upper(),
        email_hash=email_lookup_hash(user.email),
        language="en",
        form="remote",
        field_of_work=SignUp._meta.get_field("field_of_work").choices[0][0],  # type: ignore[index]
        consent_at=call.created_at,
    )
    exported = account_export(user=user)["addressed_to_email"]
    assert [row["id"] for row in exported["calls.SignUp"]] == [signup.pk]
    account_delete(user=user)
    assert not SignUp.objects.filter(pk=signup.pk).exists()
    assert user.email.lower() not in database_dump()
