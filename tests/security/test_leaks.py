"""The leak test: a unique marker is written into every private field (tests/security/world.py)
and then looked for everywhere each role can look: every page of the matrix with its real
arguments (the notebook's pages of every worksheet kind, its Markdown, JSON and PDF exports,
the print views, the room, its state.json and tool fragments, the calendar feed and the
meeting's .ics), the other group's pages as its own member sees them, the admin site as its
operator, every e-mail sent, and the room's socket (snapshot and events).

A marker may appear only to the roles SEES (tests/security/access.py) names for its kind;
and each marker that someone may see must really be shown to one of them somewhere, or the
sweep would be blind to it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib import admin

from booster.core.models import OutgoingEmail
from booster.notebook.models import MapIdea, NotebookConsent, NotebookEntry, SharedSnapshot
from booster.programme.schema import WorksheetKind
from booster.room.models import RoomPresence
from tests.personas import World
from tests.room.test_consumer import connect
from tests.security.access import (
    ADMIN_MODELS_ALLOWED,
    GROUP_ROLES,
    ROLES,
    SEES,
    TOKEN_OWNER,
)
from tests.security.crawl import crawl
from tests.security.world import WORKSHEET_TASKS, build_world


def leaks_in(text: str, role: str, markers: dict[str, str]) -> list[str]:
    """The kinds of marker in ``text`` that ``role`` may not see."""
    return [kind for kind, marker in markers.items() if marker in text and role not in SEES[kind]]


def test_the_world_writes_every_kind_of_worksheet() -> None:
    """A worksheet kind added to the programme must get a marked page in the world."""
    assert set(WORKSHEET_TASKS) == {str(kind) for kind in WorksheetKind} | {"plain"}


def test_every_marker_has_an_entry_in_the_visibility_table(world: World) -> None:
    markers = crawl(world).markers
    assert set(markers) == set(SEES), (
        f"markers without an entry in SEES: {sorted(set(markers) - set(SEES))}; "
        f"entries without a marker: {sorted(set(SEES) - set(markers))}"
    )


@pytest.mark.parametrize("role", ROLES)
def test_markers_appear_only_to_those_who_may_see_them(world: World, role: str) -> None:
    result = crawl(world)
    problems = []
    for seen in result.visits[role]:
        viewer = TOKEN_OWNER.get(seen.name, role)
        for kind in leaks_in(seen.body, viewer, result.markers):
            problems.append(f"{kind} in {seen.name} {seen.address.url} ({seen.status})")
    for message in result.mails:
        if any(result.emails_of.get(address) == role for address in message.to):
            for kind in leaks_in(message.text, role, result.markers):
                problems.append(f"{kind} in an e-mail to {message.to}")
    assert not problems, f"{role} sees what is not theirs:\n" + "\n".join(problems)


def test_mail_to_anyone_else_holds_no_marker(world: World) -> None:
    """E-mails to addresses outside the roles (an invitation, the removed member) hold
    nothing private."""
    result = crawl(world)
    outside = [m for m in result.mails if not any(a in result.emails_of for a in m.to)]
    assert outside, "the world sends no e-mail outside the roles (an invitation should go)"
    for message in outside:
        assert not leaks_in(message.text, "external", result.markers), message.to


def test_every_marker_is_shown_to_someone_who_may_see_it(world: World) -> None:
    """The positive control: a marker nobody allowed ever sees means the sweep never reached
    the place that shows it, and could not notice it leaking either."""
    result = crawl(world)
    seen_by: dict[str, set[str]] = {kind: set() for kind in result.markers}
    for role, visits in result.visits.items():
        for seen in visits:
            for kind, marker in result.markers.items():
                if marker in seen.body:
                    seen_by[kind].add(TOKEN_OWNER.get(seen.name, role))
    for message in result.mails:
        for address in message.to:
            role = result.emails_of.get(address)
            for kind, marker in result.markers.items():
                if role and marker in message.text:
                    seen_by[kind].add(role)
    blind = sorted(kind for kind, roles in seen_by.items() if SEES[kind] and not roles)
    assert not blind, f"no page shows these markers to anyone allowed: {blind}"
    # Each allowed role sees the group's shared writing somewhere.
    for kind in ("board", "rules", "agreements", "shared_map", "idea"):
        assert seen_by[kind] == set(GROUP_ROLES), (kind, seen_by[kind])


def test_the_room_shows_the_member_their_own_takeaway_and_nobody_else(world: World) -> None:
    """Written in the room's closing round: back on the member's room page (and nobody's
    else), in the notebook, and in neither the room's state nor its agenda fragment."""
    result = crawl(world)
    marker = result.markers["room_takeaway"]
    for role, visits in result.visits.items():
        room = [v for v in visits if v.address.url.endswith("/room/")]
        assert any(marker in v.body for v in room) == (role == "member"), role
        for seen in visits:
            if seen.name == "room:state" or "?part=agenda" in seen.address.url:
                assert marker not in seen.body, (role, seen.address.url)


def test_the_pdf_exports_were_read_as_the_html_that_makes_them(world: World) -> None:
    """The notebook's PDF is read as the HTML handed to WeasyPrint (crawl.html_instead_of_pdf),
    so the markers above were looked for in what a PDF holds."""
    result = crawl(world)
    pdf = next(v for v in result.visits["member"] if v.name == "notebook:export_pdf")
    assert pdf.status == 200 and pdf.body.startswith("%PDF-as-HTML")
    assert result.markers["nb_note"] in pdf.body


# --- the admin site ---------------------------------------------------------------------

PRIVATE_MODELS = (NotebookEntry, NotebookConsent, SharedSnapshot, MapIdea, OutgoingEmail)


def test_the_admin_registers_no_model_with_private_text() -> None:
    registered = {model._meta.label_lower for model in admin.site._registry}
    unreviewed = sorted(registered - ADMIN_MODELS_ALLOWED)
    assert not unreviewed, (
        f"newly registered in the admin: {unreviewed}. Review them for private text, then "
        "add them to ADMIN_MODELS_ALLOWED in tests/security/access.py"
    )
    for model in (*PRIVATE_MODELS, RoomPresence):
        assert not admin.site.is_registered(model), model


def test_the_operator_walked_every_registered_models_pages(world: World) -> None:
    """The operator's crawl opened each registered model's list and an object's page (and
    found no marker there: test_markers_appear_only_to_those_who_may_see_them[operator])."""
    result = crawl(world)
    answered = {v.name: v.status for v in result.visits["operator"] if v.address.route.is_admin}
    for model in admin.site._registry:
        meta = model._meta
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        assert answered[f"{prefix}_changelist"] == 200, prefix
        assert answered[f"{prefix}_change"] == 200, prefix


# --- the room's socket --------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_the_rooms_snapshot_and_events_hold_no_private_writing(world: World) -> None:
    secure = await sync_to_async(build_world)(world)
    heard: dict[str, list[dict[str, Any]]] = {}
    sockets = {}
    for role in sorted(GROUP_ROLES):
        communicator, connected, _ = await connect(secure.meeting, secure.user(role))
        assert connected, role
        sockets[role] = communicator
        heard[role] = [json.loads(await communicator.receive_from(timeout=5))]
        assert heard[role][0]["type"] == "snapshot"
    # The meeting is running (at its closing round): the facilitator moves on.
    await sockets["facilitator"].send_json_to({"type": "next"})
    for role, communicator in sockets.items():
        for _ in range(10):
            message = json.loads(await communicator.receive_from(timeout=5))
            heard[role].append(message)
            if message.get("name") == "next":
                break
        else:
            raise AssertionError(f"{role} never heard the facilitator move on")
    for role, messages in heard.items():
        text = json.dumps(messages, ensure_ascii=False)
        assert not leaks_in(text, role, secure.markers), role
        await sockets[role].disconnect()
