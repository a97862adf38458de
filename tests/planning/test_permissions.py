"""Every planning URL for every persona.

| kind      | anonymous | outsider | other_member | member | convener | guide |
| --------- | --------- | -------- | ------------ | ------ | -------- | ----- |
| read      | login     | 404      | 404          | 200    | 200      | 200   |
| take part | login     | 404      | 404          | 302    | 302      | 302   |
| mark      | login     | 404      | 404          | 302    | 302      | 403   |
| record    | login     | 404      | 404          | 403    | 302      | 302   |

read (GET): goals, rules, agreements, agreements_edit, agreements_history,
agreements_version, themes. take part (POST): goal_propose, rule_wish_add,
rule_wish_withdraw, rules_acknowledge, agreements_edit. mark (POST):
theme_preference_toggle — only members mark theme preferences; guides are not members.
record (POST): goals_record, rules_write, theme_plan_record.

"login" is a redirect to the login page. The member who facilitates the next meeting
records like a convener (302). In a closed group every page still reads (200) but every
change is refused (403), the edit page of the agreements too. A removed member gets 404 at
once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from booster.groups.models import Group, Membership
from booster.meetings.models import Meeting
from booster.planning.models import AgreementsVersion
from tests.factories import GroundRulesVersionFactory, RuleWishFactory
from tests.personas import PERSONAS, World


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    kind: str  # "read", "take_part", "mark" or "record"

    def data(self, world: World, persona: str) -> dict[str, Any]:
        return DATA.get(self.name, {})

    def kwargs(self, world: World, persona: str) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"group_id": world.group.pk}
        if self.name == "agreements_version":
            kwargs["number"] = 1
        if self.name == "rule_wish_withdraw":
            author = getattr(world, persona, world.member)
            if not isinstance(author, Membership) or author.group_id != world.group.pk:
                author = world.member
            kwargs["wish_id"] = RuleWishFactory(author=author).pk
        return kwargs


AGREEMENT_POST = {
    **{name: "" for name in AgreementsVersion().values()},
    "base_number": "1",
    "time_of_day": "Evenings",
}
DATA: dict[str, dict[str, Any]] = {
    "goal_propose": {"text": "Share tips"},
    "goals_record": {"goals": "Share tips\nRest", "base_number": "0"},
    "rule_wish_add": {"text": "We listen"},
    "rules_write": {"rules": "Listen", "conflict_procedure": "Talk", "base_number": "1"},
    "rules_acknowledge": {"number": "1"},
    "agreements_edit": AGREEMENT_POST,
    "theme_preference_toggle": {"theme": "money"},
    "theme_plan_record": {
        "meetings": "5",
        "base_number": "0",
        "meeting_2": "money",
        "meeting_3": "networks",
        "meeting_4": "competence",
    },
}

CASES = [
    Case("goals", "get", "read"),
    Case("rules", "get", "read"),
    Case("agreements", "get", "read"),
    Case("agreements_edit", "get", "read"),
    Case("agreements_history", "get", "read"),
    Case("agreements_version", "get", "read"),
    Case("themes", "get", "read"),
    Case("goal_propose", "post", "take_part"),
    Case("rule_wish_add", "post", "take_part"),
    Case("rule_wish_withdraw", "post", "take_part"),
    Case("rules_acknowledge", "post", "take_part"),
    Case("agreements_edit", "post", "take_part"),
    Case("theme_preference_toggle", "post", "mark"),
    Case("goals_record", "post", "record"),
    Case("rules_write", "post", "record"),
    Case("theme_plan_record", "post", "record"),
]

EXPECTED: dict[str, dict[str, int]] = {
    "read": {"outsider": 404, "other_member": 404, "member": 200, "convener": 200, "guide": 200},
    "take_part": {
        "outsider": 404,
        "other_member": 404,
        "member": 302,
        "convener": 302,
        "guide": 302,
    },
    "mark": {"outsider": 404, "other_member": 404, "member": 302, "convener": 302, "guide": 403},
    "record": {"outsider": 404, "other_member": 404, "member": 403, "convener": 302, "guide": 302},
}


@pytest.fixture
def planned_world(world: World) -> World:
    """A group with version 1 of its ground rules and its agreements."""
    GroundRulesVersionFactory(written_by=world.convener)
    AgreementsVersion.objects.create(group=world.group, number=1, changed_by=world.member)
    return world


def request(client: Client, case: Case, world: World, persona: str) -> Any:
    url = reverse(f"planning:{case.name}", kwargs=case.kwargs(world, persona))
    if case.method == "get":
        return client.get(url)
    return client.post(url, case.data(world, persona))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.method}-{case.name}")
def test_every_url_for_every_persona(
    client: Client, planned_world: World, case: Case, persona: str
) -> None:
    user = planned_world.user(persona)
    if user is not None:
        client.force_login(user)

    response = request(client, case, planned_world, persona)

    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == EXPECTED[case.kind][persona]
        if response.status_code == 302:
            assert "/login/" not in response["Location"]


@pytest.mark.parametrize(
    "case", [case for case in CASES if case.kind == "record"], ids=lambda case: case.name
)
def test_the_facilitator_of_the_next_meeting_records(
    client: Client, planned_world: World, case: Case
) -> None:
    Meeting.objects.create(
        group=planned_world.group,
        number=1,
        theme_key="opening",
        form="remote",
        facilitator=planned_world.member,
    )
    client.force_login(planned_world.member.user)
    assert request(client, case, planned_world, "member").status_code == 302


@pytest.mark.parametrize("persona", ["member", "convener"])
@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.method}-{case.name}")
def test_a_closed_group_reads_but_never_changes(
    client: Client, planned_world: World, case: Case, persona: str
) -> None:
    Group.objects.filter(pk=planned_world.group.pk).update(state="closed")
    client.force_login(planned_world.user(persona))

    response = request(client, case, planned_world, persona)

    if case.method == "get" and case.name != "agreements_edit":
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.method}-{case.name}")
def test_a_removed_member_is_refused_at_once(
    client: Client, planned_world: World, case: Case
) -> None:
    client.force_login(planned_world.member.user)
    Membership.objects.filter(pk=planned_world.member.pk).update(state="removed", seat=None)
    assert request(client, case, planned_world, "member").status_code == 404


def test_a_wish_of_someone_else_cannot_be_withdrawn(client: Client, world: World) -> None:
    wish = RuleWishFactory(author=world.second_member)
    client.force_login(world.member.user)
    url = reverse("planning:rule_wish_withdraw", args=[world.group.pk, wish.pk])
    assert client.post(url).status_code == 403
    wish.refresh_from_db()
    assert not wish.is_withdrawn


def test_another_groups_version_is_not_found(client: Client, world: World) -> None:
    AgreementsVersion.objects.create(group=world.other_group, number=1)
    client.force_login(world.member.user)
    url = reverse("planning:agreements_version", args=[world.group.pk, 1])
    assert client.get(url).status_code == 404
