"""The organisation's settings: retention, crisis contacts, the data controller."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from booster.core.models import AuditEntry
from booster.organisations.models import Organisation
from tests.organisations.conftest import Orgs

GOOD = {
    "retention_days": "120",
    "crisis_contacts": "Support line: 0800 123 456\n\n  Chaplain:   040 1234  ",
    "controller_name": "Lantern Arts ry",
    "controller_address": "Harbour street 1\n00100 Helsinki",
    "controller_email": "privacy@lantern.example",
}


def _post(orgs: Orgs, data: dict[str, str]) -> Any:
    client = Client()
    client.force_login(orgs.coordinator.user)
    url = reverse("organisations:settings", kwargs={"slug": orgs.organisation.slug})
    return client.post(url, data)


def test_a_coordinator_saves_the_settings_and_the_audit_log_names_only_the_fields(
    orgs: Orgs,
) -> None:
    response = _post(orgs, GOOD)
    assert response.status_code == 302
    organisation = Organisation.objects.get(pk=orgs.organisation.pk)
    assert organisation.retention_days == 120
    assert organisation.crisis_contacts == "Support line: 0800 123 456\nChaplain: 040 1234"
    assert organisation.controller_email == "privacy@lantern.example"
    entry = AuditEntry.objects.get(action="organisations.settings_changed")
    assert entry.organisation_id == organisation.pk
    assert entry.actor == orgs.coordinator.user
    assert sorted(entry.data["fields"]) == sorted(GOOD)
    assert "0800" not in str(entry.data) and "Harbour" not in str(entry.data)


def test_saving_the_same_settings_again_logs_nothing(orgs: Orgs) -> None:
    _post(orgs, GOOD)
    _post(orgs, GOOD)
    assert AuditEntry.objects.filter(action="organisations.settings_changed").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("retention_days", "6", "at least 7 days"),
        ("retention_days", "731", "at most 730 days"),
        ("retention_days", "ninety", "whole number"),
        ("retention_days", "", "from 7 to 730"),
        ("controller_email", "not-an-address", "Write an e-mail address"),
        ("crisis_contacts", "x" * 2001, "at most 2000"),
        ("controller_name", "x" * 201, "at most 200"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_saved(
    orgs: Orgs, field: str, value: str, message: str
) -> None:
    response = _post(orgs, {**GOOD, field: value})
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Nothing was saved" in body
    assert GOOD["controller_name"] in body or field == "controller_name"  # typed text kept
    organisation = Organisation.objects.get(pk=orgs.organisation.pk)
    assert organisation.retention_days == 90
    assert organisation.controller_name == ""
    assert not AuditEntry.objects.filter(action="organisations.settings_changed").exists()


def test_the_room_support_card_shows_the_organisations_crisis_contacts(orgs: Orgs) -> None:
    from tests.factories import MeetingFactory

    _post(orgs, GOOD)
    meeting = MeetingFactory(group=orgs.world.group, facilitator=orgs.world.convener)
    client = Client()
    client.force_login(orgs.world.convener.user)
    url = reverse("room:room", kwargs={"group_id": orgs.world.group.pk, "meeting_id": meeting.pk})
    body = client.get(url).content.decode()
    assert "Support line: 0800 123 456" in body
    assert "Contacts from Lantern Arts" in body
    # A group of no organisation shows the usual contacts alone.
    other = orgs.world.other_member
    other_meeting = MeetingFactory(group=other.group, facilitator=other)
    client.force_login(other.user)
    url = reverse("room:room", kwargs={"group_id": other.group.pk, "meeting_id": other_meeting.pk})
    assert "0800 123 456" not in client.get(url).content.decode()
