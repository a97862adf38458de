"""Time-zone helpers: the list people choose from, and validation of a zone name."""

from __future__ import annotations

import zoneinfo
from functools import cache

DEFAULT_TIME_ZONE = "Europe/Helsinki"


@cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone a person may pick, sorted, without the legacy aliases."""
    names = {
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    }
    names.add("UTC")
    return tuple(sorted(names))


def is_time_zone(name: str) -> bool:
    return name in time_zone_names()
