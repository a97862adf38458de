"""The meeting agenda: steps in order, minutes fitted to the length, breaks and proposals."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booster.programme.schema import Pack, PhaseMode, Task
from booster.room.agenda import (
    FitReport,
    Step,
    agenda_build,
    agenda_fit,
    agenda_report,
    planned_minutes,
    step_content,
)
from tests.programme.fixtures import booster_pack_parsed

THEME_KEYS = [theme.key for theme in booster_pack_parsed().themes]
OPTIONAL_KEYS = [theme.key for theme in booster_pack_parsed().optional_themes()]


@pytest.fixture
def pack() -> Pack:
    return booster_pack_parsed()


def build(pack: Pack, theme: str, present: int, length: int, **kwargs: Any) -> list[Step]:
    return agenda_build(pack=pack, theme_key=theme, present=present, length=length, **kwargs)


def report(pack: Pack, steps: list[Step], length: int) -> FitReport:
    return agenda_report(pack=pack, steps=steps, length=length)


def ids(steps: list[Step]) -> list[str]:
    return [step["id"] for step in steps]


def assert_well_formed(steps: list[Step]) -> None:
    assert len(set(ids(steps))) == len(steps)
    for step in steps:
        assert step["min"] <= step["minutes"] <= step["max"], step


# --- the three expected outcomes ------------------------------------------------------------


def test_three_hour_opening_with_ten_fits_tightly_and_names_the_steps_at_minimum(
    pack: Pack,
) -> None:
    steps = build(pack, "opening", 10, 180)
    fit = report(pack, steps, 180)
    assert fit.fits
    assert fit.tight
    assert fit.planned == planned_minutes(steps) <= 180
    assert fit.least <= fit.planned
    assert fit.proposal_parts == []
    assert fit.at_minimum
    by_id = {step["id"]: step for step in steps}
    for step_id in fit.at_minimum:
        assert by_id[step_id]["minutes"] - by_id[step_id]["min"] <= 1
    assert "task-get_to_know-0" in fit.at_minimum
    assert_well_formed(steps)


def test_two_and_a_half_hour_opening_with_ten_proposes_tool_tasks_to_do_between_meetings(
    pack: Pack,
) -> None:
    steps = build(pack, "opening", 10, 150)
    fit = report(pack, steps, 150)
    assert not fit.fits
    assert fit.planned > 150
    assert fit.proposal_parts
    opening = pack.theme("opening")
    tasks = {task.key: task for task in opening.tasks()}
    for key in fit.proposal_parts:
        assert tasks[key].tool is not None
    assert fit.proposal_steps
    assert {step["part"] for step in steps if step["id"] in fit.proposal_steps} == set(
        fit.proposal_parts
    )

    # Skipped and rebuilt, the rest fits.
    rebuilt = build(pack, "opening", 10, 150, skip_parts=fit.proposal_parts)
    refit = report(pack, rebuilt, 150)
    assert refit.fits
    assert refit.planned <= 150
    assert {step["id"] for step in rebuilt if step["skipped"]} == set(fit.proposal_steps)
    assert_well_formed(rebuilt)

    # Skipped in place by the facilitator and refitted, it fits too.
    edited = [{**step, "skipped": step["id"] in fit.proposal_steps} for step in steps]
    assert report(pack, agenda_fit(steps=edited, length=150), 150).fits


def test_the_proposal_is_the_fewest_tasks_and_the_later_ones(pack: Pack) -> None:
    steps = build(pack, "opening", 10, 150)
    fit = report(pack, steps, 150)
    # Leaving out any one later tool task is not enough; ground rules (30 min) is.
    assert fit.proposal_parts == ["ground_rules"]


def test_when_even_every_tool_task_is_not_enough_all_are_proposed(pack: Pack) -> None:
    steps = build(pack, "opening", 10, 60)
    fit = report(pack, steps, 60)
    assert not fit.fits
    assert fit.proposal_parts == [
        "shared_goals",
        "ground_rules",
        "practical_matters",
        "theme_plan",
    ]


@pytest.mark.parametrize("theme", ["networks", "money"])
def test_an_optional_theme_in_two_and_a_half_hours_with_ten_fits(pack: Pack, theme: str) -> None:
    steps = build(pack, theme, 10, 150)
    fit = report(pack, steps, 150)
    assert fit.fits
    assert fit.planned <= 150
    assert fit.proposal_parts == []
    assert_well_formed(steps)


# --- shape ------------------------------------------------------------------------------------


def test_the_first_meeting_has_the_principles_and_the_others_the_ground_rules(pack: Pack) -> None:
    first = ids(build(pack, "opening", 6, 180))
    assert "principles" in first
    assert "rules" not in first
    for theme in THEME_KEYS[1:]:
        other = ids(build(pack, theme, 6, 180))
        assert "rules" in other
        assert "principles" not in other


@pytest.mark.parametrize("theme", THEME_KEYS)
def test_order_checkin_first_then_rules_and_the_close_last(pack: Pack, theme: str) -> None:
    steps = build(pack, theme, 8, 150)
    assert steps[0]["id"] == "checkin"
    assert steps[1]["id"] in {"rules", "principles"}
    assert [step["id"] for step in steps[-2:]] == ["lessons", "observations"]
    assert steps[0]["mode"] == steps[-2]["mode"] == "round"
    assert steps[-1]["mode"] == "group"
    assert_well_formed(steps)


@pytest.mark.parametrize("theme", THEME_KEYS)
def test_each_part_in_order_and_each_task_as_its_phases_with_the_packs_modes(
    pack: Pack, theme: str
) -> None:
    steps = [step for step in build(pack, theme, 8, 180) if step["kind"] != "break"]
    parts = pack.theme(theme).parts
    expected: list[tuple[str, str, int | None]] = []
    for part in parts:
        if isinstance(part, Task):
            expected += [
                (f"task-{part.key}-{index}", phase.mode.value, index)
                for index, phase in enumerate(part.phases)
            ]
        else:
            expected.append((f"intro-{part.key}", "group", None))
    got = [(s["id"], s["mode"], s["phase"]) for s in steps if s["kind"] in {"task", "introduction"}]
    assert got == expected
    modes = {mode.value for mode in PhaseMode}
    for step in steps:
        if step["kind"] == "task":
            assert step["mode"] in modes
            assert step["theme"] == theme


@pytest.mark.parametrize("theme", THEME_KEYS)
def test_no_break_between_the_phases_of_a_task(pack: Pack, theme: str) -> None:
    steps = build(pack, theme, 10, 180)
    for index, step in enumerate(steps[1:-1], start=1):
        if step["kind"] == "break":
            before, after = steps[index - 1], steps[index + 1]
            assert not (
                before["kind"] == after["kind"] == "task" and before["part"] == after["part"]
            )


@pytest.mark.parametrize("theme", THEME_KEYS)
def test_the_phases_together_stay_within_the_tasks_range(pack: Pack, theme: str) -> None:
    for length in (120, 150, 180):
        steps = build(pack, theme, 10, length)
        for task in pack.theme(theme).tasks():
            minutes = sum(s["minutes"] for s in steps if s["part"] == task.key)
            least = sum(s["min"] for s in steps if s["part"] == task.key)
            most = sum(s["max"] for s in steps if s["part"] == task.key)
            assert task.duration.min <= least <= minutes <= most <= task.duration.max


def test_the_rounds_are_timed_per_person(pack: Pack) -> None:
    per_person = pack.meeting.start.checkin.per_person_minutes
    for present in (1, 10):
        steps = {step["id"]: step for step in build(pack, "money", present, 150)}
        assert steps["checkin"]["min"] == per_person.min * present
        assert steps["checkin"]["max"] == per_person.max * present
        assert (
            steps["lessons"]["min"] == pack.meeting.close.lessons.per_person_minutes.min * present
        )


def test_breaks_are_fixed_numbered_steps_and_a_short_meeting_needs_none(pack: Pack) -> None:
    steps = build(pack, "opening", 10, 180)
    breaks = [step for step in steps if step["kind"] == "break"]
    assert [step["id"] for step in breaks] == ["break-1"]
    minutes = pack.meeting.break_.minutes
    assert all(b["minutes"] == b["min"] == b["max"] == minutes and b["mode"] == "" for b in breaks)
    # A stretch of work is never much longer than 90 minutes.
    stretch = 0
    for step in steps:
        stretch = 0 if step["kind"] == "break" else stretch + step["minutes"]
        assert stretch <= 90

    tools = ["shared_goals", "ground_rules", "practical_matters", "theme_plan"]
    short = build(pack, "opening", 10, 80, skip_parts=tools)
    assert report(pack, short, 80).fits
    assert not [step for step in short if step["kind"] == "break"]


def test_an_edited_agenda_is_reported_as_edited(pack: Pack) -> None:
    steps = build(pack, "networks", 10, 150)
    edited: list[dict[str, Any]] = [dict(step) for step in steps]
    edited.reverse()
    edited[0]["skipped"] = True
    edited[1]["minutes"] = edited[1]["max"]
    fit = agenda_report(pack=pack, steps=edited, length=150)
    assert fit.planned == sum(s["minutes"] for s in edited if not s["skipped"])
    assert fit.least == sum(s["min"] for s in edited if not s["skipped"])
    assert fit.fits == (fit.planned <= 150)

    longer: list[dict[str, Any]] = [dict(step) for step in steps]
    for step in longer:
        step["minutes"] = step["max"]
    over = agenda_report(pack=pack, steps=longer, length=150)
    assert not over.fits
    # Shortening steps alone would do: nothing to leave out.
    assert over.proposal_parts == []


def test_a_loose_agenda_is_neither_tight_nor_at_minimum(pack: Pack) -> None:
    steps = build(pack, "networks", 4, 180)
    fit = report(pack, steps, 180)
    assert fit.fits
    assert not fit.tight
    assert fit.at_minimum == []


def test_step_content_comes_from_the_pack(pack: Pack) -> None:
    steps = {step["id"]: step for step in build(pack, "opening", 5, 180)}
    checkin = step_content(pack=pack, step=steps["checkin"])
    assert checkin.title == pack.meeting.start.checkin.title
    assert checkin.questions == pack.meeting.start.checkin.questions
    assert checkin.theme is not None and checkin.theme.key == "opening"

    principles = step_content(pack=pack, step=steps["principles"])
    assert principles.title == pack.meeting.start.first_meeting_rules.title
    assert principles.text == pack.meeting.start.first_meeting_rules.text

    task = pack.theme("opening").tasks()[1]
    phase = step_content(pack=pack, step=steps[f"task-{task.key}-1"])
    assert phase.task == task
    assert phase.part_title == task.title
    assert phase.instructions == task.phases[1].instructions
    assert phase.questions == task.phases[1].questions

    pause = step_content(pack=pack, step=steps["break-1"])
    assert pause.title == pack.meeting.break_.title
    assert pause.instructions is None and pause.task is None

    intro = pack.theme("opening").introductions()[0]
    content = step_content(pack=pack, step=steps[f"intro-{intro.key}"])
    assert content.text == intro.text

    observations = step_content(pack=pack, step=steps["observations"])
    assert observations.questions == pack.meeting.close.observations.questions

    rules = build(pack, "money", 5, 150)[1]
    assert step_content(pack=pack, step=rules).title == pack.meeting.start.rules.title

    with pytest.raises(KeyError):
        step_content(pack=pack, step={**steps["task-get_to_know-0"], "part": "nothing"})


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    length=st.integers(min_value=120, max_value=180),
    present=st.integers(min_value=1, max_value=10),
    theme=st.sampled_from(THEME_KEYS),
)
def test_every_agenda_is_well_formed_and_fits_exactly_when_planned_is_within_length(
    length: int, present: int, theme: str
) -> None:
    pack = booster_pack_parsed()
    steps = build(pack, theme, present, length)
    assert_well_formed(steps)
    fit = report(pack, steps, length)
    assert fit.planned == planned_minutes(steps)
    assert fit.fits == (fit.planned <= length)
    if not fit.fits:
        assert all(step["minutes"] == step["min"] for step in steps)
        rebuilt = build(pack, theme, present, length, skip_parts=fit.proposal_parts)
        assert_well_formed(rebuilt)
        # Leaving out every tool task is the most the proposal can do.
        if fit.proposal_parts != [t.key for t in pack.theme(theme).tasks() if t.tool]:
            assert report(pack, rebuilt, length).fits
    if theme in OPTIONAL_KEYS and length >= 150:
        assert fit.fits
