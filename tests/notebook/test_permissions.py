"""Every notebook URL for every persona: a notebook is its owner's alone.

The owner is the member (Mika), who has written pages, a takeaway and a free note, and
shares a network map on which the second member left an idea. Everyone else in the group
has a notebook of their own too, so a refusal is never just "no consent yet".

Pages about "my notebook" (no id in the URL) always show the requester's own notebook:
for the owner's words they are as closed as the rest — the tests read every response for
the owner's secret text.

| URL (method)                 | anon  | outsider | other | owner | second | convener | guide |
| ---------------------------- | ----- | -------- | ----- | ----- | ------ | -------- | ----- |
| index, consent, withdraw (G) | login | 404      | 404   | 200   | 200*   | 200*     | 200*  |
| task, takeaway editor (GET)  | login | 404      | 404   | 200   | 200*   | 200*     | 200*  |
| export md/json/pdf, print    | login | 404      | 404   | 200   | 200*   | 200*     | 200*  |
| note, note delete (GET/POST) | login | 404      | 404   | 200   | 404    | 404      | 404   |
| share (GET/POST)             | login | 404      | 404   | 200   | 404    | 404      | 404   |
| picture.svg (GET)            | login | 404      | 404   | 200   | 404    | 404      | 404   |
| snapshot withdraw (GET/POST) | login | 404      | 404   | 200   | 404    | 404      | 404   |
| shared page (GET)            | login | 404      | 404   | 200   | 200    | 200      | 200   |
| idea add (POST)              | login | 404      | 404   | 302†  | 302    | 302      | 302   |
| idea delete (POST)           | login | 404      | 404   | 404   | 302‡   | 404      | 404   |

\\* their own notebook, never the owner's words.  † refused with a message: not on one's
own map.  ‡ the idea's author.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from booster.notebook import services
from booster.notebook.models import MapIdea, NotebookEntry, SharedSnapshot
from tests.factories import MeetingFactory
from tests.notebook.helpers import (
    MAP,
    TASKS,
    access_of,
    client_for,
    consent,
    slot_of,
    task_url,
    url,
    write,
)
from tests.personas import PERSONAS, World

ALL = (*PERSONAS, "second_member")
SECRET = "Zebra-secret-42"
OWNER_ONLY = {
    "anonymous": 302,
    "outsider": 404,
    "other_member": 404,
    "member": 200,
    "second_member": 404,
    "convener": 404,
    "guide": 404,
}
OWN_NOTEBOOK = {**OWNER_ONLY, "second_member": 200, "convener": 200, "guide": 200}


@dataclass
class Notebook:
    world: World
    entry: NotebookEntry
    note: NotebookEntry
    snapshot: SharedSnapshot
    idea: MapIdea
    meeting_id: int


@pytest.fixture
def notebook(world: World) -> Notebook:
    for persona in ("member", "second_member", "convener", "guide"):
        consent(getattr(world, persona))
    consent(world.other_member)
    access = access_of(world.member)
    meeting = MeetingFactory(group=world.group, number=1, theme_key="opening")
    entry = write(world.member, "network_map", MAP)  # shared below: no secret in it
    write(world.member, "goals", {"goals": [SECRET, "", ""], "notes": SECRET})
    takeaway_slot = services_takeaway_slot(world, meeting)
    services.entry_save(
        access=access,
        slot=takeaway_slot,
        entry=None,
        content={"answers": [SECRET], "notes": ""},
        version=0,
    )
    note = services.note_create(access=access, title=SECRET)
    snapshot = services.snapshot_create(
        access=access, entry=entry, slot=slot_of(world.member, "network_map")
    )
    idea = services.idea_add(
        access=access_of(world.second_member), snapshot=snapshot, text="An idea from Sanna"
    )
    return Notebook(world, entry, note, snapshot, idea, meeting.pk)


def services_takeaway_slot(world: World, meeting: object) -> object:
    from booster.notebook import selectors

    return selectors.takeaway_slot(
        pack=selectors.group_pack(access=access_of(world.member)),
        meeting=meeting,  # type: ignore[arg-type]
    )


def _fetch(world: World, persona: str, method: str, path: str, data: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    client = client_for(world.user(persona))
    return client.get(path) if method == "GET" else client.post(path, data or {})


def _check(
    world: World,
    persona: str,
    method: str,
    path: str,
    expected: int,
    data: dict[str, str] | None = None,
) -> None:
    response = _fetch(world, persona, method, path, data)
    status = response.status_code
    # A POST that succeeds redirects; a GET page answers 200.
    wanted = expected if not (method == "POST" and expected == 200) else 302
    assert status == wanted, (persona, method, path, status)
    if persona == "anonymous":
        assert response.url.startswith(reverse("account_login"))
    if persona != "member" and status == 200:
        body = b"".join(response) if response.streaming else response.content
        assert SECRET.encode() not in body, (persona, path)


@pytest.mark.parametrize("persona", ALL)
def test_pages_of_my_own_notebook(notebook: Notebook, persona: str) -> None:
    world = notebook.world
    for name in ("index", "consent", "withdraw", "print", "shared"):
        _check(world, persona, "GET", url(name, world.member), OWN_NOTEBOOK[persona])


@pytest.mark.parametrize("persona", ALL)
def test_every_task_editor(notebook: Notebook, persona: str) -> None:
    world = notebook.world
    for kind in sorted(TASKS):
        _check(world, persona, "GET", task_url(world.member, kind), OWN_NOTEBOOK[persona])


@pytest.mark.parametrize("persona", ALL)
def test_takeaway_editor(notebook: Notebook, persona: str) -> None:
    world = notebook.world
    path = url("takeaway", world.member, meeting_id=notebook.meeting_id)
    _check(world, persona, "GET", path, OWN_NOTEBOOK[persona])
    # Another group's meeting is never found.
    other = MeetingFactory(group=world.other_group, number=1)
    other_path = url("takeaway", world.member, meeting_id=other.pk)
    expected = 302 if persona == "anonymous" else 404
    assert _fetch(world, persona, "GET", other_path).status_code == expected


@pytest.mark.parametrize("persona", ALL)
def test_exports(notebook: Notebook, persona: str) -> None:
    world = notebook.world
    for name in ("export_markdown", "export_json", "export_pdf"):
        _check(world, persona, "GET", url(name, world.member), OWN_NOTEBOOK[persona])


@pytest.mark.parametrize("persona", ALL)
def test_pages_with_the_owners_ids(notebook: Notebook, persona: str) -> None:
    world = notebook.world
    note_id = notebook.note.pk
    entry_id = notebook.entry.pk
    snapshot_id = notebook.snapshot.pk
    for method, name, kwargs in (
        ("GET", "note", {"entry_id": note_id}),
        ("GET", "note_delete", {"entry_id": note_id}),
        ("GET", "share", {"entry_id": entry_id}),
        ("GET", "picture", {"entry_id": entry_id}),
        ("GET", "snapshot_withdraw", {"snapshot_id": snapshot_id}),
        ("POST", "note", {"entry_id": note_id}),
    ):
        expected = OWNER_ONLY[persona]
        if method == "POST" and persona == "member":
            expected = 200  # saved (302)
        _check(
            world,
            persona,
            method,
            url(name, world.member, **kwargs),
            expected,
            {"version": str(notebook.note.version), "title": "t", "text": "x"},
        )


@pytest.mark.parametrize("persona", ALL)
def test_destructive_posts_with_the_owners_ids(notebook: Notebook, persona: str) -> None:
    world = notebook.world
    for name, kwargs in (
        ("snapshot_withdraw", {"snapshot_id": notebook.snapshot.pk}),
        ("share", {"entry_id": notebook.entry.pk}),
        ("note_delete", {"entry_id": notebook.note.pk}),
    ):
        _check(world, persona, "POST", url(name, world.member, **kwargs), OWNER_ONLY[persona])
    owner = persona == "member"
    assert NotebookEntry.objects.filter(pk=notebook.note.pk).exists() is not owner
    assert (
        SharedSnapshot.objects.filter(pk=notebook.snapshot.pk, withdrawn_at__isnull=True).exists()
        is not owner
    )


@pytest.mark.parametrize("persona", ALL)
def test_ideas(notebook: Notebook, persona: str) -> None:
    world = notebook.world
    add = url("idea_add", world.member, snapshot_id=notebook.snapshot.pk)
    expected_add = {
        **OWN_NOTEBOOK,
        "member": 302,
        "second_member": 302,
        "convener": 302,
        "guide": 302,
    }
    response = _fetch(world, persona, "POST", add, {"text": f"idea by {persona}"})
    assert response.status_code == expected_add[persona]
    given = any(idea.text == f"idea by {persona}" for idea in MapIdea.objects.all())
    assert given is (persona in {"second_member", "convener", "guide"})

    delete = url("idea_delete", world.member, idea_id=notebook.idea.pk)
    expected_delete = {**OWNER_ONLY, "member": 404, "second_member": 302}
    response = _fetch(world, persona, "POST", delete)
    assert response.status_code == expected_delete[persona]
    assert MapIdea.objects.filter(pk=notebook.idea.pk).exists() is (persona != "second_member")


def test_a_removed_member_loses_the_shared_page_and_their_snapshots_disappear(
    notebook: Notebook,
) -> None:
    from tests.board.helpers import remove_member

    world = notebook.world
    remove_member(world.member)
    assert client_for(world.member.user).get(url("index", world.member)).status_code == 404
    page = client_for(world.second_member.user).get(url("shared", world.member))
    assert b"Maria Illustrator" not in page.content
    add = url("idea_add", world.member, snapshot_id=notebook.snapshot.pk)
    assert client_for(world.second_member.user).post(add, {"text": "x"}).status_code == 404


def test_another_groups_snapshot_is_never_found(notebook: Notebook) -> None:
    world = notebook.world
    add = reverse(
        "notebook:idea_add",
        kwargs={"group_id": world.other_group.pk, "snapshot_id": notebook.snapshot.pk},
    )
    response = client_for(world.other_member.user).post(add, {"text": "x"})
    assert response.status_code == 404
