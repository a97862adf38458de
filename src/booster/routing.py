"""WebSocket routes. The live meeting room adds its consumers here."""

from __future__ import annotations

from typing import Any

websocket_urlpatterns: list[Any] = []
