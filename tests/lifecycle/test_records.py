"""The closed group's notice on its home page, and the group's records (page, JSON, PDF)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from booster.groups.models import Group
from booster.lifecycle.selectors import deletion_at
from booster.lifecycle.services import retention_sweep
from booster.planning.models import GoalsRecord
from tests.factories import MembershipFactory
from tests.lifecycle.conftest import LOOK_BACK_ANSWER, Filled, close
from tests.personas import World

pytestmark = pytest.mark.django_db


def client_for(filled: Filled, persona: str) -> Client:
    client = Client()
    client.force_login(filled.user(persona))
    return client


def records_url(group: Group, name: str = "records") -> str:
    return reverse(f"lifecycle:{name}", kwargs={"group_id": group.pk})


def test_the_home_of_a_closed_group_says_when_its_content_goes(filled: Filled) -> None:
    group = filled.group
    home = reverse("groups:home", kwargs={"group_id": group.pk})
    client = client_for(filled, "member")
    assert "This group has closed" not in client.get(home).content.decode()
    # Closed late in the evening, UTC: in Helsinki the deletion day is already the next.
    with time_machine.travel(datetime(2026, 3, 1, 22, 30, tzinfo=UTC), tick=False):
        close(group, actor=filled.user("convener"))
    group.organisation = None
    group.save(update_fields=["organisation"])
    page = client.get(home).content.decode()
    assert "This group has closed" in page
    assert "kept for 90 days" in page
    assert "May 31, 2026" in page  # 2026-05-30 22:30 UTC is 01:30 on the 31st in Helsinki
    assert records_url(group) in page
    assert reverse("notebook:index", kwargs={"group_id": group.pk}) in page


def test_after_the_deletion_the_home_says_so(filled: Filled) -> None:
    group = filled.group
    close(group, actor=filled.user("convener"))
    group.refresh_from_db()
    due = deletion_at(group)
    assert due is not None
    with time_machine.travel(due, tick=False):
        retention_sweep()
    client = client_for(filled, "member")
    page = client.get(reverse("groups:home", kwargs={"group_id": group.pk})).content.decode()
    assert "were deleted on" in page
    records = client.get(records_url(group)).content.decode()
    assert "no records left" in records
    assert json.loads(client.get(records_url(group, "records_json")).content) == {}


@pytest.mark.parametrize("persona", ["member", "guide", "convener"])
def test_members_and_guides_read_the_records(closed: Filled, persona: str) -> None:
    client = client_for(closed, persona)
    page = client.get(records_url(closed.group)).content.decode()
    markers = closed.rich.markers
    for kind in ("goals", "rules", "conflict_procedure", "agreements"):
        assert markers[kind] in page, kind
    assert LOOK_BACK_ANSWER in page
    assert "Thank you all" in page  # the gratitude wall
    assert reverse("notebook:export_json", kwargs={"group_id": closed.group.pk}) in page
    # Nothing private: no notebook page, no concern, no board post.
    for kind in ("nb_note", "concern", "board", "nb_takeaway", "removal"):
        assert markers[kind] not in page, kind


@pytest.mark.parametrize("persona", ["outsider", "other_member"])
def test_nobody_else_sees_the_records(closed: Filled, persona: str) -> None:
    client = client_for(closed, persona)
    for name in ("records", "records_json", "records_pdf"):
        assert client.get(records_url(closed.group, name)).status_code == 404


def test_the_json_holds_every_part_of_the_records(closed: Filled) -> None:
    response = client_for(closed, "member").get(records_url(closed.group, "records_json"))
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    markers = closed.rich.markers
    assert data["goals"]["items"] == [markers["goals"]]
    assert data["ground_rules"]["rules"] == markers["rules"]
    assert any(
        markers["agreements"] in item["value"] for t in data["agreements"] for item in t["items"]
    )
    assert [row["number"] for row in data["plan"]] == [1, 2, 3, 4, 5]
    assert data["plan"][0]["starts_at"]  # the held opening's date
    answers = [a["text"] for section in data["look_back"] for a in section["answers"]]
    assert LOOK_BACK_ANSWER in answers
    assert "Thank you all" in [a["text"] for a in data["gratitude"]]


def test_the_pdf_is_a_pdf_or_the_page_with_a_clear_word(closed: Filled) -> None:
    response = client_for(closed, "member").get(records_url(closed.group, "records_pdf"))
    assert response.status_code == 200
    if response["Content-Type"] == "application/pdf":
        assert response.content.startswith(b"%PDF")
    else:
        assert "A PDF cannot be made" in response.content.decode()


def test_a_former_members_record_shows_no_name(closed: Filled) -> None:
    GoalsRecord.objects.filter(group=closed.group).update(recorded_by=None)
    page = client_for(closed, "member").get(records_url(closed.group)).content.decode()
    assert "Recorded by former member" in page


@pytest.mark.parametrize("rows", [2, 6])
def test_the_records_page_reads_a_fixed_number_of_queries(
    world: World, rows: int, django_assert_max_num_queries: object
) -> None:
    from booster.groups.permissions import GroupAccess
    from booster.planning import services as planning_services

    group = world.group
    convener = world.convener
    access = GroupAccess(group=group, membership=convener)
    for number in range(rows):
        planning_services.goals_record(
            access=access, goals=[f"Goal {number}"] * rows, base_number=number
        )
        if number < 5:
            MembershipFactory(group=group)
    close(group, actor=convener.user)
    client = Client()
    client.force_login(world.member.user)
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        assert client.get(records_url(group)).status_code == 200
