"""The room's WebSocket matrix: every message type (room.services.COMMANDS, "ping" and
"snapshot") from every role, through the whole ASGI stack (booster.asgi.application: the
Origin check, the session, the consumer), against WS_ACCESS in tests/security/access.py.

Nobody outside the group gets a socket (4403). Inside, each message is sent from a room in a
state where it can be carried out: an allowed role's message is carried out (an event comes
back); a refused role's gets an error event with the code "forbidden" and not one row of any
app changes.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from booster.groups.models import Membership
from booster.room.consumers import CLOSE_FORBIDDEN
from tests.factories import UserFactory
from tests.personas import World
from tests.room.test_consumer import connect
from tests.security.access import COORDINATOR_ROLES, GROUP_ROLES, ROLES, WS_ACCESS, ws_expected
from tests.security.checks import changed_tables, fingerprint
from tests.security.room import SEATS, Room
from tests.security.world import coordinator_user

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]


async def reply_to(communicator: WebsocketCommunicator, name: str) -> dict[str, Any]:
    """The answer to ``name``: its pong, snapshot, event, or error (skipping the others)."""
    wanted = {"ping": "pong", "snapshot": "snapshot", "write": "written"}.get(name)
    for _ in range(60):
        message: dict[str, Any] = json.loads(await communicator.receive_from(timeout=5))
        if wanted and message["type"] == wanted:
            return message
        if message["type"] == "event" and message.get("name") == name:
            return message
        if message["type"] == "error" and message.get("command") in (name, None):
            return message
    raise AssertionError(f"no answer to {name}")


@pytest.mark.parametrize("role", ROLES)
async def test_every_room_message_as_each_role(world: World, role: str) -> None:
    room: Room = await sync_to_async(Room)(world)
    if role not in GROUP_ROLES:
        if role == "operator":
            user = await sync_to_async(UserFactory)(is_staff=True, is_superuser=True)
        elif role in COORDINATOR_ROLES:
            user = await sync_to_async(coordinator_user)(world, role)
        else:
            user = world.user(role)
        before = await sync_to_async(fingerprint)()
        _communicator, connected, code = await connect(room.meeting, user)
        assert not connected and code == CLOSE_FORBIDDEN, role
        assert await sync_to_async(fingerprint)() == before
        return
    membership: Membership = room.people[role]
    communicator, connected, _code = await connect(room.meeting, membership.user)
    assert connected, role
    await reply_to(communicator, "snapshot")
    problems = []
    for name in sorted(WS_ACCESS):
        expected = ws_expected(WS_ACCESS[name], role, SEATS)
        await sync_to_async(room.restore)()
        if expected == "ok":
            await sync_to_async(room.prepare)(name)
        before = await sync_to_async(fingerprint)()
        await communicator.send_json_to(room.message(name))
        answer = await reply_to(communicator, name)
        if expected == "ok":
            if answer["type"] == "error":
                problems.append(f"{name}: refused ({answer['code']}: {answer['message']})")
            continue
        if answer["type"] != "error" or answer["code"] != expected:
            problems.append(f"{name}: expected the error {expected!r}, got {answer}")
        after = await sync_to_async(fingerprint)()
        if after != before:
            problems.append(f"{name}: refused, yet changed {changed_tables(before, after)}")
    await communicator.disconnect()
    assert not problems, f"{role}:\n" + "\n".join(problems)
