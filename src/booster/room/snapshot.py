"""What every device in a room is told: one snapshot, then events that patch it.

An event carries the snapshot keys a command changed, with their new values, and the new
version. Applying an event is ``snapshot.update(changes)``; a client that sees a version
other than its own plus one asks for a fresh snapshot instead. The snapshot holds nothing
private: texts come from the pack in the page, and nobody's writing is ever in it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from booster.groups.models import Membership
from booster.programme.selectors import pack_for_version
from booster.room import agenda as agenda_mod
from booster.room.models import MeetingRun
from booster.room.selectors import people_of, present_ids

SNAPSHOT_KEYS: tuple[str, ...] = (
    "version",
    "meeting",
    "state",
    "steps",
    "current",
    "deadline",
    "remaining",
    "started_at",
    "ended_at",
    "planned_end",
    "facilitator",
    "people",
    "present",
    "pairs",
    "round",
    "fit",
    "form",
)


def epoch_ms(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


def steps_after(steps: list[dict[str, Any]], current: str) -> list[dict[str, Any]]:
    ids = [step["id"] for step in steps]
    if current not in ids:
        return []
    return steps[ids.index(current) + 1 :]


def planned_end(run: MeetingRun) -> datetime | None:
    """When the meeting will end if the remaining steps take their planned minutes."""
    steps: list[dict[str, Any]] = run.agenda
    if run.state == MeetingRun.State.ENDED:
        return run.ended_at
    rest = sum(step["minutes"] for step in steps_after(steps, run.current) if not step["skipped"])
    if run.state == MeetingRun.State.RUNNING and run.deadline:
        return run.deadline + timedelta(minutes=rest)
    if run.state == MeetingRun.State.PAUSED:
        # Not known while paused: the client adds the remaining time to its own clock.
        return None
    starts = run.meeting.starts_at
    if starts is None:
        return None
    total = sum(step["minutes"] for step in steps if not step["skipped"])
    return starts + timedelta(minutes=total)


def fit_of(run: MeetingRun) -> dict[str, Any]:
    """How the agenda fits the meeting's length; the same agenda gives the same report, so
    it is computed once per agenda (per process), not for every connection."""
    key = json.dumps(run.agenda, sort_keys=True, separators=(",", ":"))
    return dict(_fit_cached(run.meeting.group.pack_version_id, key, run.meeting.duration_minutes))


@functools.lru_cache(maxsize=512)
def _fit_cached(pack_version_id: int, agenda_key: str, length: int) -> tuple[tuple[str, Any], ...]:
    report = agenda_mod.agenda_report(
        pack=pack_for_version(version_id=pack_version_id),
        steps=json.loads(agenda_key),
        length=length,
    )
    return (
        ("fits", report.fits),
        ("tight", report.tight),
        ("planned", report.planned),
        ("length", report.length),
        ("proposal_steps", list(report.proposal_steps)),
        ("at_minimum", list(report.at_minimum)),
    )


def _people(people: list[Membership]) -> dict[str, dict[str, Any]]:
    return {
        str(person.pk): {"name": person.display_name, "guide": person.is_guide} for person in people
    }


KEY_VALUES: dict[str, Callable[[MeetingRun, list[Membership]], Any]] = {
    "version": lambda run, people: run.version,
    "meeting": lambda run, people: run.meeting_id,
    "state": lambda run, people: run.state,
    "steps": lambda run, people: [dict(step) for step in run.agenda],
    "current": lambda run, people: run.current or None,
    "deadline": lambda run, people: (
        epoch_ms(run.deadline) if run.state == MeetingRun.State.RUNNING else None
    ),
    "remaining": lambda run, people: (
        run.remaining_seconds if run.state == MeetingRun.State.PAUSED else None
    ),
    "started_at": lambda run, people: epoch_ms(run.started_at),
    "ended_at": lambda run, people: epoch_ms(run.ended_at),
    "planned_end": lambda run, people: epoch_ms(planned_end(run)),
    "facilitator": lambda run, people: run.facilitator_id,
    "people": lambda run, people: _people(people),
    "present": lambda run, people: present_ids(run=run, people=people),
    "pairs": lambda run, people: [list(group) for group in run.pairs],
    "round": lambda run, people: dict(run.round) if run.round else None,
    "fit": lambda run, people: fit_of(run),
    "form": lambda run, people: run.meeting.form,
}


def snapshot_keys(
    run: MeetingRun,
    keys: Iterable[str],
    *,
    people: list[Membership] | None = None,
    present: list[int] | None = None,
) -> dict[str, Any]:
    """Some keys of the snapshot, computed alone (an event carries only what changed).
    ``present``, when the caller has just worked it out, is not asked again."""
    wanted = list(keys)
    if people is None and {"people", "present"} & set(wanted):
        people = people_of(group_id=run.meeting.group_id)
    values = {
        key: KEY_VALUES[key](run, people or [])
        for key in wanted
        if not (key == "present" and present is not None)
    }
    if present is not None and "present" in wanted:
        values["present"] = list(present)
    return {key: values[key] for key in wanted}


def snapshot_of(
    run: MeetingRun, *, people: list[Membership] | None = None, present: list[int] | None = None
) -> dict[str, Any]:
    """The whole state of the room as JSON-ready data."""
    return snapshot_keys(run, SNAPSHOT_KEYS, people=people, present=present)
