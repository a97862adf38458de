"""What every device in a room is told: one snapshot, then events that patch it.

An event carries the snapshot keys a command changed, with their new values, and the new
version. Applying an event is ``snapshot.update(changes)``; a client that sees a version
other than its own plus one asks for a fresh snapshot instead. The snapshot holds nothing
private: texts come from the pack in the page, and nobody's writing is ever in it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from booster.groups.models import Membership
from booster.room import agenda as agenda_mod
from booster.room.models import MeetingRun
from booster.room.selectors import people_of, present_ids, run_pack

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
    report = agenda_mod.agenda_report(
        pack=run_pack(run), steps=run.agenda, length=run.meeting.duration_minutes
    )
    return {
        "fits": report.fits,
        "tight": report.tight,
        "planned": report.planned,
        "length": report.length,
        "proposal_steps": list(report.proposal_steps),
        "at_minimum": list(report.at_minimum),
    }


def snapshot_of(run: MeetingRun, *, people: list[Membership] | None = None) -> dict[str, Any]:
    """The whole state of the room as JSON-ready data."""
    if people is None:
        people = people_of(group_id=run.meeting.group_id)
    return {
        "version": run.version,
        "meeting": run.meeting_id,
        "state": run.state,
        "steps": [dict(step) for step in run.agenda],
        "current": run.current or None,
        "deadline": epoch_ms(run.deadline) if run.state == MeetingRun.State.RUNNING else None,
        "remaining": run.remaining_seconds if run.state == MeetingRun.State.PAUSED else None,
        "started_at": epoch_ms(run.started_at),
        "ended_at": epoch_ms(run.ended_at),
        "planned_end": epoch_ms(planned_end(run)),
        "facilitator": run.facilitator_id,
        "people": {
            str(person.pk): {"name": person.display_name, "guide": person.is_guide}
            for person in people
        },
        "present": present_ids(run=run, people=people),
        "pairs": [list(group) for group in run.pairs],
        "round": dict(run.round) if run.round else None,
        "fit": fit_of(run),
        "form": run.meeting.form,
    }
