"""Joining from an invitation: anonymous visitors, the principles, the chosen name, the seat
cap, guides, refusals and unusable invitations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from booster.groups import services
from booster.groups.models import Group, Invite, Membership, WaitingListEntry
from booster.programme.selectors import pack_for_version
from tests.factories import MembershipFactory, UserFactory
from tests.personas import World


@pytest.fixture
def invite(world: World) -> Invite:
    return services.invite_link_create(
        actor=world.convener.user, group=world.group, days=14, role="member"
    )


def _join_url(invite: Invite) -> str:
    return reverse("groups:join", kwargs={"token": invite.token})


def _fill(group: Group, members: int) -> None:
    while group.memberships.members().count() < members:
        MembershipFactory(group=group)


def test_anonymous_visitors_see_the_group_and_log_in_or_sign_up_to_come_back(
    client: Client, world: World, invite: Invite
) -> None:
    response = client.get(_join_url(invite))
    page = response.content.decode()
    assert response.status_code == 200
    assert world.group.name in page
    next_part = f"?next={_join_url(invite)}"
    assert reverse("account_login") + next_part in page
    assert reverse("account_signup") + next_part in page
    # Members' names stay hidden from people outside.
    assert world.member.display_name not in page


def test_logging_in_from_the_invitation_comes_back_to_it(
    client: Client, world: World, invite: Invite
) -> None:
    person = UserFactory()
    response = client.post(
        reverse("account_login") + f"?next={_join_url(invite)}",
        {"login": person.email, "password": "a calm river 42"},
    )
    assert response.status_code == 302
    assert response["Location"] == _join_url(invite)


@pytest.mark.parametrize("language", ["sv", "fi", "en"])
def test_the_principles_are_shown_in_the_readers_language(
    client: Client, world: World, invite: Invite, language: str
) -> None:
    person = UserFactory(language=language)
    client.force_login(person)
    url = reverse("groups:join", kwargs={"token": invite.token}).replace("/en/", f"/{language}/")
    page = client.get(url).content.decode()
    pack = pack_for_version(version_id=world.group.pack_version_id)
    for principle in pack.principles:
        assert escape(principle.title.get(language)) in page
        assert escape(principle.text.get(language)) in page
    assert escape(pack.confidentiality.get(language)) in page


def test_joining_records_the_principles_and_the_chosen_name(
    client: Client, world: World, invite: Invite, django_assert_max_num_queries: Any
) -> None:
    person = UserFactory(display_name="Real Name")
    client.force_login(person)
    with django_assert_max_num_queries(8):
        response = client.get(_join_url(invite))
    assert response.context["form"]["display_name"].value() == "Real Name"
    response = client.post(
        _join_url(invite), {"display_name": "  Night   owl ", "accept_principles": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:home", kwargs={"group_id": world.group.pk})
    membership = Membership.objects.get(user=person)
    assert membership.display_name == "Night owl"
    assert membership.principles_accepted_at is not None
    assert membership.principles_version == world.group.pack_version
    assert membership.seat == 4  # seats 1–3 are taken by the convener and two members
    invite.refresh_from_db()
    assert invite.uses == 1
    # A second visit goes straight to the group's home.
    assert client.get(_join_url(invite))["Location"] == response["Location"]


def test_without_accepting_the_principles_nobody_joins_and_the_name_is_kept(
    client: Client, world: World, invite: Invite
) -> None:
    person = UserFactory()
    client.force_login(person)
    response = client.post(_join_url(invite), {"display_name": "Pseudonym"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "tick the box" in " ".join(form.errors["accept_principles"])
    assert form["display_name"].value() == "Pseudonym"
    assert not Membership.objects.filter(user=person).exists()
    with pytest.raises(ValidationError):
        services.invite_accept(
            invite=invite, user=person, display_name="P", principles_accepted=False
        )


@pytest.mark.parametrize(
    ("change", "problem", "text"),
    [
        ({"expires_at": timezone.now() - timedelta(seconds=1)}, "expired", "has expired"),
        ({"revoked_at": timezone.now()}, "revoked", "was withdrawn"),
        ({"max_uses": 1, "uses": 1}, "used", "already been used"),
    ],
)
def test_an_unusable_invitation_says_why_kindly(
    client: Client,
    world: World,
    invite: Invite,
    change: dict[str, Any],
    problem: str,
    text: str,
) -> None:
    Invite.objects.filter(pk=invite.pk).update(**change)
    for user in (None, UserFactory()):
        if user is not None:
            client.force_login(user)
        response = client.get(_join_url(invite))
        assert response.status_code == 410
        assert response.context["problem"] == problem
        assert text in response.content.decode()
    response = client.post(_join_url(invite), {"display_name": "X", "accept_principles": "on"})
    assert response.status_code == 410
    assert world.group.memberships.active().count() == 4


def test_an_unknown_token_is_not_found(client: Client, world: World) -> None:
    assert client.get(reverse("groups:join", kwargs={"token": "nope"})).status_code == 404


def test_an_email_invitation_works_once(client: Client, world: World) -> None:
    (invite,) = services.invite_emails_send(
        actor=world.convener.user,
        group=world.group,
        addresses=["ada@example.org"],
        days=7,
        role="member",
    )
    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    assert (
        client.post(_join_url(invite), {"display_name": "A", "accept_principles": "on"})
    ).status_code == 302
    client.force_login(second)
    response = client.post(_join_url(invite), {"display_name": "B", "accept_principles": "on"})
    assert response.status_code == 410
    assert not Membership.objects.filter(user=second).exists()


@pytest.mark.parametrize(
    ("state", "late", "reason", "text"),
    [
        ("closed", True, "closed", "finished its programme"),
        ("running", False, "late", "chosen not to take new members"),
    ],
)
def test_closed_groups_and_late_joining_off_refuse_kindly(
    client: Client,
    world: World,
    invite: Invite,
    state: str,
    late: bool,
    reason: str,
    text: str,
) -> None:
    Group.objects.filter(pk=world.group.pk).update(state=state, allow_late_joining=late)
    client.force_login(UserFactory())
    response = client.get(_join_url(invite))
    assert response.status_code == 403
    assert response.context["reason"] == reason
    assert text in response.content.decode()
    with pytest.raises(services.JoinRefusedError):
        services.membership_join(
            group=world.group,
            user=UserFactory(),
            display_name="X",
            principles_version=world.group.pack_version,
        )


def test_late_joining_is_welcome_while_the_group_allows_it(
    client: Client, world: World, invite: Invite
) -> None:
    Group.objects.filter(pk=world.group.pk).update(state="running", allow_late_joining=True)
    client.force_login(UserFactory())
    response = client.post(_join_url(invite), {"display_name": "Late", "accept_principles": "on"})
    assert response.status_code == 302


def test_the_eleventh_is_told_kindly_and_may_join_the_waiting_list(
    client: Client, world: World, invite: Invite
) -> None:
    _fill(world.group, 10)
    person = UserFactory(display_name="Eleventh")
    client.force_login(person)
    response = client.post(_join_url(invite), {"display_name": "Ella", "accept_principles": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "is full" in page
    assert reverse("groups:waiting_join", kwargs={"token": invite.token}) in page
    assert not Membership.objects.filter(user=person).exists()
    invite.refresh_from_db()
    assert invite.uses == 0  # a full group does not use up an invitation
    response = client.post(
        reverse("groups:waiting_join", kwargs={"token": invite.token}), {"display_name": "Ella"}
    )
    assert response.status_code == 302
    entry = WaitingListEntry.objects.get(user=person)
    assert entry.display_name == "Ella"
    assert entry.state == WaitingListEntry.State.WAITING
    # Asking again keeps the first place.
    client.post(
        reverse("groups:waiting_join", kwargs={"token": invite.token}), {"display_name": "E"}
    )
    assert WaitingListEntry.objects.filter(user=person).count() == 1
    assert "waiting list" in client.get(reverse("groups:mine")).content.decode()


def test_the_pack_can_lower_the_cap_but_never_raise_it(world: World) -> None:
    from booster.groups.models import MEMBER_SEATS

    pack = pack_for_version(version_id=world.group.pack_version_id)
    assert pack.rules.max_members <= MEMBER_SEATS
    _fill(world.group, pack.rules.max_members)
    with pytest.raises(services.GroupFullError):
        services.membership_join(
            group=world.group,
            user=UserFactory(),
            display_name="X",
            principles_version=world.group.pack_version,
        )


def test_guides_take_a_guide_seat_never_a_member_seat(world: World) -> None:
    _fill(world.group, 10)
    invite = services.invite_link_create(
        actor=world.convener.user, group=world.group, days=14, role="guide"
    )
    guide = services.invite_accept(
        invite=invite, user=UserFactory(), display_name="Coach", principles_accepted=True
    )
    assert guide.role == "guide"
    assert guide.seat is None
    assert guide.guide_seat == 2
    assert world.group.memberships.members().count() == 10
    with pytest.raises(ValidationError, match="two guides"):
        services.invite_accept(
            invite=invite, user=UserFactory(), display_name="Third", principles_accepted=True
        )


def test_joining_twice_returns_the_same_place(world: World) -> None:
    again = services.membership_join(
        group=world.group,
        user=world.member.user,
        display_name="Other",
        principles_version=world.group.pack_version,
    )
    assert again.pk == world.member.pk


def test_a_freed_seat_is_reused(world: World) -> None:
    seat = world.member.seat
    services.membership_leave(membership=world.member)
    newcomer = services.membership_join(
        group=world.group,
        user=UserFactory(),
        display_name="New",
        principles_version=world.group.pack_version,
    )
    assert newcomer.seat == seat


def test_a_removed_member_cannot_come_back_through_the_old_link(
    client: Client, world: World, invite: Invite
) -> None:
    services.membership_remove(
        actor=world.convener.user, membership=world.member, reason="broke the principles"
    )
    client.force_login(world.member.user)
    response = client.post(_join_url(invite), {"display_name": "Again", "accept_principles": "on"})
    assert response.status_code == 403
    assert "removed" in response.content.decode()
    assert not Membership.objects.active().filter(user=world.member.user).exists()
    with pytest.raises(services.JoinRefusedError):
        services.waiting_list_join(group=world.group, user=world.member.user, display_name="A")


def test_someone_who_left_may_come_back(client: Client, world: World, invite: Invite) -> None:
    services.membership_leave(membership=world.member)
    client.force_login(world.member.user)
    client.post(_join_url(invite), {"display_name": "Back", "accept_principles": "on"})
    assert Membership.objects.active().filter(user=world.member.user).exists()


def test_nobody_waits_for_a_group_with_a_free_seat(
    client: Client, world: World, invite: Invite
) -> None:
    person = UserFactory()
    client.force_login(person)
    response = client.post(
        reverse("groups:waiting_join", kwargs={"token": invite.token}), {"display_name": "W"}
    )
    assert response["Location"] == _join_url(invite)
    assert not WaitingListEntry.objects.filter(user=person).exists()


def test_a_guide_may_join_a_running_group_without_late_joining(world: World) -> None:
    world.group.state = Group.State.RUNNING
    world.group.allow_late_joining = False
    world.group.save()
    coach = UserFactory()
    membership = services.membership_join(
        group=world.group,
        user=coach,
        display_name="Coach",
        principles_version=world.group.pack_version,
        role="guide",
    )
    assert membership.role == "guide"
    with pytest.raises(services.JoinRefusedError):
        services.membership_join(
            group=world.group,
            user=UserFactory(),
            display_name="Late",
            principles_version=world.group.pack_version,
        )
