"""Every group URL for every persona, and a removed member who is refused at once.

Columns: anonymous · outsider · other_member · member · convener · guide
("login" = redirect to the login page, "home" = redirect to the group's home)

| URL (method)                                   | anon  | out | other | mem  | conv | guide |
|------------------------------------------------|-------|-----|-------|------|------|-------|
| mine, create (GET)                             | login | 200 | 200   | 200  | 200  | 200   |
| home, members, my_settings, leave, concerns,   | login | 404 | 404   | 200  | 200  | 200   |
|   concern_new (GET)                            |       |     |       |      |      |       |
| settings, invites, member_remove (GET)         | login | 404 | 404   | 403  | 200  | 200   |
| state, invite_link_create, invite_email_send,  | login | 404 | 404   | 403  | 302  | 302   |
|   invite_revoke, member_make_convener,         |       |     |       |      |      |       |
|   concern_acknowledge (POST)                   |       |     |       |      |      |       |
| leave, my_settings, concern_new (POST)         | login | 404 | 404   | 302  | 302  | 302   |
| join (GET)                                     | 200   | 200 | 200   | home | home | home  |
| waiting, waiting_withdraw (someone else's)     | login | 404 | 404   | 404  | 404  | 404   |
| every group URL, for a removed member          |       |     |       | 404  |      |       |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from booster.groups import services
from booster.groups.models import Concern, Invite, WaitingListEntry
from tests.factories import UserFactory
from tests.personas import PERSONAS, World


@dataclass
class Route:
    name: str
    method: str = "get"
    data: dict[str, str] = field(default_factory=dict)
    kwargs: tuple[str, ...] = ()


def _kwargs(route: Route, world: World, invite: Invite, concern: Concern) -> dict[str, int]:
    kwargs = {"group_id": world.group.pk}
    values = {
        "membership_id": world.second_member.pk,
        "invite_id": invite.pk,
        "concern_id": concern.pk,
    }
    for name in route.kwargs:
        kwargs[name] = values[name]
    return kwargs


MEMBER_PAGES = [
    Route("groups:home"),
    Route("groups:members"),
    Route("groups:my_settings"),
    Route("groups:leave"),
    Route("groups:concerns"),
    Route("groups:concern_new"),
]
STEWARD_PAGES = [
    Route("groups:settings"),
    Route("groups:invites"),
    Route("groups:member_remove", kwargs=("membership_id",)),
]
STEWARD_ACTIONS = [
    Route("groups:state", "post", {"state": "running"}),
    Route("groups:invite_link_create", "post", {"link-days": "14", "link-role": "member"}),
    Route(
        "groups:invite_email_send",
        "post",
        {"email-addresses": "new@example.org", "email-days": "14", "email-role": "member"},
    ),
    Route("groups:invite_revoke", "post", kwargs=("invite_id",)),
    Route("groups:member_make_convener", "post", kwargs=("membership_id",)),
    Route("groups:concern_acknowledge", "post", kwargs=("concern_id",)),
]
MEMBER_ACTIONS = [
    Route("groups:leave", "post"),
    Route(
        "groups:my_settings",
        "post",
        {"display_name": "New name", "reminders": "on", "board_digest": ""},
    ),
    Route("groups:concern_new", "post", {"text": "Something worries me."}),
]

EXPECTED = {
    "member_pages": {"member": 200, "convener": 200, "guide": 200},
    "steward_pages": {"member": 403, "convener": 200, "guide": 200},
    "steward_actions": {"member": 403, "convener": 302, "guide": 302},
    "member_actions": {"member": 302, "convener": 302, "guide": 302},
}
ROUTES = [
    *(("member_pages", route) for route in MEMBER_PAGES),
    *(("steward_pages", route) for route in STEWARD_PAGES),
    *(("steward_actions", route) for route in STEWARD_ACTIONS),
    *(("member_actions", route) for route in MEMBER_ACTIONS),
]


def _expected(kind: str, persona: str) -> int:
    if persona == "anonymous":
        return 302
    if persona in ("outsider", "other_member"):
        return 404
    return EXPECTED[kind][persona]


@pytest.fixture
def invite(world: World) -> Invite:
    return services.invite_link_create(
        actor=world.convener.user, group=world.group, days=14, role="member"
    )


@pytest.fixture
def concern(world: World) -> Concern:
    return Concern.objects.create(group=world.group, author=world.member, text="A worry.")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("kind", "route"), ROUTES, ids=lambda value: getattr(value, "name", value))
def test_group_urls_for_every_persona(
    client: Client,
    world: World,
    invite: Invite,
    concern: Concern,
    persona: str,
    kind: str,
    route: Route,
) -> None:
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    url = reverse(route.name, kwargs=_kwargs(route, world, invite, concern))
    response = getattr(client, route.method)(url, route.data)
    expected = _expected(kind, persona)
    assert response.status_code == expected, (persona, route.name, response.status_code)
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["groups:mine", "groups:create"])
def test_pages_outside_a_group(client: Client, world: World, persona: str, name: str) -> None:
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse(name))
    assert response.status_code == (302 if persona == "anonymous" else 200)


@pytest.mark.parametrize("persona", PERSONAS)
def test_join_page_for_every_persona(
    client: Client, world: World, invite: Invite, persona: str
) -> None:
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("groups:join", kwargs={"token": invite.token}))
    if persona in ("member", "convener", "guide"):
        assert response.status_code == 302
        assert response["Location"] == reverse("groups:home", kwargs={"group_id": world.group.pk})
    else:
        assert response.status_code == 200
        assert world.group.name in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "method"), [("groups:waiting", "get"), ("groups:waiting_withdraw", "post")]
)
def test_someone_elses_waiting_list_entry(
    client: Client, world: World, persona: str, name: str, method: str
) -> None:
    entry = WaitingListEntry.objects.create(
        group=world.group, user=UserFactory(), display_name="Waiting"
    )
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(reverse(name, kwargs={"entry_id": entry.pk}))
    assert response.status_code == (302 if persona == "anonymous" else 404)
    entry.refresh_from_db()
    assert entry.state == WaitingListEntry.State.WAITING


def test_a_removed_member_is_refused_everywhere_at_once(
    client: Client, world: World, invite: Invite, concern: Concern
) -> None:
    client.force_login(world.member.user)
    assert (
        client.get(reverse("groups:home", kwargs={"group_id": world.group.pk})).status_code == 200
    )
    services.membership_remove(
        actor=world.convener.user, membership=world.member, reason="Broke the principles."
    )
    for _kind, route in ROUTES:
        url = reverse(route.name, kwargs=_kwargs(route, world, invite, concern))
        response = getattr(client, route.method)(url, route.data)
        assert response.status_code == 404, route.name
    # The group is gone from their list too.
    response = client.get(reverse("groups:mine"))
    assert world.group.name not in response.content.decode()


def test_an_expired_invite_is_refused_before_anything_else(
    client: Client, world: World, invite: Invite
) -> None:
    Invite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("groups:join", kwargs={"token": invite.token}))
    assert response.status_code == 410
