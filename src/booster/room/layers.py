"""The in-memory channel layer (one process, no Redis), with its housekeeping bounded.

Channels' ``InMemoryChannelLayer`` looks through every channel's queue and every group's
members for expired entries at each ``receive`` and ``group_send``: with a socket waiting
on every channel that is work in proportion to all the sockets of the process for every
event each socket receives (0.4 ms at 1,100 sockets, for each of the eleven sockets an
event reaches). Here that sweep runs at most once a second; messages still expire after
the layer's ``expiry`` (60 s) and group memberships after ``group_expiry``, up to a second
later than before.
"""

from __future__ import annotations

import time
from typing import Any

from channels.layers import InMemoryChannelLayer as BaseInMemoryChannelLayer

CLEAN_EVERY_SECONDS = 1.0


class InMemoryChannelLayer(BaseInMemoryChannelLayer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cleaned_at = float("-inf")

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._cleaned_at < CLEAN_EVERY_SECONDS:
            return
        self._cleaned_at = now
        super()._clean_expired()
