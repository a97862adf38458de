"""Every room command (room.services.COMMANDS), fuzzed: hypothesis-made arguments of every
JSON type — huge and negative numbers, nested objects, strings with NUL, unknown keys — by
the driver and by others, in the lobby, while running (on a pairs step or a round) and
while paused. A command either succeeds with one event whose snapshot is valid JSON, or is
refused with a CommandError; any other exception fails. A refusal changes nothing: not the
snapshot, not a row anywhere."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from booster.groups.models import Membership
from booster.meetings.models import Meeting
from booster.room import services
from booster.room.errors import CommandError
from booster.room.models import MeetingRun
from booster.room.snapshot import snapshot_of
from tests.factories import MeetingFactory
from tests.fuzz import strategies as fz
from tests.fuzz.conftest import EXAMPLES, FUZZ
from tests.fuzz.harness import db_state, rolled_back
from tests.personas import World

pytestmark = pytest.mark.django_db

ARGUMENTS = ("step", "minutes", "index", "member", "group", "to", "skipped", "present")
CODES = {"invalid", "forbidden", "state", "unknown"}
# The examples of one command are shared among the meeting's states (PRELUDES).
ROOM_FUZZ = FUZZ.__class__(FUZZ, max_examples=max(3, EXAMPLES // 3))


def fresh(run_id: int) -> MeetingRun:
    return MeetingRun.objects.select_related("meeting__group").get(pk=run_id)


def _start(run: MeetingRun, driver: Membership) -> None:
    services.command(run_id=run.pk, actor=driver, name="start", args={})


def _on_mode(mode: str) -> Callable[[MeetingRun, Membership], None]:
    def prelude(run: MeetingRun, driver: Membership) -> None:
        _start(run, driver)
        step = next(step for step in fresh(run.pk).agenda if step.get("mode") == mode)
        services.command(run_id=run.pk, actor=driver, name="goto", args={"step": step["id"]})

    return prelude


def _paused(run: MeetingRun, driver: Membership) -> None:
    _start(run, driver)
    services.command(run_id=run.pk, actor=driver, name="pause", args={})


def _ended(run: MeetingRun, driver: Membership) -> None:
    _start(run, driver)
    services.command(run_id=run.pk, actor=driver, name="end", args={})


PRELUDES: dict[str, Callable[[MeetingRun, Membership], None]] = {
    "lobby": lambda run, driver: None,
    "running": _start,
    "pairs": _on_mode("pairs"),
    "round": _on_mode("round"),
    "paused": _paused,
    "ended": _ended,
}


@st.composite
def arguments(draw: Any, *, steps: list[str], people: list[int]) -> dict[str, Any]:
    value = fz.json_values()
    plausible: dict[str, st.SearchStrategy[Any]] = {
        "step": st.one_of(st.sampled_from(steps), value),
        "minutes": st.one_of(st.integers(-5, 300), value),
        "index": st.one_of(st.integers(-3, len(steps) + 3), value),
        "member": st.one_of(st.sampled_from(people), value),
        "to": st.one_of(st.sampled_from(people), value),
        "group": st.one_of(st.integers(-3, 6), value),
        "skipped": st.one_of(st.booleans(), value),
        "present": st.one_of(st.booleans(), value),
    }
    args: dict[str, Any] = {}
    for name in ARGUMENTS:
        if draw(st.booleans()):
            args[name] = draw(plausible[name])
    for key, extra in draw(st.dictionaries(st.text(max_size=10), value, max_size=3)).items():
        args.setdefault(key, extra)
    return args


def assert_valid_snapshot(run_id: int) -> None:
    snapshot = snapshot_of(fresh(run_id))
    json.dumps(snapshot, allow_nan=False)
    for step in snapshot["steps"]:
        assert isinstance(step["minutes"], int) and 1 <= step["minutes"] <= 240, step
    ids = [step["id"] for step in snapshot["steps"]]
    assert len(ids) == len(set(ids)), "a step is in the agenda twice"
    assert all(isinstance(pk, int) for group in snapshot["pairs"] for pk in group)


@pytest.fixture
def opening(world: World) -> MeetingRun:
    """The opening meeting (it has pairs and rounds), led by the member, five people in."""
    meeting: Meeting = MeetingFactory(
        group=world.group, number=1, theme_key="opening", facilitator=world.member
    )
    run = services.run_get_or_create(meeting=meeting)
    for person in (world.member, world.second_member, world.convener, world.guide):
        services.presence_join(
            run_id=run.pk, membership=person, channel_name=f"fuzz.{run.pk}.{person.pk}"
        )
    return fresh(run.pk)


@pytest.mark.parametrize("name", sorted(services.COMMANDS))
def test_a_room_command_with_any_arguments_succeeds_or_is_refused_cleanly(
    name: str, opening: MeetingRun, world: World
) -> None:
    steps = [step["id"] for step in opening.agenda]
    people = [world.member.pk, world.second_member.pk, world.convener.pk, world.guide.pk]
    actors = (world.member, world.member, world.second_member, world.convener, world.guide)

    def fuzz_from_here() -> None:
        before = db_state()
        snapshot = snapshot_of(fresh(opening.pk))

        @ROOM_FUZZ
        @given(actor=st.sampled_from(actors), args=arguments(steps=steps, people=people))
        def run(actor: Membership, args: dict[str, Any]) -> None:
            with rolled_back():
                try:
                    events = services.command(run_id=opening.pk, actor=actor, name=name, args=args)
                except CommandError as refusal:
                    assert refusal.code in CODES and refusal.message
                    assert snapshot_of(fresh(opening.pk)) == snapshot
                    assert db_state() == before
                else:
                    assert len(events) == 1
                    json.dumps(events[0], allow_nan=False)
                    assert events[0]["version"] == snapshot["version"] + 1
                    assert_valid_snapshot(opening.pk)

        run()

    for prelude in PRELUDES.values():  # each state of the meeting, undone afterwards
        with rolled_back():
            prelude(opening, world.member)
            fuzz_from_here()


def test_an_unknown_command_is_refused_and_changes_nothing(
    opening: MeetingRun, world: World
) -> None:
    @FUZZ
    @given(name=st.text(max_size=30).filter(lambda text: text not in services.COMMANDS))
    def run(name: str) -> None:
        before = db_state()
        with pytest.raises(CommandError) as refusal:
            services.command(run_id=opening.pk, actor=world.member, name=name, args={})
        assert refusal.value.code == "unknown"
        assert db_state() == before

    run()
