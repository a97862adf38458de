"""Every room command: what it changes, who may give it, and that a refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from booster.meetings.models import Meeting
from booster.room import services
from booster.room.errors import CommandError
from booster.room.models import Attendance, MeetingRun, PairPhase, RoomPresence
from booster.room.snapshot import snapshot_of
from tests.factories import MeetingFactory, MembershipFactory
from tests.personas import World
from tests.room.conftest import arrive, do, fresh

pytestmark = pytest.mark.django_db


def refused(run: MeetingRun, actor: object, name: str, code: str, **args: object) -> None:
    """The command is refused with ``code`` and the run is exactly as it was."""
    before = snapshot_of(fresh(run))
    with pytest.raises(CommandError) as raised:
        services.command(run_id=run.pk, actor=actor, name=name, args=args)  # type: ignore[arg-type]
    assert raised.value.code == code
    assert raised.value.message
    assert snapshot_of(fresh(run)) == before


def step_ids(run: MeetingRun) -> list[str]:
    return [step["id"] for step in fresh(run).agenda if not step["skipped"]]


class TestCreation:
    def test_a_new_run_waits_in_the_lobby_with_the_theme_agenda(
        self, room_run: MeetingRun, world: World
    ) -> None:
        assert room_run.state == MeetingRun.State.LOBBY
        assert room_run.facilitator == world.member
        ids = step_ids(room_run)
        assert ids[0] == "checkin" and ids[1] == "rules"
        assert ids[-2:] == ["lessons", "observations"]
        assert any(step_id.startswith("task-map_task") for step_id in ids)

    def test_the_room_is_opened_once(self, room_meeting: Meeting) -> None:
        first = services.run_get_or_create(meeting=room_meeting)
        second = services.run_get_or_create(meeting=room_meeting)
        assert first.pk == second.pk
        assert MeetingRun.objects.count() == 1


class TestStartAndMove:
    def test_start_makes_the_first_step_current_with_its_deadline(
        self, room_run: MeetingRun, world: World
    ) -> None:
        arrive(room_run, world.member, world.second_member)
        event = do(room_run, world.member, "start")
        run = fresh(room_run)
        assert run.state == MeetingRun.State.RUNNING
        assert run.current == "checkin"
        minutes = run.agenda[0]["minutes"]
        assert run.deadline is not None
        left = (run.deadline - timezone.now()).total_seconds()
        assert minutes * 60 - 5 < left <= minutes * 60
        assert event["version"] == run.version
        assert event["changes"]["current"] == "checkin"

    def test_start_refits_the_agenda_to_the_people_present(
        self, room_run: MeetingRun, world: World
    ) -> None:
        arrive(room_run, world.member)
        do(room_run, world.member, "start")
        checkin = fresh(room_run).agenda[0]
        # One member present: the round takes one person's time.
        assert checkin["min"] == 1 and checkin["max"] == 2

    def test_next_and_back_walk_the_agenda_skipping_skipped_steps(
        self, room_run: MeetingRun, world: World
    ) -> None:
        do(room_run, world.member, "agenda_skip", step="rules", skipped=True)
        do(room_run, world.member, "start")
        do(room_run, world.member, "next")
        run = fresh(room_run)
        assert run.current == step_ids(run)[1] != "rules"
        do(room_run, world.member, "back")
        assert fresh(room_run).current == "checkin"
        refused(room_run, world.member, "back", "state")

    def test_goto_jumps_to_a_step(self, room_run: MeetingRun, world: World) -> None:
        do(room_run, world.member, "start")
        do(room_run, world.member, "goto", step="lessons")
        assert fresh(room_run).current == "lessons"
        refused(room_run, world.member, "goto", "invalid", step="nonsense")

    def test_next_at_the_last_step_is_refused(self, room_run: MeetingRun, world: World) -> None:
        do(room_run, world.member, "start")
        do(room_run, world.member, "goto", step="observations")
        refused(room_run, world.member, "next", "state")

    def test_nothing_moves_before_the_start(self, room_run: MeetingRun, world: World) -> None:
        for name in ("next", "back", "pause", "resume", "end", "round_next", "pairs_shuffle"):
            refused(room_run, world.member, name, "state")


class TestTimer:
    def test_pause_keeps_the_remaining_time_and_resume_sets_a_new_deadline(
        self, room_run: MeetingRun, world: World
    ) -> None:
        with time_machine.travel(timezone.now(), tick=False) as clock:
            do(room_run, world.member, "start")
            deadline = fresh(room_run).deadline
            assert deadline is not None
            clock.shift(timedelta(seconds=30))
            do(room_run, world.member, "pause")
            run = fresh(room_run)
            assert run.state == MeetingRun.State.PAUSED
            assert run.deadline is None
            assert run.remaining_seconds == int((deadline - timezone.now()).total_seconds())
            remaining = run.remaining_seconds
            clock.shift(timedelta(minutes=10))
            do(room_run, world.member, "resume")
            run = fresh(room_run)
            assert run.state == MeetingRun.State.RUNNING
            assert run.deadline == timezone.now() + timedelta(seconds=remaining)

    def test_add_time_moves_the_deadline_and_the_planned_end(
        self, room_run: MeetingRun, world: World
    ) -> None:
        with time_machine.travel(timezone.now(), tick=False):
            do(room_run, world.member, "start")
            before = snapshot_of(fresh(room_run))
            do(room_run, world.member, "add_time", minutes=5)
            after = snapshot_of(fresh(room_run))
            assert after["deadline"] - before["deadline"] == 5 * 60 * 1000
            assert after["planned_end"] - before["planned_end"] == 5 * 60 * 1000

    def test_add_time_while_paused_adds_to_the_remainder(
        self, room_run: MeetingRun, world: World
    ) -> None:
        do(room_run, world.member, "start")
        do(room_run, world.member, "pause")
        remaining = fresh(room_run).remaining_seconds
        assert remaining is not None
        do(room_run, world.member, "add_time", minutes=2)
        assert fresh(room_run).remaining_seconds == remaining + 120

    @pytest.mark.parametrize("minutes", [0, 31, -1, "five", None, True, 2.5])
    def test_add_time_refuses_bad_amounts(
        self, room_run: MeetingRun, world: World, minutes: object
    ) -> None:
        do(room_run, world.member, "start")
        refused(room_run, world.member, "add_time", "invalid", minutes=minutes)

    def test_time_added_after_the_deadline_counts_from_now(
        self, room_run: MeetingRun, world: World
    ) -> None:
        with time_machine.travel(timezone.now(), tick=False) as clock:
            do(room_run, world.member, "start")
            clock.shift(timedelta(hours=1))
            do(room_run, world.member, "add_time", minutes=3)
            assert fresh(room_run).deadline == timezone.now() + timedelta(minutes=3)

    def test_end_closes_the_meeting_and_marks_it_held(
        self, room_run: MeetingRun, world: World
    ) -> None:
        do(room_run, world.member, "start")
        do(room_run, world.member, "end")
        run = fresh(room_run)
        assert run.state == MeetingRun.State.ENDED
        assert run.ended_at is not None and run.current == ""
        assert Meeting.objects.get(pk=run.meeting_id).state == Meeting.State.HELD
        refused(room_run, world.member, "next", "state")
        refused(room_run, world.member, "start", "state")


class TestWhoDrives:
    @pytest.mark.parametrize("persona", ["second_member", "guide", "convener"])
    def test_only_the_driver_changes_the_meeting(
        self, room_run: MeetingRun, world: World, persona: str
    ) -> None:
        actor = getattr(world, persona)
        refused(room_run, actor, "start", "forbidden")
        do(room_run, world.member, "start")
        for name, args in [
            ("next", {}),
            ("pause", {}),
            ("add_time", {"minutes": 1}),
            ("end", {}),
            ("agenda_minutes", {"step": "lessons", "minutes": 5}),
            ("agenda_skip", {"step": "lessons", "skipped": True}),
            ("handover", {"to": actor.pk}),
            ("round_next", {}),
            ("attendance", {"member": actor.pk, "present": True}),
        ]:
            refused(room_run, actor, name, "forbidden", **args)

    def test_someone_from_another_group_is_refused(
        self, room_run: MeetingRun, world: World
    ) -> None:
        refused(room_run, world.other_member, "start", "forbidden")
        refused(room_run, world.other_member, "take_over", "forbidden")

    def test_a_removed_member_is_refused(self, room_run: MeetingRun, world: World) -> None:
        from booster.groups.services import membership_leave

        membership_leave(membership=world.member)
        refused(room_run, world.member, "start", "forbidden")

    def test_handover_gives_the_wheel_to_another_person(
        self, room_run: MeetingRun, world: World
    ) -> None:
        do(room_run, world.member, "handover", to=world.second_member.pk)
        assert fresh(room_run).facilitator == world.second_member
        refused(room_run, world.member, "next", "forbidden")
        refused(room_run, world.member, "start", "forbidden")
        do(room_run, world.second_member, "start")
        refused(room_run, world.second_member, "handover", "invalid", to=world.other_member.pk)

    @pytest.mark.parametrize("persona", ["convener", "guide"])
    def test_a_convener_or_guide_can_always_take_over(
        self, room_run: MeetingRun, world: World, persona: str
    ) -> None:
        do(room_run, world.member, "start")
        actor = getattr(world, persona)
        do(room_run, actor, "take_over")
        assert fresh(room_run).facilitator == actor
        do(room_run, actor, "next")

    def test_the_assigned_facilitator_can_take_the_wheel_back(
        self, room_run: MeetingRun, world: World
    ) -> None:
        do(room_run, world.member, "handover", to=world.convener.pk)
        do(room_run, world.member, "take_over")
        assert fresh(room_run).facilitator == world.member

    def test_a_plain_member_cannot_take_over(self, room_run: MeetingRun, world: World) -> None:
        refused(room_run, world.second_member, "take_over", "forbidden")
        refused(room_run, world.member, "take_over", "invalid")  # already leading

    def test_without_any_facilitator_any_member_can_start_leading(self, world: World) -> None:
        meeting = MeetingFactory(group=world.group, number=3, theme_key="money")
        run = services.run_get_or_create(meeting=meeting)
        do(run, world.second_member, "take_over")
        assert fresh(run).facilitator == world.second_member

    def test_nothing_changes_in_a_closed_group(self, room_run: MeetingRun, world: World) -> None:
        world.group.state = "closed"
        world.group.save(update_fields=["state"])
        refused(room_run, world.member, "start", "state")

    def test_unknown_commands_are_refused(self, room_run: MeetingRun, world: World) -> None:
        refused(room_run, world.member, "explode", "unknown")


class TestAgendaEdits:
    def test_minutes_change_and_the_planned_end_follows(
        self, room_run: MeetingRun, world: World
    ) -> None:
        room_meeting = room_run.meeting
        room_meeting.starts_at = timezone.now() + timedelta(days=1)
        room_meeting.save(update_fields=["starts_at"])
        before = snapshot_of(fresh(room_run))["planned_end"]
        lessons = next(step for step in fresh(room_run).agenda if step["id"] == "lessons")
        event = do(
            room_run, world.member, "agenda_minutes", step="lessons", minutes=lessons["minutes"] + 7
        )
        assert event["changes"]["planned_end"] - before == 7 * 60 * 1000
        assert fresh(room_run).agenda_edited

    def test_lengthening_the_running_step_moves_its_deadline(
        self, room_run: MeetingRun, world: World
    ) -> None:
        with time_machine.travel(timezone.now(), tick=False):
            do(room_run, world.member, "start")
            run = fresh(room_run)
            deadline = run.deadline
            assert deadline is not None
            minutes = run.agenda[0]["minutes"]
            do(room_run, world.member, "agenda_minutes", step="checkin", minutes=minutes + 4)
            assert fresh(room_run).deadline == deadline + timedelta(minutes=4)

    @pytest.mark.parametrize("minutes", [0, 241, "x", None])
    def test_bad_minutes_are_refused(
        self, room_run: MeetingRun, world: World, minutes: object
    ) -> None:
        refused(
            room_run, world.member, "agenda_minutes", "invalid", step="lessons", minutes=minutes
        )

    def test_skip_and_bring_back(self, room_run: MeetingRun, world: World) -> None:
        do(room_run, world.member, "agenda_skip", step="rules", skipped=True)
        assert "rules" not in step_ids(room_run)
        do(room_run, world.member, "agenda_skip", step="rules", skipped=False)
        assert "rules" in step_ids(room_run)

    def test_the_current_step_cannot_be_skipped(self, room_run: MeetingRun, world: World) -> None:
        do(room_run, world.member, "start")
        refused(room_run, world.member, "agenda_skip", "state", step="checkin", skipped=True)

    def test_reorder_steps(self, room_run: MeetingRun, world: World) -> None:
        do(room_run, world.member, "agenda_move", step="observations", index=0)
        assert fresh(room_run).agenda[0]["id"] == "observations"
        refused(room_run, world.member, "agenda_move", "invalid", step="rules", index=999)

    def test_only_steps_ahead_move_during_the_meeting(
        self, room_run: MeetingRun, world: World
    ) -> None:
        do(room_run, world.member, "start")
        do(room_run, world.member, "next")
        refused(room_run, world.member, "agenda_move", "state", step="checkin", index=5)
        refused(room_run, world.member, "agenda_move", "state", step="lessons", index=0)
        ids = [step["id"] for step in fresh(room_run).agenda]
        do(room_run, world.member, "agenda_move", step="observations", index=len(ids) - 2)
        assert [step["id"] for step in fresh(room_run).agenda][-1] == "lessons"

    def test_the_proposal_moves_opening_tasks_outside_the_meeting(self, world: World) -> None:
        for _ in range(7):
            MembershipFactory(group=world.group)
        meeting = MeetingFactory(
            group=world.group,
            number=1,
            theme_key="opening",
            facilitator=world.member,
            duration_minutes=150,
        )
        run = services.run_get_or_create(meeting=meeting)
        snapshot = snapshot_of(run)
        assert snapshot["fit"]["fits"] is False
        proposal = snapshot["fit"]["proposal_steps"]
        assert proposal
        event = do(run, world.member, "agenda_apply_proposal")
        assert event["changes"]["fit"]["fits"] is True
        assert not set(proposal) & set(step_ids(run))
        refused(run, world.member, "agenda_apply_proposal", "state")

    def test_rebuild_only_in_the_lobby(self, room_run: MeetingRun, world: World) -> None:
        do(room_run, world.member, "agenda_skip", step="rules", skipped=True)
        do(room_run, world.member, "agenda_rebuild")
        run = fresh(room_run)
        assert "rules" in step_ids(run) and not run.agenda_edited
        do(room_run, world.member, "start")
        refused(room_run, world.member, "agenda_rebuild", "state")

    def test_an_edited_agenda_is_kept_at_the_start(
        self, room_run: MeetingRun, world: World
    ) -> None:
        do(room_run, world.member, "agenda_minutes", step="checkin", minutes=17)
        arrive(room_run, world.member)
        do(room_run, world.member, "start")
        assert fresh(room_run).agenda[0]["minutes"] == 17


@pytest.fixture
def crowd(world: World) -> list[object]:
    """Six members in all, everyone present."""
    extra = [MembershipFactory(group=world.group) for _ in range(3)]
    return [world.convener, world.member, world.second_member, *extra]


def opening_run(world: World, crowd: list[object]) -> MeetingRun:
    meeting = MeetingFactory(
        group=world.group,
        number=1,
        theme_key="opening",
        facilitator=world.member,
        duration_minutes=180,
    )
    run = services.run_get_or_create(meeting=meeting)
    arrive(run, *crowd, world.guide)  # type: ignore[arg-type]
    return run


class TestPairs:
    def test_a_pairs_step_pairs_the_members_present(
        self, world: World, crowd: list[object]
    ) -> None:
        run = opening_run(world, crowd)
        do(run, world.member, "start")
        pairs_step = next(step for step in fresh(run).agenda if step["mode"] == "pairs")
        event = do(run, world.member, "goto", step=pairs_step["id"])
        pairs = event["changes"]["pairs"]
        people = sorted(pk for group in pairs for pk in group)
        assert people == sorted(person.pk for person in crowd)  # type: ignore[attr-defined]
        assert world.guide.pk not in people
        assert all(len(group) == 2 for group in pairs)
        assert PairPhase.objects.filter(run=run, step_id=pairs_step["id"]).exists()

    def test_an_odd_count_makes_a_trio(self, world: World, crowd: list[object]) -> None:
        run = opening_run(world, crowd[:5])
        do(run, world.member, "start")
        pairs_step = next(step for step in fresh(run).agenda if step["mode"] == "pairs")
        pairs = do(run, world.member, "goto", step=pairs_step["id"])["changes"]["pairs"]
        assert sorted(len(group) for group in pairs) == [2, 3]

    def test_pairs_are_not_in_other_steps(self, world: World, crowd: list[object]) -> None:
        run = opening_run(world, crowd)
        do(run, world.member, "start")
        assert fresh(run).pairs == []
        refused(run, world.member, "pairs_shuffle", "state")

    def test_reshuffle_and_move_by_hand(self, world: World, crowd: list[object]) -> None:
        run = opening_run(world, crowd)
        do(run, world.member, "start")
        pairs_step = next(step for step in fresh(run).agenda if step["mode"] == "pairs")
        first = do(run, world.member, "goto", step=pairs_step["id"])["changes"]["pairs"]
        shuffled = do(run, world.member, "pairs_shuffle")["changes"]["pairs"]
        assert shuffled != first
        assert sorted(map(sorted, shuffled)) != sorted(map(sorted, first))
        mover = shuffled[0][0]
        moved = do(run, world.member, "pairs_move", member=mover, group=1)["changes"]["pairs"]
        assert mover in moved[0 if len(moved) < len(shuffled) else 1] or any(
            mover in group and len(group) == 3 for group in moved
        )
        assert sorted(pk for group in moved for pk in group) == sorted(
            pk for group in shuffled for pk in group
        )
        assert PairPhase.objects.get(run=run, step_id=pairs_step["id"]).pairs == moved
        refused(run, world.member, "pairs_move", "invalid", member=world.guide.pk, group=0)
        refused(run, world.member, "pairs_move", "invalid", member=mover, group=99)

    def test_pairs_rotate_across_meetings(self, world: World, crowd: list[object]) -> None:
        seen: set[frozenset[int]] = set()
        for number in (1, 9):
            meeting = MeetingFactory(
                group=world.group,
                number=number,
                theme_key="opening" if number == 1 else "closing",
                facilitator=world.member,
            )
            run = services.run_get_or_create(meeting=meeting)
            arrive(run, *crowd)  # type: ignore[arg-type]
            do(run, world.member, "start")
            for step in [step for step in fresh(run).agenda if step["mode"] == "pairs"]:
                pairs = do(run, world.member, "goto", step=step["id"])["changes"]["pairs"]
                for group in pairs:
                    pair = frozenset(group)
                    assert pair not in seen
                    seen.add(pair)


class TestRounds:
    def test_a_round_gives_each_member_present_a_turn(
        self, room_run: MeetingRun, world: World
    ) -> None:
        arrive(room_run, world.convener, world.member, world.second_member, world.guide)
        event = do(room_run, world.member, "start")
        state = event["changes"]["round"]
        assert sorted(state["order"]) == sorted(
            [world.convener.pk, world.member.pk, world.second_member.pk]
        )
        first, second, third = state["order"]
        assert state["current"] == first
        state = do(room_run, world.member, "round_next")["changes"]["round"]
        assert state["current"] == second and state["done"] == [first]
        # The speaker passes their own turn; others cannot pass it for them.
        speaker = next(
            p for p in (world.convener, world.member, world.second_member) if p.pk == second
        )
        other = next(
            p
            for p in (world.convener, world.second_member)
            if p.pk not in (second,) and p.pk != world.member.pk
        )
        if other.pk != second:
            refused(room_run, other, "round_pass", "forbidden")
        state = do(room_run, speaker, "round_pass")["changes"]["round"]
        assert state["passed"] == [second] and state["current"] == third
        do(room_run, world.member, "round_next")
        assert fresh(room_run).round["current"] is None
        refused(room_run, world.member, "round_next", "state")

    def test_no_round_outside_round_steps(self, room_run: MeetingRun, world: World) -> None:
        do(room_run, world.member, "start")
        do(room_run, world.member, "goto", step="observations")
        refused(room_run, world.member, "round_next", "state")


class TestPresenceAndAttendance:
    def test_joining_and_leaving_change_who_is_present(
        self, room_run: MeetingRun, world: World
    ) -> None:
        event = services.presence_join(
            run_id=room_run.pk, membership=world.second_member, channel_name="a"
        )
        assert event is not None and event["changes"]["present"] == [world.second_member.pk]
        # A second device of the same person changes nothing.
        assert (
            services.presence_join(
                run_id=room_run.pk, membership=world.second_member, channel_name="b"
            )
            is None
        )
        assert services.presence_leave(run_id=room_run.pk, channel_name="a") is None
        event = services.presence_leave(run_id=room_run.pk, channel_name="b")
        assert event is not None and event["changes"]["present"] == []
        attendance = Attendance.objects.get(run=room_run, membership=world.second_member)
        assert attendance.first_seen is not None and attendance.last_seen is not None

    def test_a_connection_without_heartbeat_goes_stale(
        self, room_run: MeetingRun, world: World
    ) -> None:
        with time_machine.travel(timezone.now(), tick=False) as clock:
            arrive(room_run, world.second_member)
            assert snapshot_of(fresh(room_run))["present"] == [world.second_member.pk]
            clock.shift(timedelta(seconds=60))
            services.presence_heartbeat(channel_name=f"test.{room_run.pk}.{world.second_member.pk}")
            clock.shift(timedelta(seconds=60))
            assert snapshot_of(fresh(room_run))["present"] == [world.second_member.pk]
            clock.shift(timedelta(seconds=60))
            assert snapshot_of(fresh(room_run))["present"] == []

    def test_face_to_face_attendance_is_confirmed_by_the_facilitator(
        self, room_run: MeetingRun, world: World
    ) -> None:
        event = do(
            room_run, world.member, "attendance", member=world.second_member.pk, present=True
        )
        assert world.second_member.pk in event["changes"]["present"]
        arrive(room_run, world.convener)
        event = do(room_run, world.member, "attendance", member=world.convener.pk, present=False)
        assert world.convener.pk not in event["changes"]["present"]
        refused(
            room_run,
            world.member,
            "attendance",
            "invalid",
            member=world.other_member.pk,
            present=True,
        )

    def test_a_removed_member_leaves_the_room_at_once(
        self, room_run: MeetingRun, world: World
    ) -> None:
        arrive(room_run, world.second_member)
        services.membership_gone(membership_id=world.second_member.pk)
        assert not RoomPresence.objects.filter(membership=world.second_member).exists()


class TestEvents:
    def test_every_event_raises_the_version_by_one_and_matches_the_snapshot(
        self, room_run: MeetingRun, world: World
    ) -> None:
        version = fresh(room_run).version
        for name, args in [
            ("agenda_minutes", {"step": "lessons", "minutes": 9}),
            ("start", {}),
            ("next", {}),
            ("pause", {}),
            ("add_time", {"minutes": 2}),
            ("resume", {}),
            ("end", {}),
        ]:
            event = do(room_run, world.member, name, **args)
            assert event["version"] == version + 1
            version += 1
            snapshot = snapshot_of(fresh(room_run))
            for key, value in event["changes"].items():
                assert snapshot[key] == value, (name, key)

    def test_events_are_published_after_commit(
        self, room_run: MeetingRun, world: World, django_capture_on_commit_callbacks: object
    ) -> None:
        with django_capture_on_commit_callbacks() as callbacks:  # type: ignore[operator]
            do(room_run, world.member, "start")
        assert len(callbacks) == 1
