"""Invitations: links with an expiry, revoking, e-mails in the group's language, the rate
limit and the two-guide rule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from booster.core.models import AuditEntry
from booster.groups import services
from booster.groups.models import Invite
from tests.factories import MembershipFactory
from tests.personas import World


def _url(name: str, world: World, **kwargs: Any) -> str:
    return reverse(name, kwargs={"group_id": world.group.pk, **kwargs})


def test_a_steward_creates_a_link_that_expires_in_the_chosen_days(
    client: Client, world: World
) -> None:
    client.force_login(world.convener.user)
    response = client.post(
        _url("groups:invite_link_create", world), {"link-days": "3", "link-role": "member"}
    )
    assert response.status_code == 302
    invite = Invite.objects.get()
    assert invite.kind == Invite.Kind.LINK
    assert invite.max_uses is None
    assert timedelta(days=3) - timedelta(minutes=1) < invite.expires_at - timezone.now()
    assert invite.expires_at - timezone.now() <= timedelta(days=3)
    page = client.get(_url("groups:invites", world)).content.decode()
    assert reverse("groups:join", kwargs={"token": invite.token}) in page
    entry = AuditEntry.objects.get(action="groups.invite_link_created")
    assert entry.data == {"invite_id": invite.pk, "role": "member", "days": 3}


@pytest.mark.parametrize("days", ["0", "61", "-1", "abc"])
def test_the_expiry_must_be_between_1_and_60_days(client: Client, world: World, days: str) -> None:
    client.force_login(world.convener.user)
    response = client.post(
        _url("groups:invite_link_create", world), {"link-days": days, "link-role": "member"}
    )
    assert response.status_code == 200
    assert response.context["link_form"].errors["days"]
    assert not Invite.objects.exists()
    with pytest.raises(ValidationError):
        services.invite_link_create(
            actor=world.convener.user, group=world.group, days=61, role="member"
        )


def test_revoking_a_link_stops_it_and_hides_it(client: Client, world: World) -> None:
    invite = services.invite_link_create(
        actor=world.guide.user, group=world.group, days=14, role="member"
    )
    client.force_login(world.guide.user)
    response = client.post(_url("groups:invite_revoke", world, invite_id=invite.pk))
    assert response.status_code == 302
    invite.refresh_from_db()
    assert invite.problem() == "revoked"
    assert invite.token not in client.get(_url("groups:invites", world)).content.decode()
    assert client.get(reverse("groups:join", kwargs={"token": invite.token})).status_code == 410


def test_an_invite_of_another_group_cannot_be_revoked_here(client: Client, world: World) -> None:
    other = services.invite_link_create(
        actor=world.other_member.user, group=world.other_group, days=14, role="member"
    )
    client.force_login(world.convener.user)
    response = client.post(_url("groups:invite_revoke", world, invite_id=other.pk))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


@pytest.mark.parametrize(
    ("language", "phrase"),
    [
        ("en", "invites you to join"),
        ("sv", "bjuder in dig"),
        ("fi", "kutsuu sinut"),
    ],
)
def test_email_invitations_go_in_the_groups_language(
    client: Client, world: World, language: str, phrase: str
) -> None:
    world.group.language = language
    world.group.save()
    client.force_login(world.convener.user)
    response = client.post(
        _url("groups:invite_email_send", world),
        {
            "email-addresses": "ada@example.org, bo@example.org\n\nADA@example.org",
            "email-days": "7",
            "email-role": "member",
        },
    )
    assert response.status_code == 302
    invites = Invite.objects.filter(kind=Invite.Kind.EMAIL).order_by("email")
    assert [invite.email for invite in invites] == ["ada@example.org", "bo@example.org"]
    assert all(invite.max_uses == 1 for invite in invites)
    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if m.to == ["ada@example.org"])
    token = invites[0].token
    assert f"/{language}/groups/join/{token}/" in message.body
    assert "Cleo" in message.body
    assert world.group.name in message.subject
    assert phrase in message.body, message.body
    if language != "en":
        assert "invites you to join" not in message.body
    # The addresses are not written to the audit log, only the invitations' ids.
    entry = AuditEntry.objects.get(action="groups.invite_emails_sent")
    assert "ada@example.org" not in str(entry.data)


def test_each_address_is_checked_and_what_was_typed_is_kept(client: Client, world: World) -> None:
    client.force_login(world.convener.user)
    typed = "ada@example.org, not-an-address, bo@"
    response = client.post(
        _url("groups:invite_email_send", world),
        {"email-addresses": typed, "email-days": "7", "email-role": "member"},
    )
    assert response.status_code == 200
    form = response.context["email_form"]
    error = " ".join(form.errors["addresses"])
    assert "not-an-address" in error
    assert "bo@" in error
    assert form["addresses"].value() == typed
    assert not Invite.objects.exists()
    assert mail.outbox == []


def test_at_most_thirty_email_invitations_an_hour(client: Client, world: World) -> None:
    client.force_login(world.convener.user)
    first = ", ".join(f"p{n}@example.org" for n in range(25))
    assert (
        client.post(
            _url("groups:invite_email_send", world),
            {"email-addresses": first, "email-days": "7", "email-role": "member"},
        ).status_code
        == 302
    )
    more = ", ".join(f"q{n}@example.org" for n in range(6))
    response = client.post(
        _url("groups:invite_email_send", world),
        {"email-addresses": more, "email-days": "7", "email-role": "member"},
    )
    assert response.status_code == 200
    assert "at most 30 invitations an hour; 5 more" in " ".join(
        response.context["email_form"].errors["addresses"]
    )
    assert Invite.objects.count() == 25
    # Five more still fit; another steward has their own allowance.
    five = ", ".join(f"r{n}@example.org" for n in range(5))
    services.invite_emails_send(
        actor=world.convener.user,
        group=world.group,
        addresses=services.parse_addresses(five),
        days=7,
        role="member",
    )
    services.invite_emails_send(
        actor=world.guide.user,
        group=world.group,
        addresses=["s@example.org"],
        days=7,
        role="member",
    )
    assert Invite.objects.count() == 31


def test_guide_invitations_only_while_fewer_than_two_guides(client: Client, world: World) -> None:
    client.force_login(world.convener.user)
    response = client.post(
        _url("groups:invite_link_create", world), {"link-days": "14", "link-role": "guide"}
    )
    assert response.status_code == 302
    MembershipFactory(group=world.group, role="guide")
    response = client.post(
        _url("groups:invite_link_create", world), {"link-days": "14", "link-role": "guide"}
    )
    assert response.status_code == 200
    assert "two guides at most" in " ".join(response.context["link_form"].errors["role"])
    assert Invite.objects.count() == 1


def test_no_invitations_in_a_closed_group(client: Client, world: World) -> None:
    world.group.state = "closed"
    world.group.save()
    client.force_login(world.convener.user)
    page = client.get(_url("groups:invites", world))
    assert page.status_code == 200
    assert "closed" in page.content.decode()
    response = client.post(
        _url("groups:invite_link_create", world), {"link-days": "14", "link-role": "member"}
    )
    assert response.status_code == 403
    assert not Invite.objects.exists()


def test_the_invites_page_does_not_grow_in_queries(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.convener.user)
    for _ in range(3):
        services.invite_link_create(
            actor=world.convener.user, group=world.group, days=14, role="member"
        )
    with django_assert_max_num_queries(6) as few:
        client.get(_url("groups:invites", world))
    services.invite_emails_send(
        actor=world.convener.user,
        group=world.group,
        addresses=[f"x{n}@example.org" for n in range(9)],
        days=7,
        role="member",
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_url("groups:invites", world))
