"""The organisation's audit log: what was done, by whom, never a word anyone wrote."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from booster.core.models import AuditEntry, audit_log
from booster.groups import services as group_services
from booster.groups.permissions import GroupAccess
from booster.organisations import services
from booster.organisations.audit import GROUP_ACTIONS_SHOWN, action_text
from booster.organisations.views import AUDIT_PAGE_SIZE
from booster.planning import services as planning_services
from tests.organisations.conftest import Orgs


def _audit_page(orgs: Orgs, query: str = "") -> str:
    client = Client()
    client.force_login(orgs.coordinator.user)
    url = reverse("organisations:audit", kwargs={"slug": orgs.organisation.slug})
    response = client.get(url + query)
    assert response.status_code == 200
    return response.content.decode()


def test_coordinator_and_steward_actions_appear_as_sentences(orgs: Orgs) -> None:
    world = orgs.world
    services.organisation_settings_update(
        actor=orgs.coordinator.user,
        organisation=orgs.organisation,
        values={"crisis_contacts": "SECRET-CONTACT-TEXT"},
    )
    services.coordinator_invite_send(
        actor=orgs.coordinator.user, organisation=orgs.organisation, email="next@example.org"
    )
    group_services.invite_emails_send(
        actor=world.convener.user,
        group=world.group,
        addresses=["friend@example.org"],
        days=7,
        role="member",
    )
    group_services.membership_remove(
        actor=world.convener.user, membership=world.second_member, reason="SECRET-REASON"
    )
    stewards = GroupAccess(group=world.group, membership=world.convener)
    planning_services.goals_record(access=stewards, goals=["SECRET-GOAL"], base_number=0)
    body = _audit_page(orgs)
    for sentence in (
        "changed the organisation&#x27;s settings",
        "invited a coordinator",
        "invited people by e-mail",
        "removed a member",
        "recorded the group&#x27;s goals",
    ):
        assert sentence in body, sentence
    assert "Cora" in body  # the coordinator is named
    assert "a convener" in body  # a person in a group appears by their role
    assert world.convener.user.display_name not in body
    assert world.group.name in body
    for secret in ("SECRET-CONTACT-TEXT", "SECRET-REASON", "SECRET-GOAL", "friend@example.org"):
        assert secret not in body


def test_what_members_do_for_themselves_stays_in_the_group(orgs: Orgs) -> None:
    world = orgs.world
    group_services.membership_leave(membership=world.second_member)
    assert AuditEntry.objects.filter(action="groups.member_left").exists()
    assert "groups.member_left" not in GROUP_ACTIONS_SHOWN
    body = _audit_page(orgs)
    assert "left the group" not in body


def test_other_organisations_and_groups_are_not_shown(orgs: Orgs) -> None:
    audit_log(
        actor=orgs.other.user,
        action="organisations.settings_changed",
        organisation_id=orgs.other.organisation.pk,
    )
    audit_log(
        actor=orgs.world.other_member.user,
        action="groups.group_updated",
        group_id=orgs.world.other_group.pk,
    )
    body = _audit_page(orgs)
    assert "Bodil" not in body
    assert orgs.world.other_group.name not in body


def test_an_unknown_action_is_shown_as_its_code(orgs: Orgs) -> None:
    audit_log(
        actor=orgs.coordinator.user,
        action="dashboard.something_new",
        organisation_id=orgs.organisation.pk,
    )
    assert "dashboard.something_new" in _audit_page(orgs)
    assert action_text("groups.member_removed") == "removed a member"


def test_the_log_is_paginated_newest_first(orgs: Orgs) -> None:
    for number in range(AUDIT_PAGE_SIZE + 3):
        audit_log(
            actor=orgs.coordinator.user,
            action=f"organisations.test_{number:03d}",
            organisation_id=orgs.organisation.pk,
        )
    first = _audit_page(orgs)
    assert f"organisations.test_{AUDIT_PAGE_SIZE + 2:03d}" in first
    assert "organisations.test_000" not in first
    assert "Older entries" in first
    second = _audit_page(orgs, "?page=2")
    assert "organisations.test_000" in second
