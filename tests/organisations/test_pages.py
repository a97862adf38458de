"""Who may open an organisation's pages, what they show, and what they cost."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from booster.core.models import audit_log
from booster.organisations.nav import SESSION_KEY
from tests.factories import CoordinatorFactory, GroupFactory
from tests.organisations.conftest import Orgs

# Session and user, the organisation and the coordinator check, then the page's own reads.
QUERIES = {
    "organisations:home": 4,
    "organisations:settings": 4,
    "organisations:coordinators": 6,
    "organisations:audit": 9,
}
PAGES = (
    "organisations:home",
    "organisations:settings",
    "organisations:coordinators",
    "organisations:audit",
)


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("page", PAGES)
def test_coordinators_and_operators_open_the_pages_and_nobody_else(orgs: Orgs, page: str) -> None:
    url = reverse(page, kwargs={"slug": orgs.organisation.slug})
    world = orgs.world
    assert _client(orgs.coordinator.user).get(url).status_code == 200
    assert _client(orgs.operator).get(url).status_code == 200
    for person in (
        orgs.other.user,
        world.convener.user,
        world.member.user,
        world.guide.user,
        world.outsider,
    ):
        assert _client(person).get(url).status_code == 404, person
    anonymous = _client(None).get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))


def test_an_unknown_organisation_is_a_404_even_for_an_operator(orgs: Orgs) -> None:
    url = reverse("organisations:home", kwargs={"slug": "no-such-organisation"})
    assert _client(orgs.operator).get(url).status_code == 404


def test_my_organisations_lists_only_mine(orgs: Orgs) -> None:
    body = _client(orgs.coordinator.user).get(reverse("organisations:mine")).content.decode()
    assert orgs.organisation.name in body
    assert orgs.other.organisation.name not in body


def test_the_header_links_my_organisations_for_coordinators_only(orgs: Orgs) -> None:
    link = reverse("organisations:mine")
    coordinator = _client(orgs.coordinator.user)
    assert coordinator.session[SESSION_KEY] is True  # worked out at login
    assert f'href="{link}"' in coordinator.get(reverse("core:home")).content.decode()
    member = _client(orgs.world.member.user)
    assert f'href="{link}"' not in member.get(reverse("core:home")).content.decode()


def test_the_home_page_links_the_organisations_pages(orgs: Orgs) -> None:
    slug = orgs.organisation.slug
    body = (
        _client(orgs.coordinator.user)
        .get(reverse("organisations:home", kwargs={"slug": slug}))
        .content.decode()
    )
    for name in ("organisations:settings", "organisations:coordinators", "organisations:audit"):
        assert reverse(name, kwargs={"slug": slug}) in body


def _audit_rows(orgs: Orgs, count: int) -> None:
    for number in range(count):
        group = GroupFactory(organisation=orgs.organisation, name=f"Group {number}")
        audit_log(actor=orgs.world.convener.user, action="groups.group_updated", group_id=group.pk)
        audit_log(
            actor=orgs.coordinator.user,
            action="organisations.settings_changed",
            organisation_id=orgs.organisation.pk,
            fields=["retention_days"],
        )
        CoordinatorFactory(organisation=orgs.organisation)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("rows", [2, 6])
def test_page_queries_do_not_grow_with_data(
    orgs: Orgs, page: str, rows: int, django_assert_max_num_queries: Any
) -> None:
    _audit_rows(orgs, rows)
    client = _client(orgs.coordinator.user)
    url = reverse(page, kwargs={"slug": orgs.organisation.slug})
    client.get(url)  # the session is saved once
    with django_assert_max_num_queries(QUERIES[page]):
        assert client.get(url).status_code == 200


def test_mine_queries_do_not_grow(orgs: Orgs, django_assert_max_num_queries: Any) -> None:
    for _ in range(5):
        CoordinatorFactory(user=orgs.coordinator.user)
    client = _client(orgs.coordinator.user)
    client.get(reverse("organisations:mine"))
    with django_assert_max_num_queries(3):
        assert client.get(reverse("organisations:mine")).status_code == 200
