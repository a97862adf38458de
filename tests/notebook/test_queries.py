"""Page costs: a fixed number of queries however many pages, meetings or snapshots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booster.groups.permissions import GroupAccess
from booster.notebook import selectors, services
from tests.factories import MeetingFactory, MembershipFactory
from tests.notebook.helpers import (
    MAP,
    SCALES,
    TASKS,
    access_of,
    client_for,
    consent,
    slot_of,
    task_url,
    url,
    write,
)
from tests.personas import World

CONTENT: dict[str, dict[str, Any]] = {
    "network_map": MAP,
    "resources_demands": SCALES,
    "competence": {"have": [{"text": "x", "share": True}], "need": [], "notes": ""},
    "goals": {"goals": ["x", "", ""], "notes": ""},
    "self_presentation": {"what": "x", "for_whom": "y", "why": "z"},
}


def _count(fetch: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = fetch()
        assert response.status_code == 200
    return len(queries)


def _fill(world: World, mika: GroupAccess, *, pages: int, meetings: int) -> None:
    for kind in sorted(TASKS)[:pages]:
        write(world.member, kind, CONTENT.get(kind, {"answers": ["x"], "notes": "y"}))
    start = world.group.meetings.count()
    for number in range(start + 1, start + meetings + 1):
        meeting = MeetingFactory(group=world.group, number=number)
        services.entry_save(
            access=mika,
            slot=selectors.takeaway_slot(pack=selectors.group_pack(access=mika), meeting=meeting),
            entry=None,
            content={"answers": ["t"], "notes": ""},
            version=0,
        )
    for _index in range(pages):
        services.note_create(access=mika, title="n")


def test_the_notebook_page_does_not_grow(world: World, mika: GroupAccess) -> None:
    client = client_for(world.member.user)
    path = url("index", world.member)
    client.get(path)  # the pack is parsed once per process
    _fill(world, mika, pages=2, meetings=1)
    few = _count(lambda: client.get(path))
    _fill(world, mika, pages=9, meetings=5)
    many = _count(lambda: client.get(path))
    assert few == many
    assert many <= 10


@pytest.mark.parametrize("name", ["export_markdown", "export_json", "print"])
def test_exports_do_not_grow(world: World, mika: GroupAccess, name: str) -> None:
    client = client_for(world.member.user)
    path = url(name, world.member)
    client.get(path)
    _fill(world, mika, pages=2, meetings=1)
    few = _count(lambda: client.get(path))
    _fill(world, mika, pages=9, meetings=5)
    assert _count(lambda: client.get(path)) == few <= 12


def _share_maps(world: World, count: int) -> None:
    for _index in range(count):
        membership = MembershipFactory(group=world.group)
        access = consent(membership)
        entry = write(membership, "network_map", MAP)
        snapshot = services.snapshot_create(
            access=access, entry=entry, slot=slot_of(membership, "network_map")
        )
        services.idea_add(access=access_of(world.second_member), snapshot=snapshot, text="💡")
        services.idea_add(access=access_of(world.guide), snapshot=snapshot, text="🌱")


def test_the_shared_page_does_not_grow(world: World, mika: GroupAccess) -> None:
    client = client_for(world.member.user)
    path = url("shared", world.member)
    client.get(path)
    _share_maps(world, 1)
    few = _count(lambda: client.get(path))
    _share_maps(world, 5)
    assert _count(lambda: client.get(path)) == few <= 10


def test_an_editor_page_costs_little(world: World, mika: GroupAccess) -> None:
    client = client_for(world.member.user)
    entry = write(world.member, "network_map", MAP)
    snapshot = services.snapshot_create(
        access=mika, entry=entry, slot=slot_of(world.member, "network_map")
    )
    path = task_url(world.member, "network_map")
    client.get(path)
    services.idea_add(access=access_of(world.second_member), snapshot=snapshot, text="a")
    few = _count(lambda: client.get(path))
    for text in "bcdef":
        services.idea_add(access=access_of(world.guide), snapshot=snapshot, text=text)
    assert _count(lambda: client.get(path)) == few <= 10
