"""The room's WebSocket, through the whole ASGI stack (Origin check, session, consumer)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from booster.accounts.models import User
from booster.asgi import application
from booster.groups.services import membership_leave
from booster.meetings.models import Meeting
from booster.room.consumers import CLOSE_FORBIDDEN, CLOSE_GONE, COMMAND_RATE
from booster.room.models import MeetingRun
from booster.room.services import COMMANDS
from tests.personas import World

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def one_process_layer(settings: Any) -> Iterator[None]:
    """Each test runs on its own event loop; a Redis layer's connections belong to one loop.
    Across processes, Redis is tested with real servers in test_processes."""
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def session_cookie(user: User | None) -> str:
    if user is None:
        return ""
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


async def connect(
    meeting: Meeting, user: User | None, *, origin: str = "http://testserver"
) -> tuple[WebsocketCommunicator, bool, Any]:
    cookie = await sync_to_async(session_cookie)(user)
    headers = [(b"host", b"testserver"), (b"origin", origin.encode())]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, f"/ws/room/{meeting.pk}/", headers=headers)
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


async def receive(communicator: WebsocketCommunicator) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(await communicator.receive_from(timeout=5))
    return data


async def until(communicator: WebsocketCommunicator, kind: str, **match: Any) -> dict[str, Any]:
    """The next message of ``kind`` (events named by ``name=``), skipping presence and others."""
    for _ in range(20):
        message = await receive(communicator)
        if message["type"] == kind and all(message.get(k) == v for k, v in match.items()):
            return message
    raise AssertionError(f"no {kind} {match}")


@pytest.fixture
def meeting(world: World) -> Meeting:
    from tests.factories import MeetingFactory

    meeting: Meeting = MeetingFactory(
        group=world.group, number=2, theme_key="networks", facilitator=world.member
    )
    return meeting


@pytest.fixture
async def facilitator(meeting: Meeting, world: World) -> AsyncIterator[WebsocketCommunicator]:
    communicator, connected, _ = await connect(meeting, world.member.user)
    assert connected
    snapshot = await until(communicator, "snapshot")
    assert snapshot["snapshot"]["facilitator"] == world.member.pk
    yield communicator
    await communicator.disconnect()


async def test_members_and_guides_get_a_snapshot_on_connect(meeting: Meeting, world: World) -> None:
    for persona in ("member", "second_member", "convener", "guide"):
        communicator, connected, _ = await connect(meeting, getattr(world, persona).user)
        assert connected, persona
        message = await until(communicator, "snapshot")
        snapshot = message["snapshot"]
        assert snapshot["state"] == "lobby" and snapshot["meeting"] == meeting.pk
        assert isinstance(message["server_now"], int)
        assert getattr(world, persona).pk in snapshot["present"]
        await communicator.disconnect()


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "other_member"])
async def test_nobody_outside_the_group_can_connect(
    meeting: Meeting, world: World, persona: str
) -> None:
    _communicator, connected, code = await connect(meeting, world.user(persona))
    assert not connected
    assert code == CLOSE_FORBIDDEN


async def test_a_foreign_origin_is_refused(meeting: Meeting, world: World) -> None:
    _communicator, connected, _ = await connect(
        meeting, world.member.user, origin="https://evil.example"
    )
    assert not connected


async def test_a_cancelled_or_unknown_meeting_is_refused(meeting: Meeting, world: World) -> None:
    await sync_to_async(Meeting.objects.filter(pk=meeting.pk).update)(state="cancelled")
    _, connected, code = await connect(meeting, world.member.user)
    assert not connected and code == CLOSE_FORBIDDEN


async def test_the_facilitators_command_reaches_every_member(
    facilitator: WebsocketCommunicator, meeting: Meeting, world: World
) -> None:
    member, connected, _ = await connect(meeting, world.second_member.user)
    assert connected
    snapshot = (await until(member, "snapshot"))["snapshot"]
    await until(facilitator, "event", name="presence")
    await facilitator.send_json_to({"type": "start"})
    for communicator in (facilitator, member):
        event = await until(communicator, "event", name="start")
        assert event["changes"]["state"] == "running"
        assert event["version"] == snapshot["version"] + 1
    await member.disconnect()


async def test_a_ping_is_answered_with_the_server_clock(
    facilitator: WebsocketCommunicator,
) -> None:
    await facilitator.send_json_to({"type": "ping", "t": 1234})
    pong = await until(facilitator, "pong")
    assert pong["t"] == 1234 and pong["server_now"] > 1_600_000_000_000


async def test_a_fresh_snapshot_on_request(facilitator: WebsocketCommunicator) -> None:
    await facilitator.send_json_to({"type": "snapshot"})
    assert (await until(facilitator, "snapshot"))["snapshot"]["state"] == "lobby"


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[]",
        '{"no": "type"}',
        '{"type": 5}',
        json.dumps({"type": "start", "pad": "x" * 5000}),
    ],
)
async def test_malformed_messages_get_an_error_and_the_socket_stays(
    facilitator: WebsocketCommunicator, raw: str
) -> None:
    await facilitator.send_to(text_data=raw)
    error = await until(facilitator, "error")
    assert error["code"] == "invalid" and error["message"]
    await facilitator.send_json_to({"type": "ping", "t": 1})
    assert (await until(facilitator, "pong"))["t"] == 1


async def test_a_binary_frame_is_refused_politely(facilitator: WebsocketCommunicator) -> None:
    await facilitator.send_to(bytes_data=b"\x00\x01")
    assert (await until(facilitator, "error"))["code"] == "invalid"


async def test_an_unknown_command_is_an_error(facilitator: WebsocketCommunicator) -> None:
    await facilitator.send_json_to({"type": "launch_rockets"})
    assert (await until(facilitator, "error"))["code"] == "unknown"


# Every command, sent by someone who may not give it, is refused with an error event.
DRIVER_ONLY = sorted(set(COMMANDS) - {"take_over", "round_pass"})


@pytest.mark.parametrize("persona", ["second_member", "guide", "convener"])
async def test_only_the_driver_gives_commands(
    facilitator: WebsocketCommunicator, meeting: Meeting, world: World, persona: str
) -> None:
    other, connected, _ = await connect(meeting, getattr(world, persona).user)
    assert connected
    await until(other, "snapshot")
    for name in DRIVER_ONLY:
        await other.send_json_to({"type": name, "step": "lessons", "minutes": 3, "to": 1})
        error = await until(other, "error")
        assert error["code"] in {"forbidden", "state"}, name
        assert error["command"] == name
    run = await sync_to_async(MeetingRun.objects.get)(meeting=meeting)
    assert run.state == "lobby" and run.version >= 1
    await other.disconnect()


async def test_every_command_works_for_the_driver(
    facilitator: WebsocketCommunicator, meeting: Meeting, world: World
) -> None:
    """The driver walks a whole meeting with every command, and each one answers."""
    plan: list[dict[str, Any]] = [
        {"type": "agenda_minutes", "step": "lessons", "minutes": 12},
        {"type": "agenda_skip", "step": "rules", "skipped": True},
        {"type": "agenda_skip", "step": "rules", "skipped": False},
        {"type": "agenda_move", "step": "observations", "index": 0},
        {"type": "agenda_rebuild"},
        {"type": "attendance", "member": world.second_member.pk, "present": True},
        {"type": "start"},
        {"type": "round_next"},
        {"type": "next"},
        {"type": "back"},
        {"type": "pause"},
        {"type": "add_time", "minutes": 3},
        {"type": "resume"},
        {"type": "goto", "step": "lessons"},
        {"type": "round_pass"},
        {"type": "handover", "to": world.convener.pk},
        {"type": "take_over"},
        {"type": "end"},
    ]
    for message in plan:
        await facilitator.send_json_to(message)
        reply = await until(facilitator, "event", name=message["type"])
        assert reply["changes"], message
    covered = {message["type"] for message in plan}
    # Pairs and the proposal have their own tests (services); every other command is here.
    assert covered | {"pairs_shuffle", "pairs_move", "agenda_apply_proposal", "round_pass"} >= set(
        COMMANDS
    )


async def test_a_member_passes_their_own_turn(meeting: Meeting, world: World) -> None:
    facilitator, _, _ = await connect(meeting, world.member.user)
    member, _, _ = await connect(meeting, world.second_member.user)
    await until(facilitator, "snapshot")
    await until(member, "snapshot")
    await facilitator.send_json_to({"type": "start"})
    event = await until(member, "event", name="start")
    order = event["changes"]["round"]["order"]
    while event["changes"].get("round", {}).get("current") != world.second_member.pk:
        await facilitator.send_json_to({"type": "round_next"})
        event = await until(member, "event", name="round_next")
        assert event["changes"]["round"]["current"] is not None, order
    await member.send_json_to({"type": "round_pass"})
    event = await until(facilitator, "event", name="round_pass")
    assert world.second_member.pk in event["changes"]["round"]["passed"]
    await facilitator.disconnect()
    await member.disconnect()


async def test_too_many_commands_are_refused_and_the_socket_stays(
    facilitator: WebsocketCommunicator,
) -> None:
    for _ in range(COMMAND_RATE[0] + 1):
        await facilitator.send_json_to({"type": "next"})
    codes = set()
    for _ in range(COMMAND_RATE[0] + 1):
        codes.add((await until(facilitator, "error"))["code"])
    assert "rate" in codes
    await facilitator.send_json_to({"type": "ping", "t": 2})
    assert (await until(facilitator, "pong"))["t"] == 2


async def test_a_removed_member_is_disconnected_at_once(meeting: Meeting, world: World) -> None:
    member, connected, _ = await connect(meeting, world.second_member.user)
    assert connected
    await until(member, "snapshot")
    await sync_to_async(membership_leave)(membership=world.second_member)
    for _ in range(10):
        output = await member.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
    assert output == {"type": "websocket.close", "code": CLOSE_GONE}


async def test_leaving_the_room_updates_who_is_present(
    facilitator: WebsocketCommunicator, meeting: Meeting, world: World
) -> None:
    member, _, _ = await connect(meeting, world.second_member.user)
    await until(member, "snapshot")
    joined = await until(facilitator, "event", name="presence")
    if world.second_member.pk not in joined["changes"]["present"]:  # the facilitator's own
        joined = await until(facilitator, "event", name="presence")
    assert world.second_member.pk in joined["changes"]["present"]
    await member.disconnect()
    left = await until(facilitator, "event", name="presence")
    assert world.second_member.pk not in left["changes"]["present"]


async def test_planning_changes_refresh_the_tools(
    facilitator: WebsocketCommunicator, world: World
) -> None:
    from booster.groups.permissions import GroupAccess
    from booster.planning.services import goal_propose

    access = GroupAccess(group=world.group, membership=world.second_member)
    await sync_to_async(goal_propose)(access=access, text="Meet new peers")
    assert (await until(facilitator, "refresh"))["what"] == "tools"
