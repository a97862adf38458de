"""Coordinators invited by e-mail: sending, accepting, and every way an invitation fails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from booster.organisations import services
from booster.organisations.models import Coordinator, CoordinatorInvite
from tests.factories import CoordinatorFactory, UserFactory
from tests.organisations.conftest import Orgs


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _invite(orgs: Orgs, email: str = "new@example.org") -> CoordinatorInvite:
    return services.coordinator_invite_send(
        actor=orgs.coordinator.user, organisation=orgs.organisation, email=email
    )


def _accept_url(invite: CoordinatorInvite) -> str:
    return reverse("organisations:invite_accept", kwargs={"token": invite.token})


def test_a_coordinator_invites_by_e_mail_from_the_coordinators_page(orgs: Orgs) -> None:
    client = _client(orgs.coordinator.user)
    url = reverse("organisations:coordinator_invite", kwargs={"slug": orgs.organisation.slug})
    response = client.post(url, {"email": "New@Example.org"})
    assert response.status_code == 302
    invite = CoordinatorInvite.objects.get()
    assert (invite.email, invite.invited_by) == ("new@example.org", orgs.coordinator.user)
    assert invite.expires_at - invite.created_at == timedelta(days=14)
    (message,) = mail.outbox
    assert message.to == ["new@example.org"]
    assert _accept_url(invite) in message.body
    page = client.get(
        reverse("organisations:coordinators", kwargs={"slug": orgs.organisation.slug})
    )
    assert "new@example.org" in page.content.decode()


def test_the_e_mail_is_in_the_recipients_language_or_else_the_inviters(orgs: Orgs) -> None:
    UserFactory(email="finnish@example.org", language="fi")
    _invite(orgs, "finnish@example.org")
    assert "/fi/organisations/invite/" in mail.outbox[-1].body
    orgs.coordinator.user.language = "sv"
    orgs.coordinator.user.save()
    _invite(orgs, "nobody-yet@example.org")
    assert "/sv/organisations/invite/" in mail.outbox[-1].body


def test_the_same_form_sent_twice_invites_once(orgs: Orgs) -> None:
    assert _invite(orgs) == _invite(orgs)
    assert len(mail.outbox) == 1


def test_a_bad_address_is_refused_clearly_and_nothing_is_sent(orgs: Orgs) -> None:
    client = _client(orgs.coordinator.user)
    url = reverse("organisations:coordinator_invite", kwargs={"slug": orgs.organisation.slug})
    response = client.post(url, {"email": "not an address"})
    assert response.status_code == 200
    assert "Write an e-mail address" in response.content.decode()
    assert not CoordinatorInvite.objects.exists()
    assert not mail.outbox


def test_someone_who_already_coordinates_is_not_invited(orgs: Orgs) -> None:
    with pytest.raises(ValidationError):
        _invite(orgs, orgs.coordinator.user.email)


def test_sending_is_rate_limited(orgs: Orgs) -> None:
    for number in range(services.INVITES_PER_HOUR):
        _invite(orgs, f"person-{number}@example.org")
    with pytest.raises(ValidationError, match="at most"):
        _invite(orgs, "one-too-many@example.org")
    assert CoordinatorInvite.objects.count() == services.INVITES_PER_HOUR


def test_the_invited_person_accepts_and_becomes_a_coordinator(orgs: Orgs) -> None:
    person = UserFactory(email="new@example.org")
    invite = _invite(orgs)
    client = _client(person)
    page = client.get(_accept_url(invite))
    assert page.status_code == 200
    assert "Become a coordinator" in page.content.decode()
    response = client.post(_accept_url(invite))
    assert response["Location"] == reverse(
        "organisations:home", kwargs={"slug": orgs.organisation.slug}
    )
    assert Coordinator.objects.filter(organisation=orgs.organisation, user=person).exists()
    invite.refresh_from_db()
    assert invite.accepted_by == person and invite.accepted_at is not None
    # The header now links the organisations.
    assert client.session["organisations_coordinates"] is True


def test_signing_in_first_comes_back_to_the_invitation(orgs: Orgs) -> None:
    invite = _invite(orgs)
    response = Client().get(_accept_url(invite))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert response["Location"].endswith("next=" + _accept_url(invite))


@pytest.mark.parametrize("problem", ["expired", "revoked", "used"])
def test_an_unusable_invitation_explains_and_changes_nothing(orgs: Orgs, problem: str) -> None:
    person = UserFactory(email="new@example.org")
    invite = _invite(orgs)
    if problem == "expired":
        invite.expires_at = timezone.now() - timedelta(seconds=1)
        invite.save()
    elif problem == "revoked":
        services.coordinator_invite_revoke(actor=orgs.coordinator.user, invite=invite)
    else:
        invite.accepted_at = timezone.now()
        invite.save()
    response = _client(person).post(_accept_url(invite))
    assert response.status_code == 410
    assert "cannot be used" in response.content.decode()
    assert not Coordinator.objects.filter(user=person).exists()


def test_an_invitation_works_once(orgs: Orgs) -> None:
    person = UserFactory(email="new@example.org")
    invite = _invite(orgs)
    services.coordinator_invite_accept(invite=invite, user=person)
    Coordinator.objects.filter(user=person).delete()  # removed since
    with pytest.raises(services.InviteUnusableError) as raised:
        services.coordinator_invite_accept(invite=invite, user=person)
    assert raised.value.problem == "used"
    assert not Coordinator.objects.filter(user=person).exists()


def test_the_wrong_account_is_refused(orgs: Orgs) -> None:
    invite = _invite(orgs)
    someone_else = UserFactory(email="someone@example.org")
    response = _client(someone_else).post(_accept_url(invite))
    assert response.status_code == 403
    assert "another e-mail address" in response.content.decode()
    assert not Coordinator.objects.filter(user=someone_else).exists()
    invite.refresh_from_db()
    assert invite.accepted_at is None  # still there for the right person


def test_a_wrong_token_is_a_404(orgs: Orgs) -> None:
    url = reverse("organisations:invite_accept", kwargs={"token": "x" * 32})
    assert _client(orgs.world.member.user).get(url).status_code == 404


def test_accepting_is_rate_limited(orgs: Orgs) -> None:
    invite = _invite(orgs)
    someone_else = UserFactory(email="someone@example.org")
    for _ in range(services.ACCEPTS_PER_HOUR):
        with pytest.raises(services.InviteUnusableError):
            services.coordinator_invite_accept(invite=invite, user=someone_else)
    right = UserFactory(email="new@example.org")
    services.coordinator_invite_accept(invite=invite, user=right)  # a limit per person
    with pytest.raises(services.InviteUnusableError) as raised:
        services.coordinator_invite_accept(invite=invite, user=someone_else)
    assert raised.value.problem == "rate_limited"


def test_revoking_from_the_page(orgs: Orgs) -> None:
    invite = _invite(orgs)
    url = reverse(
        "organisations:invite_revoke",
        kwargs={"slug": orgs.organisation.slug, "invite_id": invite.pk},
    )
    assert _client(orgs.other.user).post(url).status_code == 404
    invite.refresh_from_db()
    assert invite.revoked_at is None
    assert _client(orgs.coordinator.user).post(url).status_code == 302
    invite.refresh_from_db()
    assert invite.revoked_at is not None


def test_another_organisations_invitation_cannot_be_revoked_here(orgs: Orgs) -> None:
    theirs = services.coordinator_invite_send(
        actor=orgs.other.user, organisation=orgs.other.organisation, email="x@example.org"
    )
    url = reverse(
        "organisations:invite_revoke",
        kwargs={"slug": orgs.organisation.slug, "invite_id": theirs.pk},
    )
    assert _client(orgs.coordinator.user).post(url).status_code == 404


def test_removing_a_coordinator_but_never_the_last(orgs: Orgs) -> None:
    second = CoordinatorFactory(organisation=orgs.organisation)
    client = _client(orgs.coordinator.user)

    def remove(coordinator: Coordinator) -> None:
        url = reverse(
            "organisations:coordinator_remove",
            kwargs={"slug": orgs.organisation.slug, "coordinator_id": coordinator.pk},
        )
        client.post(url)

    remove(second)
    assert list(Coordinator.objects.filter(organisation=orgs.organisation)) == [orgs.coordinator]
    remove(orgs.coordinator)
    assert Coordinator.objects.filter(pk=orgs.coordinator.pk).exists()
    page = client.get(
        reverse("organisations:coordinators", kwargs={"slug": orgs.organisation.slug})
    )
    assert "at least one coordinator" in page.content.decode()


def test_a_coordinator_may_step_down_when_another_remains(orgs: Orgs) -> None:
    CoordinatorFactory(organisation=orgs.organisation)
    client = _client(orgs.coordinator.user)
    url = reverse(
        "organisations:coordinator_remove",
        kwargs={"slug": orgs.organisation.slug, "coordinator_id": orgs.coordinator.pk},
    )
    response = client.post(url)
    assert response["Location"] == reverse("organisations:mine")
    assert not Coordinator.objects.filter(pk=orgs.coordinator.pk).exists()
    assert client.session["organisations_coordinates"] is False
