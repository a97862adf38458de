"""Facilitators and timekeepers: a steward names them, the rota gives everyone a turn,
members swap."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from booster.core.models import AuditEntry
from booster.meetings import services
from booster.meetings.models import FacilitatorSwap, Meeting
from booster.meetings.services import meetings_sync_to_plan
from tests.factories import MembershipFactory
from tests.meetings.helpers import access_for, client_for, remove_member
from tests.personas import World

PLAN = ["opening", "work_ability", "money", "competence", "networks", "collaboration", "closing"]


def test_a_steward_names_the_facilitator_and_a_timekeeper(world: World, meeting: Meeting) -> None:
    services.meeting_roles_set(
        access=access_for(world.convener),
        meeting=meeting,
        facilitator_id=world.guide.pk,  # a guide can facilitate
        timekeeper_id=world.member.pk,
    )
    meeting.refresh_from_db()
    assert (meeting.facilitator_id, meeting.timekeeper_id) == (world.guide.pk, world.member.pk)
    entry = AuditEntry.objects.get(action="meetings.roles_set")
    assert entry.data["facilitator"] == world.guide.pk


@pytest.mark.parametrize(
    ("facilitator", "timekeeper", "field"),
    [
        ("member", "member", "timekeeper"),
        (None, "member", "timekeeper"),
        ("other_member", None, "facilitator"),
    ],
)
def test_bad_roles_are_refused(
    world: World, meeting: Meeting, facilitator: str | None, timekeeper: str | None, field: str
) -> None:
    def pk(name: str | None) -> int | None:
        return getattr(world, name).pk if name else None

    with pytest.raises(ValidationError) as raised:
        services.meeting_roles_set(
            access=access_for(world.convener),
            meeting=meeting,
            facilitator_id=pk(facilitator),
            timekeeper_id=pk(timekeeper),
        )
    assert field in raised.value.message_dict
    meeting.refresh_from_db()
    assert meeting.facilitator_id == world.second_member.pk


def test_only_stewards_name_facilitators(world: World, meeting: Meeting) -> None:
    for membership in (world.member, world.second_member):
        with pytest.raises(PermissionDenied):
            services.meeting_roles_set(
                access=access_for(membership),
                meeting=meeting,
                facilitator_id=membership.pk,
                timekeeper_id=None,
            )


def test_the_rota_gives_everyone_a_turn_in_seat_order(world: World) -> None:
    meetings = meetings_sync_to_plan(group=world.group, theme_keys=PLAN, actor=None)
    Meeting.objects.filter(pk=meetings[1].pk).update(facilitator=world.guide)  # already named
    assigned = services.meetings_rota_assign(access=access_for(world.guide))
    assert [meeting.number for meeting in assigned] == [1, 3, 4, 5, 6, 7]
    by_number = {
        meeting.number: meeting.facilitator.display_name  # type: ignore[union-attr]
        for meeting in Meeting.objects.filter(group=world.group).select_related("facilitator")
    }
    # Members only, by seat: Cleo (1), Mika (2), Sanna (3), again…; the guide keeps meeting 2.
    assert by_number == {
        1: "Cleo",
        2: "Gunilla",
        3: "Mika",
        4: "Sanna",
        5: "Cleo",
        6: "Mika",
        7: "Sanna",
    }
    assert services.meetings_rota_assign(access=access_for(world.convener)) == []


def test_the_rota_fills_in_for_someone_who_left_and_counts_earlier_turns(world: World) -> None:
    meetings = meetings_sync_to_plan(group=world.group, theme_keys=PLAN[:5], actor=None)
    Meeting.objects.filter(pk=meetings[0].pk).update(state="held", facilitator=world.convener)
    Meeting.objects.filter(pk=meetings[1].pk).update(facilitator=world.second_member)
    leaving = MembershipFactory(group=world.group, user__display_name="Lotta")
    Meeting.objects.filter(pk=meetings[2].pk).update(facilitator=leaving)
    remove_member(leaving)
    services.meetings_rota_assign(access=access_for(world.convener))
    names = dict(
        Meeting.objects.filter(group=world.group).values_list("number", "facilitator__display_name")
    )
    # Mika has had no turn yet; then all have one, so the seat order goes on: Cleo, Mika.
    assert names == {1: "Cleo", 2: "Sanna", 3: "Mika", 4: "Cleo", 5: "Mika"}


def test_only_stewards_run_the_rota(world: World, meeting: Meeting) -> None:
    with pytest.raises(PermissionDenied):
        services.meetings_rota_assign(access=access_for(world.member))


def test_a_swap_is_asked_taken_over_and_the_facilitator_changes(
    world: World, meeting: Meeting
) -> None:
    with pytest.raises(PermissionDenied):
        services.swap_request(access=access_for(world.member), meeting=meeting)
    swap = services.swap_request(access=access_for(world.second_member), meeting=meeting)
    assert services.swap_request(access=access_for(world.second_member), meeting=meeting) == swap
    with pytest.raises(ValidationError, match="withdraw"):
        services.swap_take(access=access_for(world.second_member), swap_id=swap.pk)
    services.swap_take(access=access_for(world.guide), swap_id=swap.pk)
    meeting.refresh_from_db()
    swap.refresh_from_db()
    assert meeting.facilitator_id == world.guide.pk
    assert (swap.state, swap.accepted_by_id) == ("accepted", world.guide.pk)
    with pytest.raises(ValidationError, match="no longer open"):
        services.swap_take(access=access_for(world.member), swap_id=swap.pk)


def test_the_requester_can_withdraw(world: World, meeting: Meeting) -> None:
    swap = services.swap_request(access=access_for(world.second_member), meeting=meeting)
    with pytest.raises(PermissionDenied):
        services.swap_withdraw(access=access_for(world.member), swap_id=swap.pk)
    services.swap_withdraw(access=access_for(world.second_member), swap_id=swap.pk)
    swap.refresh_from_db()
    meeting.refresh_from_db()
    assert swap.state == "withdrawn"
    assert meeting.facilitator_id == world.second_member.pk


def test_a_new_facilitator_named_by_a_steward_ends_an_open_swap(
    world: World, meeting: Meeting
) -> None:
    swap = services.swap_request(access=access_for(world.second_member), meeting=meeting)
    services.meeting_roles_set(
        access=access_for(world.convener),
        meeting=meeting,
        facilitator_id=world.member.pk,
        timekeeper_id=None,
    )
    swap.refresh_from_db()
    assert swap.state == FacilitatorSwap.State.WITHDRAWN


def test_swaps_of_another_group_are_not_found(world: World, meeting: Meeting) -> None:
    swap = services.swap_request(access=access_for(world.second_member), meeting=meeting)
    with pytest.raises(FacilitatorSwap.DoesNotExist):
        services.swap_take(access=access_for(world.other_member), swap_id=swap.pk)


# --- pages --------------------------------------------------------------------------------


def test_swap_buttons_on_the_meeting_page(world: World, meeting: Meeting) -> None:
    detail = reverse(
        "meetings:detail", kwargs={"group_id": world.group.pk, "meeting_id": meeting.pk}
    )
    facilitator = client_for(world.second_member.user)
    assert b"Ask someone to take my turn" in facilitator.get(detail).content
    facilitator.post(
        reverse(
            "meetings:swap_request", kwargs={"group_id": world.group.pk, "meeting_id": meeting.pk}
        )
    )
    assert b"Withdraw my request" in facilitator.get(detail).content
    member = client_for(world.member.user)
    page = member.get(detail).content
    assert b"Sanna asks whether someone else could facilitate" in page
    swap = FacilitatorSwap.objects.get(meeting=meeting)
    response = member.post(
        reverse("meetings:swap_take", kwargs={"group_id": world.group.pk, "swap_id": swap.pk})
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.facilitator_id == world.member.pk


def test_the_roles_page_keeps_the_choice_and_explains(world: World, meeting: Meeting) -> None:
    url = reverse("meetings:roles", kwargs={"group_id": world.group.pk, "meeting_id": meeting.pk})
    client = client_for(world.convener.user)
    page = client.get(url)
    assert b"Gunilla (guide)" in page.content
    bad = client.post(url, {"facilitator": world.member.pk, "timekeeper": world.member.pk})
    assert bad.status_code == 200
    assert b"The facilitator keeps the time already" in bad.content
    good = client.post(url, {"facilitator": world.member.pk, "timekeeper": world.guide.pk})
    assert good.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.facilitator_id, meeting.timekeeper_id) == (world.member.pk, world.guide.pk)


def test_the_rota_page_and_button(world: World) -> None:
    meetings_sync_to_plan(group=world.group, theme_keys=PLAN[:5], actor=None)
    url = reverse("meetings:rota", kwargs={"group_id": world.group.pk})
    assert b"Give everyone a turn" not in client_for(world.member.user).get(url).content
    client = client_for(world.convener.user)
    assert b"Give everyone a turn" in client.get(url).content
    assert client.post(url).status_code == 302
    assert not Meeting.objects.filter(group=world.group, facilitator__isnull=True).exists()


def test_the_rota_follows_the_groups_agreement_on_roles(world: World) -> None:
    from booster.planning.models import AgreementsVersion

    meetings_sync_to_plan(group=world.group, theme_keys=PLAN[:5], actor=None)
    url = reverse("meetings:rota", kwargs={"group_id": world.group.pk})
    client = client_for(world.convener.user)
    AgreementsVersion.objects.create(group=world.group, number=1, facilitation="guide")
    page = client.get(url).content.decode()
    assert "A guide leads the meetings" in page
    assert "Give everyone a turn" not in page
    with pytest.raises(ValidationError, match="name the facilitators one by one"):
        services.meetings_rota_assign(access=access_for(world.convener))
    assert client.post(url, follow=True).status_code == 200
    assert not Meeting.objects.filter(group=world.group, facilitator__isnull=False).exists()

    AgreementsVersion.objects.create(group=world.group, number=2, facilitation="rotating")
    assert "Give everyone a turn" in client.get(url).content.decode()
    assert len(services.meetings_rota_assign(access=access_for(world.convener))) == 5
