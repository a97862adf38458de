"""Leaving, removal, conveners and the hand-over, and the waiting list that fills freed seats."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from booster.core.models import AuditEntry
from booster.groups import services
from booster.groups.models import Group, Membership, WaitingListEntry
from tests.factories import GroupFactory, MembershipFactory, UserFactory
from tests.personas import World


def _url(name: str, world: World, **kwargs: Any) -> str:
    return reverse(name, kwargs={"group_id": world.group.pk, **kwargs})


def _full_group_with_waiting(world: World, *people: Any) -> list[WaitingListEntry]:
    while world.group.memberships.members().count() < 10:
        MembershipFactory(group=world.group)
    return [
        services.waiting_list_join(
            group=world.group, user=person, display_name=f"Waiting person {n}"
        )
        for n, person in enumerate(people)
    ]


def test_leaving_is_confirmed_then_frees_the_seat(client: Client, world: World) -> None:
    client.force_login(world.member.user)
    page = client.get(_url("groups:leave", world))
    assert page.status_code == 200
    assert "voluntary" in page.content.decode()
    response = client.post(_url("groups:leave", world))
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:mine")
    world.member.refresh_from_db()
    assert world.member.state == Membership.State.LEFT
    assert world.member.seat is None
    assert world.member.ended_at is not None
    assert client.get(_url("groups:home", world)).status_code == 404
    assert AuditEntry.objects.filter(action="groups.member_left").exists()


@pytest.mark.parametrize("state", ["forming", "running", "closed"])
def test_leaving_is_never_blocked(client: Client, world: World, state: str) -> None:
    Group.objects.filter(pk=world.group.pk).update(state=state)
    client.force_login(world.guide.user)
    assert client.post(_url("groups:leave", world)).status_code == 302
    world.guide.refresh_from_db()
    assert world.guide.state == Membership.State.LEFT
    assert world.guide.guide_seat is None


def test_a_steward_removes_a_member_with_a_reason(client: Client, world: World) -> None:
    client.force_login(world.convener.user)
    url = _url("groups:member_remove", world, membership_id=world.member.pk)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    response = client.post(url, {"reason": "Shared what others said outside the group."})
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert world.member.state == Membership.State.REMOVED
    assert world.member.removal_reason == "Shared what others said outside the group."
    entry = AuditEntry.objects.get(action="groups.member_removed")
    assert entry.actor == world.convener.user
    assert entry.data == {"membership_id": world.member.pk, "role": "member"}
    assert "outside" not in str(entry.data)


def test_stewards_cannot_remove_themselves_or_people_of_other_groups(
    client: Client, world: World
) -> None:
    client.force_login(world.convener.user)
    own = _url("groups:member_remove", world, membership_id=world.convener.pk)
    assert client.get(own).status_code == 404
    other = _url("groups:member_remove", world, membership_id=world.other_member.pk)
    assert client.post(other, {"reason": "x"}).status_code == 404
    world.other_member.refresh_from_db()
    assert world.other_member.is_active
    with pytest.raises(ValidationError):
        services.membership_remove(actor=world.convener.user, membership=world.convener, reason="x")


def test_two_stewards_removing_each_other_cannot_both_succeed(world: World) -> None:
    # The guide removes the convener first; the convener's request, made from the page
    # they loaded before, comes a moment later with what it read then.
    stale_guide = Membership.objects.get(pk=world.guide.pk)
    services.membership_remove(
        actor=world.guide.user, membership=world.convener, reason="Broke the principles."
    )
    with pytest.raises(PermissionDenied):
        services.membership_remove(
            actor=world.convener.user, membership=stale_guide, reason="Broke the principles."
        )
    world.guide.refresh_from_db()
    assert world.guide.is_active
    assert AuditEntry.objects.filter(action="groups.member_removed").count() == 1


def test_only_a_steward_removes(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_remove(
            actor=world.member.user, membership=world.second_member, reason="Rude."
        )
    with pytest.raises(PermissionDenied):
        services.membership_remove(
            actor=world.other_member.user, membership=world.member, reason="Rude."
        )
    world.second_member.refresh_from_db()
    world.member.refresh_from_db()
    assert world.second_member.is_active
    assert world.member.is_active


def test_no_removal_in_a_closed_group(client: Client, world: World) -> None:
    Group.objects.filter(pk=world.group.pk).update(state="closed")
    client.force_login(world.convener.user)
    url = _url("groups:member_remove", world, membership_id=world.member.pk)
    assert client.post(url, {"reason": "x"}).status_code == 403


def test_a_steward_makes_another_member_a_convener(client: Client, world: World) -> None:
    client.force_login(world.guide.user)
    response = client.post(
        _url("groups:member_make_convener", world, membership_id=world.member.pk)
    )
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert world.member.is_convener
    assert AuditEntry.objects.filter(action="groups.convener_named").count() == 1
    # A guide is not made a convener: guides already look after the group.
    with pytest.raises(ValidationError):
        services.membership_make_convener(actor=world.convener.user, membership=world.guide)


@pytest.mark.parametrize(
    ("language", "phrase"),
    [("en", "you are now its convener"), ("sv", "sammankallande"), ("fi", "koollekutsuja")],
)
def test_when_the_last_steward_leaves_the_longest_standing_member_takes_over(
    world: World, language: str, phrase: str
) -> None:
    user = world.member.user
    user.language = language
    user.save()
    services.membership_remove(
        actor=world.guide.user, membership=world.convener, reason="Asked to be removed."
    )
    assert mail.outbox == []  # the guide still looks after the group
    services.membership_leave(membership=world.guide)
    world.member.refresh_from_db()
    world.second_member.refresh_from_db()
    assert world.member.is_convener  # joined before second_member
    assert not world.second_member.is_convener
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert world.group.name in message.subject
    assert phrase in message.body
    assert f"/{language}/groups/{world.group.pk}/" in message.body
    assert AuditEntry.objects.filter(action="groups.convener_handed_over").count() == 1


def test_a_group_of_one_leaving_leaves_nobody_to_hand_over_to(db: None) -> None:
    group = GroupFactory()
    only = MembershipFactory(group=group, is_convener=True)
    services.membership_leave(membership=only)
    assert not group.memberships.active().exists()


@pytest.mark.parametrize(
    ("language", "phrase"),
    [("en", "A place has freed up"), ("sv", "väntelistan"), ("fi", "vapautunut")],
)
def test_a_freed_seat_is_offered_to_the_first_person_waiting(
    client: Client, world: World, language: str, phrase: str
) -> None:
    first = UserFactory(language=language)
    second = UserFactory()
    entries = _full_group_with_waiting(world, first, second)
    client.force_login(world.member.user)
    client.post(_url("groups:leave", world))
    entries[0].refresh_from_db()
    entries[1].refresh_from_db()
    assert entries[0].state == WaitingListEntry.State.OFFERED
    assert entries[0].offered_at is not None
    assert entries[1].state == WaitingListEntry.State.WAITING
    (message,) = mail.outbox
    assert message.to == [first.email]
    assert phrase in message.body
    assert f"/{language}/groups/waiting/{entries[0].pk}/" in message.body


def test_the_offered_person_joins_through_the_seat_logic(client: Client, world: World) -> None:
    person = UserFactory()
    (entry,) = _full_group_with_waiting(world, person)
    services.membership_remove(actor=world.convener.user, membership=world.member, reason="r")
    client.force_login(person)
    url = reverse("groups:waiting", kwargs={"entry_id": entry.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["is_offered"]
    response = client.post(url, {"display_name": "From the list"})
    assert response.status_code == 200
    assert response.context["form"].errors["accept_principles"]
    response = client.post(url, {"display_name": "From the list", "accept_principles": "on"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=person, state="active")
    assert membership.display_name == "From the list"
    assert membership.seat == world.member.seat or membership.seat is not None
    assert membership.principles_version == world.group.pack_version
    entry.refresh_from_db()
    assert entry.state == WaitingListEntry.State.JOINED
    assert world.group.memberships.members().count() == 10


def test_when_someone_is_quicker_the_offered_person_keeps_their_place(
    client: Client, world: World
) -> None:
    person = UserFactory()
    (entry,) = _full_group_with_waiting(world, person)
    services.membership_leave(membership=world.member)
    MembershipFactory(group=world.group)  # someone with a link took the seat first
    client.force_login(person)
    url = reverse("groups:waiting", kwargs={"entry_id": entry.pk})
    response = client.post(url, {"display_name": "Me", "accept_principles": "on"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.state == WaitingListEntry.State.WAITING
    assert not Membership.objects.filter(user=person).exists()


def test_withdrawing_an_offer_passes_it_on(client: Client, world: World) -> None:
    first, second = UserFactory(), UserFactory()
    entries = _full_group_with_waiting(world, first, second)
    services.membership_leave(membership=world.member)
    client.force_login(first)
    response = client.post(reverse("groups:waiting_withdraw", kwargs={"entry_id": entries[0].pk}))
    assert response.status_code == 302
    entries[0].refresh_from_db()
    entries[1].refresh_from_db()
    assert entries[0].state == WaitingListEntry.State.WITHDRAWN
    assert entries[1].state == WaitingListEntry.State.OFFERED
    assert [m.to for m in mail.outbox] == [[first.email], [second.email]]


def test_a_guide_leaving_frees_no_member_seat(world: World) -> None:
    (entry,) = _full_group_with_waiting(world, UserFactory())
    services.membership_leave(membership=world.guide)
    entry.refresh_from_db()
    assert entry.state == WaitingListEntry.State.WAITING


def test_stewards_see_the_waiting_list_members_do_not(client: Client, world: World) -> None:
    _full_group_with_waiting(world, UserFactory(display_name="Wanda"))
    client.force_login(world.convener.user)
    # A name no CSRF token can contain by chance (it has spaces).
    assert "Waiting person 0" in client.get(_url("groups:members", world)).content.decode()
    client.force_login(world.member.user)
    assert "Waiting person 0" not in client.get(_url("groups:members", world)).content.decode()


def test_the_members_page_does_not_grow_in_queries(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.convener.user)
    with django_assert_max_num_queries(8) as few:
        client.get(_url("groups:members", world))
    _full_group_with_waiting(world, UserFactory(), UserFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url("groups:members", world))
    assert len(response.context["members"]) == 11


def test_the_offered_seat_is_held_for_the_person_offered(world: World) -> None:
    person = UserFactory()
    (entry,) = _full_group_with_waiting(world, person)
    services.membership_leave(membership=world.member)
    entry.refresh_from_db()
    assert entry.state == WaitingListEntry.State.OFFERED
    newcomer = UserFactory()
    with pytest.raises(services.GroupFullError):
        services.membership_join(
            group=world.group,
            user=newcomer,
            display_name="Quick",
            principles_version=world.group.pack_version,
        )
    services.waiting_list_accept(entry=entry, display_name="Offered", principles_accepted=True)
    assert Membership.objects.active().filter(user=person).exists()


def test_an_offer_not_taken_in_time_frees_the_seat_for_others(world: World) -> None:
    import time_machine

    person = UserFactory()
    _full_group_with_waiting(world, person)
    services.membership_leave(membership=world.member)
    with time_machine.travel(timezone.now() + services.OFFER_HOLD + timedelta(hours=1)):
        membership = services.membership_join(
            group=world.group,
            user=UserFactory(),
            display_name="Later",
            principles_version=world.group.pack_version,
        )
    assert membership.seat is not None
