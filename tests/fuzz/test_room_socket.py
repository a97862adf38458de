"""Room messages fuzzed through the whole WebSocket stack (Origin check, session, consumer):
hypothesis-made JSON for every command and argument, and raw frames that are not JSON,
too long, nested too deep, or carry NaN and lone surrogates. Every message is answered —
an error event for anything refused — and the socket stays open; a refused command leaves
the run exactly as it was."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from hypothesis import example, given
from hypothesis import strategies as st

from booster.asgi import application
from booster.meetings.models import Meeting
from booster.room import consumers
from booster.room.models import MeetingRun
from booster.room.services import COMMANDS
from booster.room.snapshot import snapshot_of
from tests.factories import MeetingFactory
from tests.fuzz import strategies as fz
from tests.fuzz.conftest import FUZZ
from tests.personas import World

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

ARGUMENTS = (
    "step",
    "minutes",
    "index",
    "member",
    "group",
    "to",
    "skipped",
    "present",
    "t",
    "ref",
    "key",
    "version",
    "fields",
)
ANSWERS = {"error", "event", "pong", "snapshot", "written"}
# Every message type a client may send: the commands, and the socket's own three.
MESSAGE_TYPES = (*sorted(COMMANDS), "ping", "snapshot", "write")

# Frames that once broke (or could break) the consumer; run in every test run.
ALWAYS = (
    "[" * 2000 + "]" * 2000,  # json.loads: RecursionError
    '{"type": "add_time", "minutes": ' + "[" * 900 + "]" * 900 + "}",  # str() too deep
    '{"type": "ping", "t": NaN}',  # echoed back as invalid JSON
    '{"type": "ping", "t": 1e999}',
    '{"type": "ping", "t": ' + "9" * 400 + "}",
)

RAW = st.one_of(
    st.sampled_from(
        (
            *ALWAYS,
            "",
            "null",
            "[]",
            '"start"',
            "{",
            '{"type": "start"',
            '{"type": "ping", "t": Infinity}',
            '{"type": "handover", "to": "\\ud800"}',
            '{"type": "goto", "step": "\\u0000"}',
            '{"type": "start", "type": "end"}',
            '{"type": "next", "x": "' + "y" * 5000 + '"}',
        )
    ),
    st.text(max_size=200),
)


@st.composite
def messages(draw: Any) -> str:
    if draw(st.integers(0, 4)) == 0:
        return str(draw(RAW))
    message: dict[str, Any] = {
        "type": draw(st.one_of(st.sampled_from(MESSAGE_TYPES), fz.json_values(max_leaves=2)))
    }
    for name in ARGUMENTS:
        if draw(st.booleans()):
            message[name] = draw(fz.json_values())
    return json.dumps(message)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def one_process_layer(settings: Any) -> Iterator[None]:
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def no_rate_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-socket rate has its own test (tests/abuse); here every message counts."""
    monkeypatch.setattr(consumers, "COMMAND_RATE", (10_000, 10.0))
    monkeypatch.setattr(consumers, "WRITE_RATE", (10_000, 10.0))


@pytest.fixture
def meeting(world: World) -> Meeting:
    meeting: Meeting = MeetingFactory(
        group=world.group, number=1, theme_key="opening", facilitator=world.member
    )
    return meeting


def session_cookie(world: World) -> str:
    client = Client()
    client.force_login(world.member.user)
    return f"sessionid={client.cookies['sessionid'].value}"


@pytest.fixture
async def socket(meeting: Meeting, world: World) -> AsyncIterator[WebsocketCommunicator]:
    cookie = await sync_to_async(session_cookie)(world)
    communicator = WebsocketCommunicator(
        application,
        f"/ws/room/{meeting.pk}/",
        headers=[
            (b"host", b"testserver"),
            (b"origin", b"http://testserver"),
            (b"cookie", cookie.encode()),
        ],
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    while json.loads(await communicator.receive_from(timeout=5))["type"] != "snapshot":
        pass
    yield communicator
    await communicator.disconnect()


def run_state(meeting: Meeting) -> tuple[dict[str, Any], tuple[Any, ...]]:
    run = MeetingRun.objects.select_related("meeting__group").get(meeting=meeting)
    row = MeetingRun.objects.filter(pk=run.pk).values_list().get()
    return snapshot_of(run), row


async def answer_to(socket: WebsocketCommunicator) -> dict[str, Any]:
    """The answer to the message just sent (presence events of others aside)."""
    for _ in range(10):
        output = await socket.receive_output(timeout=5)
        assert output["type"] == "websocket.send", f"the socket closed: {output}"
        reply: dict[str, Any] = json.loads(output["text"])
        if reply["type"] == "event" and reply.get("name") == "presence":
            continue
        return reply
    raise AssertionError("no answer")


def always(test: Any) -> Any:
    for text in ALWAYS:
        test = example(text=text)(test)
    return test


@FUZZ
@always
@given(text=messages())
async def test_any_message_gets_an_answer_and_the_socket_stays_open(
    socket: WebsocketCommunicator, meeting: Meeting, text: str
) -> None:
    before = await sync_to_async(run_state)(meeting)
    await socket.send_input({"type": "websocket.receive", "text": text})
    reply = await answer_to(socket)
    assert reply["type"] in ANSWERS, reply
    assert json.loads(json.dumps(reply, allow_nan=False)) == reply
    if reply["type"] == "error":
        # A known refusal (not the consumer's last-resort "error" for a bug)...
        assert reply["message"] and reply["code"] != "error", reply
        # ...that changed nothing.
        assert await sync_to_async(run_state)(meeting) == before
    # Still open and answering.
    await socket.send_json_to({"type": "ping", "t": 7})
    assert (await answer_to(socket))["t"] == 7
