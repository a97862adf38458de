"""The room's WebSocket: a snapshot on connect, then versioned events; commands in.

The consumer is thin. It checks that the user is an active member or guide of the
meeting's group, joins the room's channel group, and hands every incoming command to
``services.command``. A refused or malformed message is answered with an error event and
the connection stays open. A removed member's sockets are closed at once.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections import deque
from typing import Any

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from booster.groups.permissions import GroupAccess, group_access
from booster.meetings.models import Meeting
from booster.room import services, writing
from booster.room.dbthread import in_db_thread
from booster.room.errors import CommandError
from booster.room.models import MeetingRun
from booster.room.snapshot import snapshot_of

# Close codes: 4403 not allowed in, 4404 no such meeting, 4410 removed from the group.
CLOSE_FORBIDDEN = 4403
CLOSE_GONE = 4410
MAX_MESSAGE_BYTES = 4096
# A ``write`` carries a notebook page (at most 20,000 characters a field, UTF-8 and JSON
# escapes included): larger, but still bounded.
MAX_WRITE_BYTES = 256 * 1024
# At most this many commands per socket in this many seconds; more get an error event.
COMMAND_RATE = (30, 10.0)
# Writes have their own allowance: the editor saves ~800 ms after typing stops, one at a time.
WRITE_RATE = (30, 10.0)
# Snapshot keys whose change may change what the current step writes in (ending the
# meeting empties "current" too).
STEP_KEYS = frozenset({"current"})
# A command's arguments are flat; anything nested deeper is not a message of ours (and a
# deep enough nesting would exhaust Python's recursion limit in json or str()).
MAX_MESSAGE_DEPTH = 4

logger = logging.getLogger(__name__)


def now_ms() -> int:
    return int(time.time() * 1000)


def nesting(value: Any) -> int:
    """How deeply lists and objects nest in a parsed message (a scalar is 0)."""
    depth, level = 0, [value]
    while level:
        containers = [item for item in level if isinstance(item, dict | list)]
        if not containers:
            break
        depth += 1
        level = [
            child
            for item in containers
            for child in (item.values() if isinstance(item, dict) else item)
        ]
    return depth


class RoomConsumer(AsyncWebsocketConsumer):
    access: GroupAccess | None = None
    run_id: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recent: deque[float] = deque()
        self.recent_writes: deque[float] = deque()
        # What the current step writes in, for this socket's member: found at the first
        # write of a step, forgotten when the step changes.
        self.writing: writing.WritingTarget | None = None

    def _allowed(
        self, recent: deque[float] | None = None, rate: tuple[int, float] | None = None
    ) -> bool:
        recent = self.recent if recent is None else recent
        limit, period = rate or COMMAND_RATE
        now = time.monotonic()
        while recent and now - recent[0] > period:
            recent.popleft()
        if len(recent) >= limit:
            return False
        recent.append(now)
        return True

    async def connect(self) -> None:
        user = self.scope.get("user")
        meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
        found = await self._enter(user, meeting_id)
        if found is None:
            # Accept-then-close would tell an outsider the room exists; refuse the handshake.
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.access, self.run_id = found
        await self._join_groups()
        await self.accept()
        _event, snapshot = await in_db_thread(services.presence_join_snapshot)(
            run_id=self.run_id, membership=self.access.membership, channel_name=self.channel_name
        )
        await self._send({"type": "snapshot", "snapshot": snapshot, "server_now": now_ms()})

    async def _join_groups(self) -> None:
        """Join the room's group and this membership's group. Repeated with every
        heartbeat: group membership lives in the channel layer, and a restarted Redis
        forgets it; joining again is harmless."""
        assert self.access is not None and self.run_id is not None
        await self.channel_layer.group_add(services.room_group_name(self.run_id), self.channel_name)
        await self.channel_layer.group_add(
            services.member_group_name(self.access.membership.pk), self.channel_name
        )

    @in_db_thread
    def _enter(self, user: Any, meeting_id: int) -> tuple[GroupAccess, int] | None:
        meeting = (
            Meeting.objects.filter(pk=meeting_id).exclude(state=Meeting.State.CANCELLED).first()
        )
        if meeting is None:
            return None
        try:
            access = group_access(user=user, group_id=meeting.group_id)
        except Http404:
            return None
        meeting.group = access.group
        run = services.run_get_or_create(meeting=meeting)
        return access, run.pk

    async def disconnect(self, code: int) -> None:
        if self.run_id is None or self.access is None:
            return
        try:
            await self.channel_layer.group_discard(
                services.room_group_name(self.run_id), self.channel_name
            )
            await self.channel_layer.group_discard(
                services.member_group_name(self.access.membership.pk), self.channel_name
            )
        except Exception:
            # The layer may be down or out of connections; the leave must still count.
            logger.warning("could not leave the room's channel groups", exc_info=True)
        await in_db_thread(services.presence_leave)(
            run_id=self.run_id, channel_name=self.channel_name
        )

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch without its ``close_old_connections`` hop to the database
        thread before every message (every frame received and every event fanned out):
        the room's database work runs through ``in_db_thread``, which looks after the
        connections itself, and the hop closed that thread's SQLite connection each time."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        await self.disconnect(message["code"])
        raise StopConsumer()

    # --- from the browser ---------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.access is None or self.run_id is None:
            return
        with translation.override(self.access.user.language or None):
            await self._receive(text_data, bytes_data)

    async def _receive(self, text_data: str | None, bytes_data: bytes | None) -> None:
        size = len(text_data.encode()) if text_data is not None else 0
        if text_data is None or size > MAX_WRITE_BYTES:
            await self._error("invalid", _("That message could not be read."))
            return
        try:
            message = json.loads(text_data)
        except (ValueError, RecursionError):
            message = None
        if (
            not isinstance(message, dict)
            or not isinstance(message.get("type"), str)
            or nesting(message) > MAX_MESSAGE_DEPTH
            or (size > MAX_MESSAGE_BYTES and message.get("type") != "write")
        ):
            await self._error("invalid", _("That message could not be read."))
            return
        name = message.pop("type")
        if name == "ping":
            await self._join_groups()
            assert self.access is not None and self.run_id is not None
            await services.presence_seen(
                run_id=self.run_id,
                membership_id=self.access.membership.pk,
                channel_name=self.channel_name,
            )
            t = message.get("t")
            await self._send(
                {
                    "type": "pong",
                    # Echoed for the client's clock offset; NaN or infinity is not JSON.
                    "t": t
                    if isinstance(t, int) or (isinstance(t, float) and math.isfinite(t))
                    else None,
                    "server_now": now_ms(),
                }
            )
            return
        if name == "snapshot":
            self.writing = None
            await self._send_snapshot()
            return
        if name == "write":
            await self._write(message)
            return
        assert self.access is not None and self.run_id is not None
        if not self._allowed():
            await self._error("rate", _("Too many actions at once. Wait a moment and try again."))
            return
        try:
            await _command(
                run_id=self.run_id, actor=self.access.membership, name=name, args=message
            )
        except CommandError as error:
            await self._error(error.code, error.message, command=name)
        except Exception:
            # A bug must not cost the person their connection: log it, answer, stay open.
            logger.exception("room command %r failed", name)
            await self._error("error", _("Something went wrong. Please try again."), command=name)

    async def _write(self, message: dict[str, Any]) -> None:
        """Save the member's own page of the current step (see ``booster.room.writing``)."""
        assert self.access is not None and self.run_id is not None
        ref = message.get("ref")
        if not (isinstance(ref, int) and not isinstance(ref, bool) and abs(ref) < 2**53):
            ref = None
        key, version, fields = message.get("key"), message.get("version"), message.get("fields")
        if (
            not isinstance(key, str)
            or isinstance(version, bool)
            or not isinstance(version, int)
            or not 0 <= version < 2**31
            or not isinstance(fields, dict)
            or not all(isinstance(value, str) for value in fields.values())
        ):
            await self._error("invalid", _("That message could not be read."), "write", ref)
            return
        if not self._allowed(self.recent_writes, WRITE_RATE):
            await self._error(
                "rate", _("Too many saves at once. Wait a moment and try again."), "write", ref
            )
            return
        try:
            answer = await self._write_sync(key, version, fields)
        except CommandError as error:
            self.writing = None
            await self._error(error.code, error.message, "write", ref)
            return
        except Exception:
            self.writing = None
            logger.exception("room write failed")
            await self._error("error", _("Something went wrong. Please try again."), "write", ref)
            return
        await self._send({"type": "written", "ref": ref, "key": key, **answer})

    @in_db_thread
    def _write_sync(self, key: str, version: int, fields: dict[str, str]) -> dict[str, Any]:
        assert self.access is not None and self.run_id is not None
        target = self.writing
        if target is None or target.key != key:
            # A first write in this step, or a step changed without our hearing of it.
            target = self.writing = writing.writing_target(run_id=self.run_id, access=self.access)
        if target.key != key:
            raise CommandError("step", _("This page is not written in the current step."))
        return writing.write(access=self.access, target=target, fields=fields, version=version)

    # --- from the channel layer ---------------------------------------------------------

    async def room_event(self, message: dict[str, Any]) -> None:
        # Encoded once for the whole room (``services.event_message``).
        if STEP_KEYS.intersection(message.get("changes") or ()):
            self.writing = None
        await self.send(text_data=message["text"])

    async def room_refresh(self, message: dict[str, Any]) -> None:
        await self._send({"type": "refresh", "what": message.get("what", "")})

    async def room_kick(self, message: dict[str, Any]) -> None:
        await self.close(code=CLOSE_GONE)

    # --- helpers ------------------------------------------------------------------------

    async def _send(self, data: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(data, separators=(",", ":")))

    async def _error(
        self, code: str, message: str, command: str | None = None, ref: int | None = None
    ) -> None:
        data: dict[str, Any] = {
            "type": "error",
            "code": code,
            "message": message,
            "command": command,
        }
        if ref is not None:
            data["ref"] = ref
        await self._send(data)

    async def _send_snapshot(self) -> None:
        assert self.run_id is not None
        snapshot = await in_db_thread(_snapshot_by_id)(self.run_id)
        await self._send({"type": "snapshot", "snapshot": snapshot, "server_now": now_ms()})


# Wrapped once, not for every message (asgiref's wrapper is not free to build).
@in_db_thread
def _command(**kwargs: Any) -> Any:
    return services.command(**kwargs)


def _snapshot_by_id(run_id: int) -> dict[str, Any]:
    run = MeetingRun.objects.select_related("meeting__group").get(pk=run_id)
    return snapshot_of(run)
