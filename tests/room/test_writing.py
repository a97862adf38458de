"""Writing in the room over its socket (``write``), and heartbeats written in batches."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.utils import timezone

from booster.groups.models import Membership
from booster.meetings.models import Meeting
from booster.notebook.models import CONSENT_TEXT_VERSION, NotebookConsent, NotebookEntry
from booster.room import consumers, services
from booster.room.models import Attendance, MeetingRun, RoomPresence
from tests.personas import World
from tests.room.test_consumer import connect, until

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

SECRET = "my own words about tiredness"


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


def _running_at_alone_task(world: World) -> tuple[Meeting, str, str]:
    """A running meeting at its first task step done alone, a page of plain questions:
    (meeting, step id, page key)."""
    from tests.factories import MeetingFactory

    meeting: Meeting = MeetingFactory(
        group=world.group, number=3, theme_key="collaboration", facilitator=world.member
    )
    run = services.run_get_or_create(meeting=meeting)
    # The collaboration worksheet: its questions editor is in the room's step.
    step = next(s for s in run.agenda if s["part"] == "developing_task" and s["mode"] == "alone")
    MeetingRun.objects.filter(pk=run.pk).update(
        state=MeetingRun.State.RUNNING,
        current=step["id"],
        deadline=timezone.now() + timedelta(minutes=10),
        started_at=timezone.now(),
    )
    return meeting, step["id"], f"task:{step['theme']}:{step['part']}"


def _consent(*people: Membership) -> None:
    for person in people:
        NotebookConsent.objects.create(
            membership=person, given_at=timezone.now(), text_version=CONSENT_TEXT_VERSION
        )


@pytest.fixture
def room(world: World) -> tuple[Meeting, str, str]:
    return _running_at_alone_task(world)


@pytest.fixture
async def writer(
    room: tuple[Meeting, str, str], world: World
) -> AsyncIterator[WebsocketCommunicator]:
    await sync_to_async(_consent)(world.second_member)
    communicator, connected, _ = await connect(room[0], world.second_member.user)
    assert connected
    await until(communicator, "snapshot")
    yield communicator
    await communicator.disconnect()


def write(key: str, version: int, text: str, ref: int = 1) -> dict[str, Any]:
    return {
        "type": "write",
        "ref": ref,
        "key": key,
        "version": version,
        "fields": {"answer-0": text},
    }


async def answer(communicator: WebsocketCommunicator, ref: int = 1) -> dict[str, Any]:
    for _ in range(20):
        message = await until_any(communicator)
        if message["type"] in ("written", "error") and message.get("ref") == ref:
            return message
    raise AssertionError("no answer to the write")


async def until_any(communicator: WebsocketCommunicator) -> dict[str, Any]:
    import json

    data: dict[str, Any] = json.loads(await communicator.receive_from(timeout=5))
    return data


def entries_of(person: Membership) -> list[NotebookEntry]:
    return list(NotebookEntry.objects.filter(membership=person))


def raw_contents() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM notebook_notebookentry")
        return [str(row[0]) for row in cursor.fetchall()]


async def test_a_member_saves_over_the_socket_encrypted_at_rest(
    writer: WebsocketCommunicator, room: tuple[Meeting, str, str], world: World
) -> None:
    _meeting, _step, key = room
    await writer.send_json_to(write(key, 0, SECRET))
    first = await answer(writer)
    assert first["type"] == "written", first
    assert first["type"] == "written" and first["status"] == 200 and first["ok"]
    assert first["version"] == 1 and first["key"] == key
    await writer.send_json_to(write(key, 1, SECRET + " and more", ref=2))
    second = await answer(writer, 2)
    assert second["status"] == 200 and second["version"] == 2
    [entry] = await sync_to_async(entries_of)(world.second_member)
    assert entry.version == 2 and entry.content["answers"][0] == SECRET + " and more"
    stored = await sync_to_async(raw_contents)()
    assert stored and not any("tiredness" in value for value in stored)


async def test_a_stale_version_is_a_conflict_and_overwrites_nothing(
    writer: WebsocketCommunicator, room: tuple[Meeting, str, str], world: World
) -> None:
    _meeting, _step, key = room
    await writer.send_json_to(write(key, 0, "first device"))
    assert (await answer(writer))["version"] == 1
    await writer.send_json_to(write(key, 1, "first device again", ref=2))
    assert (await answer(writer, 2))["version"] == 2
    # A second device still holding version 1:
    await writer.send_json_to(write(key, 1, "second device", ref=3))
    clash = await answer(writer, 3)
    assert clash["status"] == 409 and clash["conflict"] and clash["version"] == 2
    assert "first device again" in clash["newer_html"]
    [entry] = await sync_to_async(entries_of)(world.second_member)
    assert entry.version == 2 and entry.content["answers"][0] == "first device again"


async def test_without_consent_a_write_is_refused_and_nothing_is_kept(
    room: tuple[Meeting, str, str], world: World
) -> None:
    communicator, connected, _ = await connect(room[0], world.second_member.user)
    assert connected
    await until(communicator, "snapshot")
    await communicator.send_json_to(write(room[2], 0, SECRET))
    refused = await answer(communicator)
    assert refused["type"] == "error" and refused["code"] == "consent"
    assert refused["command"] == "write" and refused["message"]
    assert await sync_to_async(entries_of)(world.second_member) == []
    # Still open and answering.
    await communicator.send_json_to({"type": "ping", "t": 3})
    assert (await until(communicator, "pong"))["t"] == 3
    await communicator.disconnect()


async def test_a_page_of_another_step_is_refused(
    writer: WebsocketCommunicator, room: tuple[Meeting, str, str], world: World
) -> None:
    meeting, _step, key = room
    await writer.send_json_to(write(f"takeaway:{meeting.pk}", 0, SECRET))
    refused = await answer(writer)
    assert refused["type"] == "error" and refused["code"] == "step"
    # The facilitator moves on to the check-in: the task's page is no longer written here.
    facilitator, connected, _ = await connect(meeting, world.member.user)
    assert connected
    await until(facilitator, "snapshot")
    await facilitator.send_json_to({"type": "goto", "step": "checkin"})
    await until(writer, "event", name="goto")
    await writer.send_json_to(write(key, 0, SECRET, ref=2))
    refused = await answer(writer, 2)
    assert refused["type"] == "error" and refused["code"] == "step"
    assert await sync_to_async(entries_of)(world.second_member) == []
    await facilitator.disconnect()


async def test_a_write_never_touches_another_members_page(
    writer: WebsocketCommunicator, room: tuple[Meeting, str, str], world: World
) -> None:
    _meeting, _step, key = room
    # The member (not the writer) has written on the same task's page.
    await sync_to_async(_consent)(world.member)
    other, connected, _ = await connect(room[0], world.member.user)
    assert connected
    await until(other, "snapshot")
    await other.send_json_to(write(key, 0, "the facilitator's own"))
    assert (await answer(other))["version"] == 1
    # The writer names the same page and version: it is their own page that is written.
    await writer.send_json_to(write(key, 1, SECRET))
    saved = await answer(writer)
    assert saved["type"] == "written"
    [theirs] = await sync_to_async(entries_of)(world.member)
    assert theirs.version == 1 and theirs.content["answers"][0] == "the facilitator's own"
    [mine] = await sync_to_async(entries_of)(world.second_member)
    assert mine.content["answers"][0] == SECRET
    await other.disconnect()


async def test_guides_do_not_write(room: tuple[Meeting, str, str], world: World) -> None:
    await sync_to_async(_consent)(world.guide)
    communicator, connected, _ = await connect(room[0], world.guide.user)
    assert connected
    await until(communicator, "snapshot")
    await communicator.send_json_to(write(room[2], 0, SECRET))
    refused = await answer(communicator)
    assert refused["type"] == "error" and refused["code"] == "forbidden"
    assert await sync_to_async(entries_of)(world.guide) == []
    await communicator.disconnect()


async def test_invalid_writing_is_answered_with_the_forms_errors(
    writer: WebsocketCommunicator, room: tuple[Meeting, str, str]
) -> None:
    await writer.send_json_to(write(room[2], 0, "x" * 20_001))
    invalid = await answer(writer)
    assert invalid["type"] == "written" and invalid["status"] == 400 and not invalid["ok"]
    assert invalid["errors"] and invalid["message"]


async def test_malformed_writes_get_an_error_event(
    writer: WebsocketCommunicator, room: tuple[Meeting, str, str]
) -> None:
    for bad in (
        {"type": "write", "ref": 1, "key": room[2], "version": "1", "fields": {}},
        {"type": "write", "ref": 1, "key": room[2], "version": 0, "fields": {"answer-0": 3}},
        {"type": "write", "ref": 1, "key": 5, "version": 0, "fields": {}},
        {"type": "write", "ref": 1, "key": room[2], "version": -1, "fields": {}},
    ):
        await writer.send_json_to(bad)
        refused = await answer(writer)
        assert refused["type"] == "error" and refused["code"] == "invalid", bad


async def test_writes_are_rate_limited(
    writer: WebsocketCommunicator, room: tuple[Meeting, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(consumers, "WRITE_RATE", (2, 10.0))
    version = 0
    for ref in (1, 2):
        await writer.send_json_to(write(room[2], version, f"text {ref}", ref=ref))
        version = (await answer(writer, ref))["version"]
    await writer.send_json_to(write(room[2], version, "one too many", ref=3))
    refused = await answer(writer, 3)
    assert refused["type"] == "error" and refused["code"] == "rate"


# --- heartbeats -------------------------------------------------------------------------------


def _presence(run_id: int, person: Membership, channel: str, *, seen_ago: int) -> None:
    services.presence_join(run_id=run_id, membership=person, channel_name=channel)
    old = timezone.now() - timedelta(seconds=seen_ago)
    RoomPresence.objects.filter(channel_name=channel).update(seen_at=old)
    Attendance.objects.filter(run_id=run_id, membership=person).update(last_seen=old)


def _seen(channel: str) -> tuple[Any, Any]:
    presence = RoomPresence.objects.get(channel_name=channel)
    attendance = Attendance.objects.get(run_id=presence.run_id, membership=presence.membership)
    return presence.seen_at, attendance.last_seen


async def test_heartbeats_are_written_together_every_30_seconds(
    room: tuple[Meeting, str, str], world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = await sync_to_async(MeetingRun.objects.get)(meeting=room[0])
    for person, channel in ((world.member, "a"), (world.second_member, "b")):
        await sync_to_async(_presence)(run.pk, person, channel, seen_ago=60)
    monkeypatch.setattr(services, "_seen_pending", {})
    monkeypatch.setattr(services, "_seen_flushed_at", [time.monotonic()])
    before = await sync_to_async(_seen)("a")
    # Within 30 s of the last write: the heartbeats are only noted.
    await services.presence_seen(run_id=run.pk, membership_id=world.member.pk, channel_name="a")
    await services.presence_seen(
        run_id=run.pk, membership_id=world.second_member.pk, channel_name="b"
    )
    assert await sync_to_async(_seen)("a") == before
    assert set(services._seen_pending) == {"a", "b"}
    # 30 s later the next heartbeat writes all of them at once.
    services._seen_flushed_at[0] -= services.SEEN_FLUSH_SECONDS
    await services.presence_seen(run_id=run.pk, membership_id=world.member.pk, channel_name="a")
    recent = timezone.now() - timedelta(seconds=5)
    for channel in ("a", "b"):
        seen_at, last_seen = await sync_to_async(_seen)(channel)
        assert seen_at > recent and last_seen > recent, channel
    assert services._seen_pending == {}


async def test_a_leave_forgets_the_heartbeat_and_records_the_last_sighting(
    room: tuple[Meeting, str, str], world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = await sync_to_async(MeetingRun.objects.get)(meeting=room[0])
    await sync_to_async(_presence)(run.pk, world.member, "a", seen_ago=60)
    monkeypatch.setattr(services, "_seen_pending", {})
    monkeypatch.setattr(services, "_seen_flushed_at", [time.monotonic()])
    await services.presence_seen(run_id=run.pk, membership_id=world.member.pk, channel_name="a")
    await sync_to_async(services.presence_leave)(run_id=run.pk, channel_name="a")
    assert services._seen_pending == {}
    attendance = await sync_to_async(Attendance.objects.get)(run=run, membership=world.member)
    assert attendance.last_seen > timezone.now() - timedelta(seconds=5)
    assert not await sync_to_async(RoomPresence.objects.filter(channel_name="a").exists)()


async def test_a_ping_does_not_write_to_the_database_each_time(
    room: tuple[Meeting, str, str], world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    communicator, connected, _ = await connect(room[0], world.member.user)
    assert connected
    await until(communicator, "snapshot")
    monkeypatch.setattr(services, "_seen_pending", {})
    monkeypatch.setattr(services, "_seen_flushed_at", [time.monotonic()])
    old = timezone.now() - timedelta(seconds=60)
    await sync_to_async(RoomPresence.objects.update)(seen_at=old)
    for t in range(3):
        await communicator.send_json_to({"type": "ping", "t": t})
        assert (await until(communicator, "pong"))["t"] == t
    seen = await sync_to_async(list)(RoomPresence.objects.values_list("seen_at", flat=True))
    assert seen == [old]
    assert len(services._seen_pending) == 1
    await communicator.disconnect()
