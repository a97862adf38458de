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

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from booster.groups.permissions import GroupAccess, group_access
from booster.meetings.models import Meeting
from booster.room import services
from booster.room.errors import CommandError
from booster.room.models import MeetingRun
from booster.room.snapshot import snapshot_of

# Close codes: 4403 not allowed in, 4404 no such meeting, 4410 removed from the group.
CLOSE_FORBIDDEN = 4403
CLOSE_GONE = 4410
MAX_MESSAGE_BYTES = 4096
# At most this many commands per socket in this many seconds; more get an error event.
COMMAND_RATE = (30, 10.0)
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

    def _allowed(self) -> bool:
        now = time.monotonic()
        while self.recent and now - self.recent[0] > COMMAND_RATE[1]:
            self.recent.popleft()
        if len(self.recent) >= COMMAND_RATE[0]:
            return False
        self.recent.append(now)
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
        await database_sync_to_async(services.presence_join)(
            run_id=self.run_id, membership=self.access.membership, channel_name=self.channel_name
        )
        await self._send_snapshot()

    async def _join_groups(self) -> None:
        """Join the room's group and this membership's group. Repeated with every
        heartbeat: group membership lives in the channel layer, and a restarted Redis
        forgets it; joining again is harmless."""
        assert self.access is not None and self.run_id is not None
        await self.channel_layer.group_add(services.room_group_name(self.run_id), self.channel_name)
        await self.channel_layer.group_add(
            services.member_group_name(self.access.membership.pk), self.channel_name
        )

    @database_sync_to_async
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
        await database_sync_to_async(services.presence_leave)(
            run_id=self.run_id, channel_name=self.channel_name
        )

    # --- from the browser ---------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.access is None or self.run_id is None:
            return
        with translation.override(self.access.user.language or None):
            await self._receive(text_data, bytes_data)

    async def _receive(self, text_data: str | None, bytes_data: bytes | None) -> None:
        if text_data is None or len(text_data.encode()) > MAX_MESSAGE_BYTES:
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
        ):
            await self._error("invalid", _("That message could not be read."))
            return
        name = message.pop("type")
        if name == "ping":
            await self._join_groups()
            await database_sync_to_async(services.presence_heartbeat)(
                channel_name=self.channel_name
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
            await self._send_snapshot()
            return
        assert self.access is not None and self.run_id is not None
        if not self._allowed():
            await self._error("rate", _("Too many actions at once. Wait a moment and try again."))
            return
        try:
            await database_sync_to_async(services.command)(
                run_id=self.run_id, actor=self.access.membership, name=name, args=message
            )
        except CommandError as error:
            await self._error(error.code, error.message, command=name)
        except Exception:
            # A bug must not cost the person their connection: log it, answer, stay open.
            logger.exception("room command %r failed", name)
            await self._error("error", _("Something went wrong. Please try again."), command=name)

    # --- from the channel layer ---------------------------------------------------------

    async def room_event(self, message: dict[str, Any]) -> None:
        await self._send(message["event"])

    async def room_refresh(self, message: dict[str, Any]) -> None:
        await self._send({"type": "refresh", "what": message.get("what", "")})

    async def room_kick(self, message: dict[str, Any]) -> None:
        await self.close(code=CLOSE_GONE)

    # --- helpers ------------------------------------------------------------------------

    async def _send(self, data: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(data, separators=(",", ":")))

    async def _error(self, code: str, message: str, command: str | None = None) -> None:
        await self._send({"type": "error", "code": code, "message": message, "command": command})

    async def _send_snapshot(self) -> None:
        assert self.run_id is not None
        snapshot = await database_sync_to_async(_snapshot_by_id)(self.run_id)
        await self._send({"type": "snapshot", "snapshot": snapshot, "server_now": now_ms()})


def _snapshot_by_id(run_id: int) -> dict[str, Any]:
    run = MeetingRun.objects.select_related("meeting__group").get(pk=run_id)
    return snapshot_of(run)
