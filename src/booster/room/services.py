"""Every change to a room is a command carried out here.

A command locks the run row, checks the actor's right, changes the state, raises the
version and, once the transaction has committed, publishes one event to the room's
channel group. A refused command changes nothing and raises ``CommandError``.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from booster.groups.models import Membership
from booster.groups.permissions import GroupAccess
from booster.meetings.models import Meeting
from booster.room import agenda as agenda_mod
from booster.room import pairs as pairs_mod
from booster.room.dbthread import in_db_thread
from booster.room.errors import CommandError
from booster.room.models import Attendance, MeetingRun, PairPhase, RoomPresence
from booster.room.permissions import can_drive, can_take_over
from booster.room.selectors import (
    confirmed_by_facilitator,
    connected_ids,
    expected_count,
    pair_history,
    people_of,
    present_from,
    present_ids,
    run_pack,
)
from booster.room.snapshot import snapshot_keys, snapshot_of

logger = logging.getLogger(__name__)

MAX_ADD_MINUTES = 30
MAX_STEP_MINUTES = 240


def room_group_name(run_id: int) -> str:
    """The channel group of one room: every socket of its meeting listens here."""
    return f"room-{run_id}"


def member_group_name(membership_id: int) -> str:
    """The channel group of one membership's sockets, so a removal can close them."""
    return f"room-member-{membership_id}"


def _publish(run_id: int, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:  # pragma: no cover - CHANNEL_LAYERS is always configured
        return
    try:
        async_to_sync(layer.group_send)(room_group_name(run_id), message)
    except Exception:  # a lost broadcast is recovered by the clients' version check
        logger.exception("room broadcast failed for run %s", run_id)


def event_message(event: dict[str, Any]) -> dict[str, Any]:
    """The channel-layer message that carries an event to every socket of the room: the
    event encoded once (each socket sends the text as it is, instead of every socket
    encoding it again, and the layer copies or serialises a string instead of the whole
    event), with the names of the keys it changed beside it."""
    return {
        "type": "room.event",
        "text": json.dumps(event, separators=(",", ":")),
        "changes": list(event.get("changes") or ()),
    }


def _publish_on_commit(run_id: int, event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: _publish(run_id, event_message(event)))


# --- the run --------------------------------------------------------------------------


def _build_agenda(run: MeetingRun, *, present: int) -> list[dict[str, Any]]:
    meeting = run.meeting
    steps = agenda_mod.agenda_build(
        pack=run_pack(run),
        theme_key=meeting.theme_key,
        present=max(1, present),
        length=meeting.duration_minutes,
    )
    return [dict(step) for step in steps]


def run_get_or_create(*, meeting: Meeting) -> MeetingRun:
    """The meeting's run, created in the lobby with an agenda for the members expected."""
    run = MeetingRun.objects.select_related("meeting__group").filter(meeting=meeting).first()
    if run is not None:
        return run
    run = MeetingRun(meeting=meeting, facilitator_id=meeting.facilitator_id)
    run.agenda = _build_agenda(run, present=expected_count(meeting=meeting))
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError:  # someone else opened the room at the same moment
        return MeetingRun.objects.select_related("meeting__group").get(meeting=meeting)
    return run


def _locked(run_id: int) -> MeetingRun:
    run = (
        MeetingRun.objects.select_for_update(of=("self",))
        .select_related("meeting__group")
        .filter(pk=run_id)
        .first()
    )
    if run is None:
        raise CommandError("unknown", _("This meeting room no longer exists."))
    return run


def _access_for(run: MeetingRun, actor: Membership) -> GroupAccess:
    if (
        actor.group_id != run.meeting.group_id
        or actor.state != Membership.State.ACTIVE
        or not Membership.objects.filter(pk=actor.pk, state=Membership.State.ACTIVE).exists()
    ):
        raise CommandError("forbidden", _("You are not in this group."))
    return GroupAccess(group=run.meeting.group, membership=actor)


# --- steps ------------------------------------------------------------------------------


def _step_ids(run: MeetingRun) -> list[str]:
    return [step["id"] for step in run.agenda]


def _step(run: MeetingRun, step_id: Any) -> dict[str, Any]:
    for step in run.agenda:
        if step["id"] == step_id:
            return step
    raise CommandError("invalid", _("There is no such step in this meeting."))


def _active_steps(run: MeetingRun) -> list[dict[str, Any]]:
    return [step for step in run.agenda if not step["skipped"]]


def _members_present(run: MeetingRun, people: list[Membership]) -> list[int]:
    """Present members who take part in pairs and rounds (guides follow, they don't pair)."""
    present = set(present_ids(run=run, people=people))
    return [person.pk for person in people if person.pk in present and not person.is_guide]


def _enter_step(run: MeetingRun, step: dict[str, Any], *, people: list[Membership]) -> None:
    """Make ``step`` current with a full timer, and form its pairs or round."""
    now = timezone.now()
    run.current = step["id"]
    seconds = int(step["minutes"]) * 60
    if run.state == MeetingRun.State.PAUSED:
        run.deadline = None
        run.remaining_seconds = seconds
    else:
        run.deadline = now + timedelta(seconds=seconds)
        run.remaining_seconds = None
    run.pairs = []
    run.round = {}
    members = _members_present(run, people)
    if step.get("mode") == "pairs":
        existing = PairPhase.objects.filter(run=run, step_id=step["id"]).first()
        if existing is not None and sorted(existing.present) == sorted(members):
            run.pairs = existing.pairs
        else:
            history = pair_history(
                group_id=run.meeting.group_id, exclude_run_step=(run.pk, step["id"])
            )
            run.pairs = pairs_mod.pairs_make(present=members, history=history)
            PairPhase.objects.update_or_create(
                run=run,
                step_id=step["id"],
                defaults={
                    "group_id": run.meeting.group_id,
                    "present": sorted(members),
                    "pairs": run.pairs,
                },
            )
    elif step.get("mode") == "round":
        # Each meeting the round starts with someone else.
        order = members
        if order:
            shift = (run.meeting.number - 1) % len(order)
            order = order[shift:] + order[:shift]
        run.round = {
            "order": order,
            "current": order[0] if order else None,
            "passed": [],
            "done": [],
        }


def _neighbour(run: MeetingRun, direction: int) -> dict[str, Any] | None:
    active = _active_steps(run)
    ids = [step["id"] for step in active]
    if run.current not in ids:
        return active[0] if active else None
    index = ids.index(run.current) + direction
    if 0 <= index < len(active):
        return active[index]
    return None


def _require_driver(access: GroupAccess, run: MeetingRun) -> None:
    if not can_drive(access, run):
        raise CommandError("forbidden", _("Only the meeting's facilitator can do that."))


def _require_state(run: MeetingRun, *states: str) -> None:
    if run.state not in states:
        messages: dict[str, str] = {
            MeetingRun.State.LOBBY.value: _("The meeting has not started yet."),
            MeetingRun.State.ENDED.value: _("The meeting has ended."),
        }
        raise CommandError(
            "state", messages.get(run.state, _("That cannot be done at this point of the meeting."))
        )


RUNNING_STATES = (MeetingRun.State.RUNNING, MeetingRun.State.PAUSED)


# --- the commands -----------------------------------------------------------------------
# Each handler changes ``run`` (saved by ``command``) and returns the snapshot keys it
# changed. ``people`` is the room's active members and guides.

Handler = Callable[[MeetingRun, GroupAccess, dict[str, Any], list[Membership]], set[str]]


def _int_arg(args: dict[str, Any], name: str, low: int, high: int) -> int:
    value = args.get(name)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise CommandError("invalid", _("A number is missing."))
    try:
        number = int(value)
    except ValueError:
        raise CommandError("invalid", _("A number is missing.")) from None
    if not low <= number <= high:
        raise CommandError(
            "invalid",
            _("Choose a number from %(low)d to %(high)d.") % {"low": low, "high": high},
        )
    return number


def _membership_arg(args: dict[str, Any], name: str, people: list[Membership]) -> Membership:
    value = args.get(name)
    for person in people:
        if str(person.pk) == str(value):
            return person
    raise CommandError("invalid", _("That person is not in this group."))


def cmd_start(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_driver(access, run)
    _require_state(run, MeetingRun.State.LOBBY)
    members = _members_present(run, people)
    if not run.agenda_edited and members:
        run.agenda = _build_agenda(run, present=len(members))
    first = _active_steps(run)
    if not first:
        raise CommandError("state", _("Every step is skipped: bring at least one back first."))
    run.state = MeetingRun.State.RUNNING
    run.started_at = timezone.now()
    _enter_step(run, first[0], people=people)
    return {
        "state",
        "steps",
        "current",
        "deadline",
        "remaining",
        "started_at",
        "planned_end",
        "pairs",
        "round",
        "fit",
    }


def _move(run: MeetingRun, target: dict[str, Any] | None, people: list[Membership]) -> set[str]:
    if target is None:
        raise CommandError("state", _("There is no step that way."))
    _enter_step(run, target, people=people)
    return {"current", "deadline", "remaining", "planned_end", "pairs", "round"}


def cmd_next(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_driver(access, run)
    _require_state(run, *RUNNING_STATES)
    return _move(run, _neighbour(run, 1), people)


def cmd_back(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_driver(access, run)
    _require_state(run, *RUNNING_STATES)
    return _move(run, _neighbour(run, -1), people)


def cmd_goto(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_driver(access, run)
    _require_state(run, *RUNNING_STATES)
    step = _step(run, args.get("step"))
    if step["skipped"]:
        raise CommandError("state", _("That step is skipped: bring it back first."))
    return _move(run, step, people)


def cmd_pause(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_driver(access, run)
    _require_state(run, MeetingRun.State.RUNNING)
    left = (run.deadline - timezone.now()).total_seconds() if run.deadline else 0
    run.remaining_seconds = max(0, math.ceil(left))
    run.deadline = None
    run.state = MeetingRun.State.PAUSED
    return {"state", "deadline", "remaining", "planned_end"}


def cmd_resume(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_driver(access, run)
    _require_state(run, MeetingRun.State.PAUSED)
    run.deadline = timezone.now() + timedelta(seconds=run.remaining_seconds or 0)
    run.remaining_seconds = None
    run.state = MeetingRun.State.RUNNING
    return {"state", "deadline", "remaining", "planned_end"}


def cmd_add_time(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_driver(access, run)
    _require_state(run, *RUNNING_STATES)
    minutes = _int_arg(args, "minutes", 1, MAX_ADD_MINUTES)
    if run.state == MeetingRun.State.RUNNING:
        # Time added to a step that has run out counts from now.
        base = max(run.deadline or timezone.now(), timezone.now())
        run.deadline = base + timedelta(minutes=minutes)
        return {"deadline", "planned_end"}
    run.remaining_seconds = (run.remaining_seconds or 0) + minutes * 60
    return {"remaining", "planned_end"}


def cmd_end(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_driver(access, run)
    _require_state(run, *RUNNING_STATES)
    now = timezone.now()
    run.state = MeetingRun.State.ENDED
    run.ended_at = now
    run.deadline = None
    run.remaining_seconds = None
    run.current = ""
    run.pairs = []
    run.round = {}
    meeting = run.meeting
    if meeting.state == Meeting.State.PLANNED:
        Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.HELD, updated_at=now)
        meeting.state = Meeting.State.HELD
    return {
        "state",
        "current",
        "deadline",
        "remaining",
        "ended_at",
        "planned_end",
        "pairs",
        "round",
    }


def cmd_handover(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_driver(access, run)
    _require_state(run, MeetingRun.State.LOBBY, *RUNNING_STATES)
    target = _membership_arg(args, "to", people)
    if target.pk == run.facilitator_id:
        raise CommandError("invalid", _("You are already leading this meeting."))
    run.facilitator = target
    return {"facilitator"}


def cmd_take_over(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_state(run, MeetingRun.State.LOBBY, *RUNNING_STATES)
    if can_drive(access, run):
        raise CommandError("invalid", _("You are already leading this meeting."))
    if not can_take_over(access, run):
        raise CommandError(
            "forbidden",
            _("Only a convener, a guide or the meeting's facilitator can take over."),
        )
    run.facilitator = access.membership
    return {"facilitator"}


def _agenda_changed(run: MeetingRun) -> set[str]:
    run.agenda_edited = True
    return {"steps", "planned_end", "fit"}


def cmd_agenda_minutes(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_driver(access, run)
    _require_state(run, MeetingRun.State.LOBBY, *RUNNING_STATES)
    step = _step(run, args.get("step"))
    minutes = _int_arg(args, "minutes", 1, MAX_STEP_MINUTES)
    delta = minutes - int(step["minutes"])
    step["minutes"] = minutes
    changed = _agenda_changed(run)
    if step["id"] == run.current and delta:
        # The running step's timer follows its new length, never into the past.
        if run.state == MeetingRun.State.RUNNING and run.deadline:
            run.deadline = max(timezone.now(), run.deadline + timedelta(minutes=delta))
            changed.add("deadline")
        elif run.state == MeetingRun.State.PAUSED:
            run.remaining_seconds = max(0, (run.remaining_seconds or 0) + delta * 60)
            changed.add("remaining")
    return changed


def cmd_agenda_skip(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_driver(access, run)
    _require_state(run, MeetingRun.State.LOBBY, *RUNNING_STATES)
    step = _step(run, args.get("step"))
    skipped = args.get("skipped")
    if not isinstance(skipped, bool):
        skipped = str(skipped).lower() in {"1", "true", "on", "yes"}
    if skipped and step["id"] == run.current:
        raise CommandError("state", _("The current step cannot be skipped: move on first."))
    step["skipped"] = skipped
    return _agenda_changed(run)


def cmd_agenda_move(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_driver(access, run)
    _require_state(run, MeetingRun.State.LOBBY, *RUNNING_STATES)
    step = _step(run, args.get("step"))
    ids = _step_ids(run)
    index = _int_arg(args, "index", 0, len(ids) - 1)
    if run.current:
        current_index = ids.index(run.current)
        if (
            step["id"] == run.current
            or index <= current_index
            or ids.index(step["id"]) < current_index
        ):
            raise CommandError("state", _("Only steps still ahead can be moved."))
    agenda = [item for item in run.agenda if item["id"] != step["id"]]
    agenda.insert(index, step)
    run.agenda = agenda
    return _agenda_changed(run)


def cmd_agenda_apply_proposal(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_driver(access, run)
    _require_state(run, MeetingRun.State.LOBBY, *RUNNING_STATES)
    report = agenda_mod.agenda_report(
        pack=run_pack(run), steps=run.agenda, length=run.meeting.duration_minutes
    )
    proposal = set(report.proposal_steps) - {run.current}
    if not proposal:
        raise CommandError("state", _("There is nothing to move outside the meeting."))
    for step in run.agenda:
        if step["id"] in proposal:
            step["skipped"] = True
    # The minutes freed are shared out again among the steps that stay.
    run.agenda = [
        dict(step)
        for step in agenda_mod.agenda_fit(steps=run.agenda, length=run.meeting.duration_minutes)
    ]
    return _agenda_changed(run)


def cmd_agenda_rebuild(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_driver(access, run)
    _require_state(run, MeetingRun.State.LOBBY)
    members = _members_present(run, people)
    run.agenda = _build_agenda(run, present=len(members) or expected_count(meeting=run.meeting))
    run.agenda_edited = False
    return {"steps", "planned_end", "fit"}


def _current_pairs_step(run: MeetingRun) -> dict[str, Any]:
    _require_state(run, *RUNNING_STATES)
    step = _step(run, run.current)
    if step.get("mode") != "pairs":
        raise CommandError("state", _("The current step has no pairs."))
    return step


def _save_pairs(run: MeetingRun, step: dict[str, Any], people: list[Membership]) -> None:
    PairPhase.objects.update_or_create(
        run=run,
        step_id=step["id"],
        defaults={
            "group_id": run.meeting.group_id,
            "present": sorted(_members_present(run, people)),
            "pairs": run.pairs,
        },
    )


def cmd_pairs_shuffle(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_driver(access, run)
    step = _current_pairs_step(run)
    members = _members_present(run, people)
    history = pair_history(group_id=run.meeting.group_id, exclude_run_step=(run.pk, step["id"]))
    before = run.pairs
    for _attempt in range(5):
        run.pairs = pairs_mod.pairs_make(
            present=members, history=history, shuffle=1 + secrets.randbelow(10_000)
        )
        if run.pairs != before:
            break
    _save_pairs(run, step, people)
    return {"pairs"}


def cmd_pairs_move(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_driver(access, run)
    step = _current_pairs_step(run)
    person = _membership_arg(args, "member", people)
    groups = [list(group) for group in run.pairs]
    source = next((group for group in groups if person.pk in group), None)
    if source is None:
        raise CommandError("invalid", _("That person is not in a pair now."))
    target_index = _int_arg(args, "group", -1, len(groups) - 1)
    if target_index >= 0 and groups[target_index] is source:
        raise CommandError("invalid", _("That person is already in that pair."))
    if target_index >= 0 and len(groups[target_index]) >= 4:
        raise CommandError("invalid", _("That group is full: at most four work together."))
    source.remove(person.pk)
    if target_index == -1:
        groups.append([person.pk])
    else:
        groups[target_index].append(person.pk)
    run.pairs = [group for group in groups if group]
    _save_pairs(run, step, people)
    return {"pairs"}


def _round_or_error(run: MeetingRun) -> dict[str, Any]:
    _require_state(run, *RUNNING_STATES)
    if not run.round:
        raise CommandError("state", _("There is no round going on."))
    return dict(run.round)


def _round_advance(state: dict[str, Any], *, into: str) -> dict[str, Any]:
    current = state.get("current")
    if current is None:
        raise CommandError("state", _("Everyone has had their turn."))
    state[into] = [*state.get(into, []), current]
    finished = set(state.get("done", [])) | set(state.get("passed", []))
    state["current"] = next((pk for pk in state["order"] if pk not in finished), None)
    return state


def cmd_round_next(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_driver(access, run)
    run.round = _round_advance(_round_or_error(run), into="done")
    return {"round"}


def cmd_round_pass(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    state = _round_or_error(run)
    if state.get("current") != access.membership.pk and not can_drive(access, run):
        raise CommandError("forbidden", _("You can pass only when it is your turn."))
    run.round = _round_advance(state, into="passed")
    return {"round"}


def cmd_attendance(
    run: MeetingRun, access: GroupAccess, args: dict[str, Any], people: list[Membership]
) -> set[str]:
    _require_driver(access, run)
    _require_state(run, MeetingRun.State.LOBBY, *RUNNING_STATES)
    person = _membership_arg(args, "member", people)
    present = args.get("present")
    if not isinstance(present, bool):
        present = str(present).lower() in {"1", "true", "on", "yes"}
    Attendance.objects.update_or_create(run=run, membership=person, defaults={"confirmed": present})
    return {"present"}


COMMANDS: dict[str, Handler] = {
    "start": cmd_start,
    "next": cmd_next,
    "back": cmd_back,
    "goto": cmd_goto,
    "pause": cmd_pause,
    "resume": cmd_resume,
    "add_time": cmd_add_time,
    "end": cmd_end,
    "handover": cmd_handover,
    "take_over": cmd_take_over,
    "agenda_minutes": cmd_agenda_minutes,
    "agenda_skip": cmd_agenda_skip,
    "agenda_move": cmd_agenda_move,
    "agenda_apply_proposal": cmd_agenda_apply_proposal,
    "agenda_rebuild": cmd_agenda_rebuild,
    "pairs_shuffle": cmd_pairs_shuffle,
    "pairs_move": cmd_pairs_move,
    "round_next": cmd_round_next,
    "round_pass": cmd_round_pass,
    "attendance": cmd_attendance,
}


def command(
    *, run_id: int, actor: Membership, name: str, args: dict[str, Any]
) -> list[dict[str, Any]]:
    """Carry out one command; return the event(s) it published (after commit)."""
    handler = COMMANDS.get(name)
    if handler is None:
        raise CommandError("unknown", _("Unknown command."))
    with transaction.atomic():
        run = _locked(run_id)
        access = _access_for(run, actor)
        if run.meeting.group.state == "closed":
            raise CommandError("state", _("This group has closed."))
        people = people_of(group_id=run.meeting.group_id)
        changed = handler(run, access, args, people)
        run.version += 1
        run.updated_at = timezone.now()
        run.save()
        event = {
            "type": "event",
            "name": name,
            "version": run.version,
            # Only what changed is computed (add_time needs no presence or agenda fit).
            "changes": snapshot_keys(run, sorted(changed), people=people),
        }
        _publish_on_commit(run.pk, event)
    return [event]


# --- presence ---------------------------------------------------------------------------


def _presence_event(
    run_id: int, name: str, change: Callable[[MeetingRun], None]
) -> dict[str, Any] | None:
    """Apply a presence change; publish an event only if the list of who is here changed."""
    with transaction.atomic():
        run = _locked(run_id)
        people = people_of(group_id=run.meeting.group_id)
        before = present_ids(run=run, people=people)
        change(run)
        after = present_ids(run=run, people=people)
        if before == after:
            return None
        run.version += 1
        run.updated_at = timezone.now()
        run.save(update_fields=["version", "updated_at"])
        event = {
            "type": "event",
            "name": name,
            "version": run.version,
            "changes": {"present": after},
        }
        _publish_on_commit(run.pk, event)
        return event


def presence_join(
    *, run_id: int, membership: Membership, channel_name: str
) -> dict[str, Any] | None:
    return presence_join_snapshot(
        run_id=run_id, membership=membership, channel_name=channel_name, snapshot=False
    )[0]


def presence_join_snapshot(
    *, run_id: int, membership: Membership, channel_name: str, snapshot: bool = True
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """A socket arrives: (the presence event, if who is here changed; the room's snapshot
    as of this arrival, for the new socket). Who is here is read once: the arrival only
    adds the newcomer to the connected."""
    with transaction.atomic():
        run = _locked(run_id)
        people = people_of(group_id=run.meeting.group_id)
        confirmed = confirmed_by_facilitator(run_id=run.pk)
        connected = connected_ids(run_id=run.pk)
        before = present_from(people=people, confirmed=confirmed, connected=connected)
        now = timezone.now()
        RoomPresence.objects.update_or_create(
            channel_name=channel_name,
            defaults={"run": run, "membership": membership, "seen_at": now},
        )
        attendance, created = Attendance.objects.get_or_create(
            run=run, membership=membership, defaults={"first_seen": now, "last_seen": now}
        )
        if not created:
            Attendance.objects.filter(pk=attendance.pk).update(
                last_seen=now, first_seen=attendance.first_seen or now
            )
        after = present_from(
            people=people, confirmed=confirmed, connected=connected | {membership.pk}
        )
        event = None
        if before != after:
            run.version += 1
            run.updated_at = now
            run.save(update_fields=["version", "updated_at"])
            event = {
                "type": "event",
                "name": "presence",
                "version": run.version,
                "changes": {"present": after},
            }
            _publish_on_commit(run.pk, event)
        state = snapshot_of(run, people=people, present=after) if snapshot else None
    return event, state


def presence_leave(*, run_id: int, channel_name: str) -> dict[str, Any] | None:
    presence_forget(channel_name=channel_name)

    def change(run: MeetingRun) -> None:
        # The last sighting is the leave (heartbeats are written only every 30 s or so).
        gone = RoomPresence.objects.filter(channel_name=channel_name)
        Attendance.objects.filter(
            Exists(gone.filter(run_id=OuterRef("run_id"), membership_id=OuterRef("membership_id")))
        ).update(last_seen=timezone.now())
        gone.delete()

    return _presence_event(run_id, "presence", change)


def presence_heartbeat(*, channel_name: str) -> None:
    now = timezone.now()
    rows = RoomPresence.objects.filter(channel_name=channel_name)
    updated = rows.update(seen_at=now)
    if updated:
        presence = rows.values("run_id", "membership_id").first()
        if presence:
            Attendance.objects.filter(
                run_id=presence["run_id"], membership_id=presence["membership_id"]
            ).update(last_seen=now)


# Heartbeats are not written one by one: each process notes which of its sockets pinged and
# writes them all in one go at most every SEEN_FLUSH_SECONDS, when a heartbeat finds the
# last write that old. A socket pings every 25 s, so a live connection's seen_at is never
# older than about 25 + 30 s, well inside PRESENCE_STALE_SECONDS (75 s).
SEEN_FLUSH_SECONDS = 30.0
_seen_pending: dict[str, tuple[int, int]] = {}
_seen_flushed_at: list[float] = [-SEEN_FLUSH_SECONDS]


async def presence_seen(*, run_id: int, membership_id: int, channel_name: str) -> None:
    """A socket's heartbeat: noted in this process, written with the others when due."""
    _seen_pending[channel_name] = (run_id, membership_id)
    now = time.monotonic()
    if now - _seen_flushed_at[0] < SEEN_FLUSH_SECONDS:
        return
    _seen_flushed_at[0] = now
    pending = dict(_seen_pending)
    _seen_pending.clear()
    try:
        await in_db_thread(presence_flush)(channel_names=list(pending))
    except Exception:  # the next flush writes them again; presence goes stale only after 75 s
        logger.exception("could not write the room's heartbeats")
        for name, seen in pending.items():
            _seen_pending.setdefault(name, seen)


def presence_forget(*, channel_name: str) -> None:
    """A socket has gone: its heartbeat no longer needs writing."""
    _seen_pending.pop(channel_name, None)


def presence_flush(*, channel_names: list[str]) -> int:
    """Write the heartbeats of these sockets: their presence and their attendance's last
    sighting are now. Two statements per chunk of sockets, whatever their rooms."""
    now = timezone.now()
    written = 0
    for start in range(0, len(channel_names), 500):
        chunk = channel_names[start : start + 500]
        with transaction.atomic():
            written += RoomPresence.objects.filter(channel_name__in=chunk).update(seen_at=now)
            sockets = RoomPresence.objects.filter(
                channel_name__in=chunk,
                run_id=OuterRef("run_id"),
                membership_id=OuterRef("membership_id"),
            )
            Attendance.objects.filter(Exists(sockets)).update(last_seen=now)
    return written


def membership_gone(*, membership_id: int) -> None:
    """Close a removed or departed member's sockets at once (called after commit)."""
    RoomPresence.objects.filter(membership_id=membership_id).delete()
    layer = get_channel_layer()
    if layer is None:  # pragma: no cover
        return
    try:
        async_to_sync(layer.group_send)(member_group_name(membership_id), {"type": "room.kick"})
    except Exception:
        logger.exception("could not close the room sockets of membership %s", membership_id)


def tools_changed(*, group_id: int) -> None:
    """Tell open rooms of the group that its goals, rules, agreements or plan changed."""
    runs = MeetingRun.objects.filter(
        meeting__group_id=group_id, state__in=("lobby", "running", "paused")
    ).values_list("pk", flat=True)
    for run_id in runs:
        transaction.on_commit(functools.partial(_refresh, run_id))


def _refresh(run_id: int) -> None:
    _publish(run_id, {"type": "room.refresh", "what": "tools"})
