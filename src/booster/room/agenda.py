"""A meeting's agenda: its steps in order, each with minutes fitted to the meeting's length.

Pure functions of the content pack (no database, no Django). An agenda is a list of
:class:`Step` dicts, stored as JSON on the meeting's run and edited live by the facilitator.

Building (:func:`agenda_build`)
    The start (check-in round, then the group's ground rules — or, at the first theme, the
    safer-space principles), the theme's parts in order (an introduction is one step, a task
    one step per phase), then the close (lessons round, observations). Rounds are timed per
    person present. A task's phases get ranges inside their own that also keep the task
    inside its range, so "every step within its range" means every task is too.

Fitting
    Every step starts at its minimum. The spare minutes (length − minimums − breaks) are
    shared in proportion to each step's room (max − min), in whole minutes (largest
    remainders first), never above a maximum; when there are more spare minutes than room,
    every step is at its maximum and the meeting ends early.

Breaks (the rule)
    The pack's ``break.every_minutes`` (60) is the rhythm; a stretch of work may run to
    1.5 times that (90 min) before a break is needed. So the number of breaks is the fewest
    that keep every stretch within 90 min: ``ceil(work / 90) − 1`` for the work's minimum
    minutes — none for up to 90 min of work, one for up to 180 (a three-hour meeting has one
    break). Breaks are fixed-length steps (``break.minutes``) placed at step boundaries so
    that the longest stretch is as short as possible, preferring boundaries between parts:
    never inside the start or close, and between the phases of a task only when nothing else
    keeps the stretches within 90 min. If, once fitted, a stretch still runs over 90 min,
    one more break is added when it still fits.

Tight (the rule)
    An agenda is tight when it fits but the spare minutes over the minimums are less than a
    quarter of the steps' total room (``length − least < 0.25 × Σ(max − min)``): most steps
    then sit at or within a minute of their minimum, and :class:`FitReport` names them.

Too long
    When even the minimums do not fit, the report proposes tasks to do outside the meeting:
    only tasks that have a planning tool (the group can finish them between meetings), the
    fewest that make the rest fit at its minimums, and among as few, the later ones. If
    leaving out all of them is still not enough, it proposes them all and ``fits`` stays
    False.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise
from typing import Any, TypedDict

from booster.programme.schema import I18nText, Introduction, Pack, Task, Theme

# A stretch of work may run this many times the pack's break rhythm before a break is due.
LONGEST_STRETCH_FACTOR = 1.5
# Tight: the spare minutes are less than this share of the steps' total room.
TIGHT_SHARE = 0.25
# A step this close to its minimum counts as "at its minimum".
NEAR_MINIMUM = 1

KIND_CHECKIN = "checkin"
KIND_RULES = "rules"
KIND_PRINCIPLES = "principles"
KIND_INTRODUCTION = "introduction"
KIND_TASK = "task"
KIND_BREAK = "break"
KIND_LESSONS = "lessons"
KIND_OBSERVATIONS = "observations"
KINDS: tuple[str, ...] = (
    KIND_CHECKIN,
    KIND_RULES,
    KIND_PRINCIPLES,
    KIND_INTRODUCTION,
    KIND_TASK,
    KIND_BREAK,
    KIND_LESSONS,
    KIND_OBSERVATIONS,
)

# Boundary preferences for a break: lower is better.
_GOOD, _INSIDE_SECTION, _INSIDE_TASK = 0, 1, 2
_START_KINDS = frozenset({KIND_CHECKIN, KIND_RULES, KIND_PRINCIPLES})
_CLOSE_KINDS = frozenset({KIND_LESSONS, KIND_OBSERVATIONS})


class Step(TypedDict):
    """One step of a meeting (JSON-safe)."""

    id: str
    kind: str
    mode: str
    minutes: int
    min: int
    max: int
    skipped: bool
    theme: str
    part: str
    phase: int | None


@dataclass(frozen=True)
class FitReport:
    """How an agenda fits its meeting's length."""

    fits: bool
    tight: bool
    planned: int
    least: int
    length: int
    at_minimum: list[str]
    proposal_parts: list[str]
    proposal_steps: list[str]


@dataclass(frozen=True)
class StepContent:
    """What a step shows, from the pack."""

    title: I18nText
    text: I18nText | None
    instructions: I18nText | None
    questions: tuple[I18nText, ...]
    theme: Theme | None
    task: Task | None
    part_title: I18nText | None


# --- public API -------------------------------------------------------------------------


def agenda_build(
    *,
    pack: Pack,
    theme_key: str,
    present: int,
    length: int,
    skip_parts: Collection[str] = (),
) -> list[Step]:
    """The whole meeting in order, with minutes fitted to ``length`` and breaks placed.

    ``present`` (at least 1 is assumed) times the rounds. Tasks whose keys are in
    ``skip_parts`` (e.g. an applied proposal) stay in the agenda as skipped steps and take no
    time. When the minimums do not fit, every step is at its minimum (see
    :func:`agenda_report` for the proposal).
    """
    theme = pack.theme(theme_key)
    work = _work_steps(pack=pack, theme=theme, present=max(1, present))
    skipping = set(skip_parts)
    for step in work:
        if step["kind"] == KIND_TASK and step["part"] in skipping:
            step["skipped"] = True
    active = [step for step in work if not step["skipped"]]
    break_minutes = pack.meeting.break_.minutes
    longest = _longest_stretch(pack)
    least_work = sum(step["min"] for step in active)
    penalties = _boundary_penalties(active)
    count = min(_breaks_needed(least_work, longest), len(penalties))
    while True:
        minutes = _spread(
            [step["min"] for step in active],
            [step["max"] for step in active],
            length - count * break_minutes,
        )
        chosen, stretch = _place(minutes, penalties, count, longest)
        more_fits = least_work + (count + 1) * break_minutes <= length
        if stretch > longest and more_fits and count < len(penalties):
            count += 1
            continue
        break
    for step, value in zip(active, minutes, strict=True):
        step["minutes"] = value
    # A break goes just before the active step that follows its boundary.
    break_before = {active[index + 1]["id"] for index in chosen}
    steps: list[Step] = []
    number = 0
    for step in work:
        if step["id"] in break_before:
            number += 1
            steps.append(_break_step(pack=pack, theme_key=theme.key, number=number))
        steps.append(step)
    return steps


def agenda_report(*, pack: Pack, steps: Sequence[Mapping[str, Any]], length: int) -> FitReport:
    """How ``steps`` (possibly edited: minutes changed, steps skipped or moved) fit ``length``.

    ``fits`` is planned ≤ length. The proposal (when it does not fit) counts the remaining
    steps at their minimums; it is empty when shortening steps alone would do.
    """
    active = [step for step in steps if not step["skipped"]]
    planned = planned_minutes(steps)
    least = sum(int(step["min"]) for step in active)
    room = sum(int(step["max"]) - int(step["min"]) for step in active)
    fits = planned <= length
    tight = fits and length - least < TIGHT_SHARE * room
    at_minimum = (
        [
            str(step["id"])
            for step in active
            if step["kind"] != KIND_BREAK
            and int(step["max"]) > int(step["min"])
            and int(step["minutes"]) - int(step["min"]) <= NEAR_MINIMUM
        ]
        if tight
        else []
    )
    proposal_parts: list[str] = []
    if not fits and least > length:
        proposal_parts = _proposal(pack=pack, active=active, length=length)
    proposal_steps = [
        str(step["id"])
        for step in active
        if step["kind"] == KIND_TASK and step["part"] in proposal_parts
    ]
    return FitReport(
        fits=fits,
        tight=tight,
        planned=planned,
        least=least,
        length=length,
        at_minimum=at_minimum,
        proposal_parts=proposal_parts,
        proposal_steps=proposal_steps,
    )


def agenda_fit(*, steps: Sequence[Mapping[str, Any]], length: int) -> list[Step]:
    """``steps`` with the minutes of the non-skipped ones fitted anew to ``length``.

    Order, skipped flags and breaks are kept (breaks are fixed-length); use it after an
    applied proposal or when the facilitator asks for the times to be shared out again.
    """
    fitted = [_as_step(step) for step in steps]
    active = [step for step in fitted if not step["skipped"]]
    minutes = _spread([step["min"] for step in active], [step["max"] for step in active], length)
    for step, value in zip(active, minutes, strict=True):
        step["minutes"] = value
    return fitted


def planned_minutes(steps: Sequence[Mapping[str, Any]]) -> int:
    """The minutes of the steps that are not skipped."""
    return sum(int(step["minutes"]) for step in steps if not step["skipped"])


def step_content(*, pack: Pack, step: Mapping[str, Any]) -> StepContent:
    """The texts a step shows. KeyError for a step the pack does not know."""
    kind = str(step["kind"])
    meeting = pack.meeting
    theme: Theme | None
    try:
        theme = pack.theme(str(step["theme"])) if step["theme"] else None
    except KeyError:
        theme = None
    if kind == KIND_CHECKIN:
        return _content(
            meeting.start.checkin.title, questions=meeting.start.checkin.questions, theme=theme
        )
    if kind == KIND_RULES:
        rules = meeting.start.rules
        return _content(rules.title, text=rules.text, theme=theme)
    if kind == KIND_PRINCIPLES:
        rules = meeting.start.first_meeting_rules
        return _content(rules.title, text=rules.text, theme=theme)
    if kind == KIND_BREAK:
        pause = meeting.break_
        return _content(pause.title, text=pause.text, theme=theme)
    if kind == KIND_LESSONS:
        lessons = meeting.close.lessons
        return _content(lessons.title, questions=lessons.questions, theme=theme)
    if kind == KIND_OBSERVATIONS:
        observations = meeting.close.observations
        return _content(observations.title, questions=observations.questions, theme=theme)
    if theme is None:
        raise KeyError(str(step["theme"]))
    part = _part(theme, str(step["part"]))
    if kind == KIND_INTRODUCTION and isinstance(part, Introduction):
        return _content(part.title, text=part.text, theme=theme, part_title=part.title)
    if kind == KIND_TASK and isinstance(part, Task):
        index = step["phase"]
        if not isinstance(index, int) or not 0 <= index < len(part.phases):
            raise KeyError(f"{part.key} phase {index}")
        phase = part.phases[index]
        return StepContent(
            title=part.title,
            text=part.text,
            instructions=phase.instructions,
            questions=phase.questions,
            theme=theme,
            task=part,
            part_title=part.title,
        )
    raise KeyError(f"{kind} {step['part']}")


# --- building -----------------------------------------------------------------------------


def _new_step(
    *,
    id: str,
    kind: str,
    mode: str,
    least: int,
    most: int,
    theme: str,
    part: str = "",
    phase: int | None = None,
) -> Step:
    return Step(
        id=id,
        kind=kind,
        mode=mode,
        minutes=least,
        min=least,
        max=most,
        skipped=False,
        theme=theme,
        part=part,
        phase=phase,
    )


def _work_steps(*, pack: Pack, theme: Theme, present: int) -> list[Step]:
    """Every step but the breaks, at its minimum."""
    meeting = pack.meeting
    key = theme.key
    checkin = meeting.start.checkin.per_person_minutes
    steps = [
        _new_step(
            id=KIND_CHECKIN,
            kind=KIND_CHECKIN,
            mode="round",
            least=checkin.min * present,
            most=checkin.max * present,
            theme=key,
        )
    ]
    if key == pack.rules.first_theme:
        rules, kind = meeting.start.first_meeting_rules.duration, KIND_PRINCIPLES
    else:
        rules, kind = meeting.start.rules.duration, KIND_RULES
    steps.append(
        _new_step(id=kind, kind=kind, mode="group", least=rules.min, most=rules.max, theme=key)
    )
    introduction = meeting.introduction_minutes
    for part in theme.parts:
        if isinstance(part, Introduction):
            steps.append(
                _new_step(
                    id=f"intro-{part.key}",
                    kind=KIND_INTRODUCTION,
                    mode="group",
                    least=introduction.min,
                    most=introduction.max,
                    theme=key,
                    part=part.key,
                )
            )
            continue
        for index, (phase, (least, most)) in enumerate(
            zip(part.phases, _phase_ranges(part), strict=True)
        ):
            steps.append(
                _new_step(
                    id=f"task-{part.key}-{index}",
                    kind=KIND_TASK,
                    mode=phase.mode.value,
                    least=least,
                    most=most,
                    theme=key,
                    part=part.key,
                    phase=index,
                )
            )
    lessons = meeting.close.lessons.per_person_minutes
    steps.append(
        _new_step(
            id=KIND_LESSONS,
            kind=KIND_LESSONS,
            mode="round",
            least=lessons.min * present,
            most=lessons.max * present,
            theme=key,
        )
    )
    observations = meeting.close.observations.duration
    steps.append(
        _new_step(
            id=KIND_OBSERVATIONS,
            kind=KIND_OBSERVATIONS,
            mode="group",
            least=observations.min,
            most=observations.max,
            theme=key,
        )
    )
    return steps


def _phase_ranges(task: Task) -> list[tuple[int, int]]:
    """Each phase's range narrowed so that the phases together stay within the task's."""
    mins = [phase.duration.min for phase in task.phases]
    maxs = [phase.duration.max for phase in task.phases]
    if sum(mins) < task.duration.min:
        mins = _spread(mins, maxs, task.duration.min)
    if sum(maxs) > task.duration.max:
        maxs = _spread(mins, maxs, task.duration.max)
    return list(zip(mins, maxs, strict=True))


def _break_step(*, pack: Pack, theme_key: str, number: int) -> Step:
    minutes = pack.meeting.break_.minutes
    return _new_step(
        id=f"break-{number}",
        kind=KIND_BREAK,
        mode="",
        least=minutes,
        most=minutes,
        theme=theme_key,
    )


def _as_step(step: Mapping[str, Any]) -> Step:
    phase = step.get("phase")
    return Step(
        id=str(step["id"]),
        kind=str(step["kind"]),
        mode=str(step["mode"]),
        minutes=int(step["minutes"]),
        min=int(step["min"]),
        max=int(step["max"]),
        skipped=bool(step["skipped"]),
        theme=str(step["theme"]),
        part=str(step["part"]),
        phase=int(phase) if phase is not None else None,
    )


# --- fitting ------------------------------------------------------------------------------


def _spread(mins: Sequence[int], maxs: Sequence[int], budget: int) -> list[int]:
    """Minutes from the minimums with ``budget − Σmins`` shared in proportion to the room."""
    spare = budget - sum(mins)
    rooms = [most - least for least, most in zip(mins, maxs, strict=True)]
    total_room = sum(rooms)
    if spare <= 0:
        return list(mins)
    if spare >= total_room:
        return list(maxs)
    shares = [divmod(room * spare, total_room) for room in rooms]
    minutes = [least + whole for least, (whole, _rest) in zip(mins, shares, strict=True)]
    left = spare - sum(whole for whole, _rest in shares)
    # Largest remainders first; among equals the step with more room, then the earlier one.
    order = sorted(range(len(mins)), key=lambda i: (-shares[i][1], -rooms[i], i))
    for index in order[:left]:
        minutes[index] += 1
    return minutes


def _longest_stretch(pack: Pack) -> int:
    return math.floor(pack.meeting.break_.every_minutes * LONGEST_STRETCH_FACTOR)


def _breaks_needed(work: int, longest: int) -> int:
    return max(0, math.ceil(work / longest) - 1)


def _boundary_penalties(steps: Sequence[Step]) -> list[int]:
    """How well a break fits between each two consecutive steps (lower is better)."""
    penalties = []
    for before, after in pairwise(steps):
        if (
            before["kind"] == KIND_TASK
            and after["kind"] == KIND_TASK
            and (before["part"] == after["part"])
        ):
            penalties.append(_INSIDE_TASK)
        elif (before["kind"] in _START_KINDS and after["kind"] in _START_KINDS) or (
            before["kind"] in _CLOSE_KINDS and after["kind"] in _CLOSE_KINDS
        ):
            penalties.append(_INSIDE_SECTION)
        else:
            penalties.append(_GOOD)
    return penalties


def _place(
    minutes: Sequence[int], penalties: Sequence[int], count: int, longest: int
) -> tuple[tuple[int, ...], int]:
    """The boundaries (index i = between step i and i + 1) for ``count`` breaks, and the
    longest stretch of work they leave."""
    if count <= 0 or not penalties:
        return (), sum(minutes)
    ends = []
    total = 0
    for value in minutes:
        total += value
        ends.append(total)
    best: tuple[tuple[int, int, int], tuple[int, ...], int] | None = None
    for chosen in combinations(range(len(penalties)), min(count, len(penalties))):
        cuts = [0, *(ends[index] for index in chosen), total]
        stretch = max(b - a for a, b in pairwise(cuts))
        key = (max(0, stretch - longest), sum(penalties[i] for i in chosen), stretch)
        if best is None or key < best[0]:
            best = (key, chosen, stretch)
    assert best is not None
    return best[1], best[2]


def _proposal(*, pack: Pack, active: Sequence[Mapping[str, Any]], length: int) -> list[str]:
    """The tool tasks to do outside the meeting (in agenda order), see the module text."""
    candidates: list[str] = []
    for step in active:
        if step["kind"] != KIND_TASK or step["part"] in candidates:
            continue
        task = _task(pack, str(step["theme"]), str(step["part"]))
        if task is not None and task.tool is not None:
            candidates.append(str(step["part"]))
    if not candidates:
        return []
    longest = _longest_stretch(pack)
    breaks = [step for step in active if step["kind"] == KIND_BREAK]
    break_minutes = int(breaks[0]["min"]) if breaks else pack.meeting.break_.minutes
    later_first = candidates[::-1]
    for size in range(1, len(candidates) + 1):
        for removed in combinations(later_first, size):
            work = sum(
                int(step["min"])
                for step in active
                if step["kind"] != KIND_BREAK
                and not (step["kind"] == KIND_TASK and step["part"] in removed)
            )
            count = min(_breaks_needed(work, longest), len(breaks))
            if work + count * break_minutes <= length:
                return [key for key in candidates if key in removed]
    return candidates


# --- content ------------------------------------------------------------------------------


def _content(
    title: I18nText,
    *,
    text: I18nText | None = None,
    questions: tuple[I18nText, ...] = (),
    theme: Theme | None,
    part_title: I18nText | None = None,
) -> StepContent:
    return StepContent(
        title=title,
        text=text,
        instructions=None,
        questions=questions,
        theme=theme,
        task=None,
        part_title=part_title,
    )


def _part(theme: Theme, key: str) -> Introduction | Task:
    for part in theme.parts:
        if part.key == key:
            return part
    raise KeyError(key)


def _task(pack: Pack, theme_key: str, key: str) -> Task | None:
    try:
        part = _part(pack.theme(theme_key), key)
    except KeyError:
        return None
    return part if isinstance(part, Task) else None
