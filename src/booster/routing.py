"""WebSocket routes."""

from __future__ import annotations

from typing import Any

from django.urls import path

from booster.room.consumers import RoomConsumer

websocket_urlpatterns: list[Any] = [
    path("ws/room/<int:meeting_id>/", RoomConsumer.as_asgi()),
]
