"""What ``booster validate-pack`` and ``booster import-pack`` do, as plain functions.

Each prints its result and returns the process exit code (0 success, 1 failure), so the
``booster`` command and the ``manage.py`` commands share one behaviour.
"""

from __future__ import annotations

import sys
from typing import Protocol

from booster.programme.loader import BOOSTER_PACK_PATH, PackError, summary_line, validate_pack

__all__ = ["BOOSTER_PACK_PATH", "import_pack_command", "validate_pack_command"]


class Writer(Protocol):
    def write(self, text: str, /) -> object: ...


def validate_pack_command(
    path: str, *, out: Writer | None = None, err: Writer | None = None
) -> int:
    """Print the pack's summary line (exit 0), or one line per error (exit 1)."""
    out = out or sys.stdout
    err = err or sys.stderr
    pack, errors = validate_pack(path)
    if pack is None:
        for error in errors:
            err.write(f"{error}\n")
        return 1
    out.write(f"{summary_line(pack)}\n")
    return 0


def import_pack_command(path: str, *, out: Writer | None = None, err: Writer | None = None) -> int:
    """Import the pack; print the version stored or kept (exit 0), or its errors (exit 1).

    Needs Django set up (it writes to the database).
    """
    # Imported here so that validating a pack works without Django being set up.
    from booster.programme.services import pack_import

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        version, created = pack_import(path=path)
    except PackError as exc:
        for error in exc.errors:
            err.write(f"{error}\n")
        return 1
    if created:
        out.write(f"{version.pack_id} {version.label} imported as version {version.number}\n")
    else:
        out.write(f"{version.pack_id} {version.label} unchanged (version {version.number})\n")
    return 0
