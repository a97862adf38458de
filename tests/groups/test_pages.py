"""My groups, the group home, the group settings and a member's own settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from booster.core.models import AuditEntry
from booster.groups.models import Group, Membership
from booster.meetings.models import Meeting
from tests.factories import GroupFactory, MembershipFactory
from tests.personas import World


def _url(name: str, world: World, **kwargs: Any) -> str:
    return reverse(name, kwargs={"group_id": world.group.pk, **kwargs})


def _meeting(group: Group, number: int, days: int | None, **fields: Any) -> Meeting:
    return Meeting.objects.create(
        group=group,
        number=number,
        theme_key="opening" if number == 1 else f"theme{number}",
        starts_at=timezone.now() + timedelta(days=days) if days is not None else None,
        form=group.form,
        video_link=group.video_link,
        **fields,
    )


# --- my groups ----------------------------------------------------------------------------


def test_my_groups_lists_each_active_place_with_role_and_next_meeting(
    client: Client, world: World
) -> None:
    _meeting(world.group, 1, days=-7, state="held")
    upcoming = _meeting(world.group, 2, days=10)
    _meeting(world.group, 3, days=40)
    client.force_login(world.convener.user)
    response = client.get(reverse("groups:mine"))
    page = response.content.decode()
    assert reverse("groups:create") in page
    assert reverse("groups:home", kwargs={"group_id": world.group.pk}) in page
    (membership,) = response.context["memberships"]
    assert membership.next_meeting_at == upcoming.starts_at
    assert "Convener" in page
    assert "Forming" in page
    assert "Remote" in page
    assert world.other_group.name not in page


@pytest.mark.parametrize(("persona", "role"), [("guide", "Guide"), ("member", "Member")])
def test_my_role_is_shown(client: Client, world: World, persona: str, role: str) -> None:
    client.force_login(world.user(persona))
    page = client.get(reverse("groups:mine")).content.decode()
    assert f"<dd>{role}</dd>" in page


def test_my_groups_leaves_out_groups_i_left(client: Client, world: World) -> None:
    Membership.objects.filter(pk=world.member.pk).update(state="left", seat=None)
    client.force_login(world.member.user)
    assert client.get(reverse("groups:mine")).context["memberships"] == []


def test_my_groups_takes_the_same_queries_for_one_group_or_nine(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    user = world.member.user
    client.force_login(user)
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("groups:mine"))
    for n in range(8):
        group = GroupFactory(pack_version=world.group.pack_version)
        MembershipFactory(group=group, user=user)
        _meeting(group, 1, days=n + 1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("groups:mine"))
    assert len(response.context["memberships"]) == 9


def test_after_login_people_land_on_my_groups(client: Client, world: World) -> None:
    response = client.post(
        reverse("account_login"), {"login": world.member.user.email, "password": "a calm river 42"}
    )
    assert response["Location"] == reverse("groups:mine")


# --- the group home -----------------------------------------------------------------------


def test_the_home_shows_the_group_its_members_and_the_crisis_notice(
    client: Client, world: World
) -> None:
    Group.objects.filter(pk=world.group.pk).update(description="We meet on Mondays.", country="SE")
    client.force_login(world.member.user)
    response = client.get(_url("groups:home", world))
    page = response.content.decode()
    assert response.status_code == 200
    assert "We meet on Mondays." in page
    assert world.group.video_link in page
    for person in (world.convener, world.member, world.second_member, world.guide):
        assert person.display_name in page
    # Chosen names only: never an e-mail address.
    assert world.member.user.email not in page
    assert world.other_member.display_name not in page
    assert "Booster is not a crisis service" in page
    assert reverse("core:help") + "#country-SE" in page
    assert 'id="meetings-home-title"' in page
    assert 'id="board-section-title"' in page


def test_the_home_of_a_face_to_face_group_shows_the_place(client: Client, world: World) -> None:
    Group.objects.filter(pk=world.group.pk).update(
        form="face_to_face", place="Kulturhuset, room 3", video_link=""
    )
    client.force_login(world.member.user)
    assert "Kulturhuset, room 3" in client.get(_url("groups:home", world)).content.decode()


def test_stewards_see_the_steward_links_members_do_not(client: Client, world: World) -> None:
    client.force_login(world.member.user)
    page = client.get(_url("groups:home", world)).content.decode()
    assert _url("groups:invites", world) not in page
    assert _url("groups:settings", world) not in page
    client.force_login(world.guide.user)
    page = client.get(_url("groups:home", world)).content.decode()
    assert _url("groups:invites", world) in page
    assert _url("groups:settings", world) in page


def test_the_home_takes_the_same_queries_for_four_people_or_twelve(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    _meeting(world.group, 1, days=3)
    client.force_login(world.member.user)
    client.get(_url("groups:home", world))  # the pinned pack is read once per process
    with django_assert_max_num_queries(20) as few:
        client.get(_url("groups:home", world))
    while world.group.memberships.members().count() < 10:
        MembershipFactory(group=world.group)
    MembershipFactory(group=world.group, role="guide")
    for number in range(2, 8):
        _meeting(world.group, number, days=3 + 7 * number)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url("groups:home", world))
    assert len(response.context["members"]) == 12


# --- group settings ------------------------------------------------------------------------


def test_a_steward_edits_the_group_and_it_is_audit_logged(client: Client, world: World) -> None:
    client.force_login(world.convener.user)
    page = client.get(_url("groups:settings", world))
    assert page.context["form"]["name"].value() == world.group.name
    response = client.post(
        _url("groups:settings", world),
        {
            "name": "New name",
            "description": "",
            "language": "sv",
            "form": "face_to_face",
            "place": "Library",
            "video_link": "",
            "country": "SE",
            "time_zone": "Europe/Stockholm",
        },
    )
    assert response.status_code == 302
    world.group.refresh_from_db()
    assert (world.group.name, world.group.form, world.group.place) == (
        "New name",
        "face_to_face",
        "Library",
    )
    assert world.group.allow_late_joining is False
    entry = AuditEntry.objects.get(action="groups.group_updated")
    assert "New name" not in str(entry.data)


def test_the_settings_refuse_hybrid_and_keep_what_was_typed(client: Client, world: World) -> None:
    client.force_login(world.convener.user)
    response = client.post(
        _url("groups:settings", world),
        {
            "name": "Typed name",
            "language": "en",
            "form": "hybrid",
            "country": "FI",
            "time_zone": "Europe/Helsinki",
        },
    )
    assert response.status_code == 200
    assert "never both at once" in " ".join(response.context["form"].errors["form"])
    assert response.context["form"]["name"].value() == "Typed name"
    world.group.refresh_from_db()
    assert world.group.form == "remote"


def test_the_state_moves_forming_running_closed_and_never_back(
    client: Client, world: World
) -> None:
    client.force_login(world.guide.user)
    url = _url("groups:state", world)
    client.post(url, {"state": "running"})
    world.group.refresh_from_db()
    assert world.group.state == "running"
    response = client.post(url, {"state": "forming"}, follow=True)
    assert "only" in response.content.decode()
    world.group.refresh_from_db()
    assert world.group.state == "running"
    client.post(url, {"state": "closed"})
    world.group.refresh_from_db()
    assert world.group.state == "closed"
    assert client.post(url, {"state": "running"}).status_code == 403
    assert [entry.data["state"] for entry in AuditEntry.objects.order_by("at", "id")] == [
        "running",
        "closed",
    ]
    page = client.get(_url("groups:settings", world))
    assert page.status_code == 200
    assert "closed" in page.content.decode()
    assert client.post(_url("groups:settings", world), {"name": "x"}).status_code == 403


# --- my own settings -----------------------------------------------------------------------


def test_a_member_turns_reminders_and_the_digest_off_and_renames(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.member.user)
    with django_assert_max_num_queries(6):
        page = client.get(_url("groups:my_settings", world))
    assert page.context["form"]["reminders"].value() is True
    response = client.post(_url("groups:my_settings", world), {"display_name": "Mika K"})
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert world.member.reminders is False
    assert world.member.board_digest is False
    assert world.member.display_name == "Mika K"
    response = client.post(
        _url("groups:my_settings", world), {"display_name": " ", "reminders": "on"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["display_name"]
    world.member.refresh_from_db()
    assert world.member.reminders is False
