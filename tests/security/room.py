"""A meeting room set up for the sweep: running at its check-in round, with the convener in
the lead, the assigned facilitator waiting to take over and the member's turn to speak; and a
way to put it back exactly as it was after each message."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from booster.meetings.models import Meeting
from booster.notebook.models import CONSENT_TEXT_VERSION, NotebookConsent
from booster.room import services
from booster.room.models import Attendance, MeetingRun, PairPhase
from tests.factories import MeetingFactory
from tests.personas import World
from tests.security.access import Seats

SEATS = Seats()
RUN_FIELDS = (
    "state",
    "version",
    "agenda",
    "agenda_edited",
    "current",
    "deadline",
    "remaining_seconds",
    "facilitator_id",
    "pairs",
    "round",
    "started_at",
    "ended_at",
    "updated_at",
)


class Room:
    """The opening meeting of the world's group (it has pairs steps and, at 150 minutes,
    a proposal of tasks to do outside), running at the check-in round."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.people = {
            "member": world.member,
            "convener": world.convener,
            "guide": world.guide,
            "facilitator": world.second_member,
        }
        self.meeting: Meeting = MeetingFactory(
            group=world.group,
            number=1,
            theme_key="opening",
            starts_at=timezone.now() + timedelta(minutes=5),
            facilitator=self.people[SEATS.assigned],
        )
        self.run = services.run_get_or_create(meeting=self.meeting)
        members = [self.people[r].pk for r in ("member", "facilitator", "convener")]
        speaker = self.people[SEATS.speaker].pk
        for pk in members:
            Attendance.objects.create(run=self.run, membership_id=pk, confirmed=True)
        now = timezone.now()
        MeetingRun.objects.filter(pk=self.run.pk).update(
            state=MeetingRun.State.RUNNING,
            current="checkin",
            deadline=now + timedelta(minutes=5),
            started_at=now,
            facilitator=self.people[SEATS.driver],
            round={"order": members, "current": speaker, "passed": [], "done": []},
        )
        self.base = MeetingRun.objects.filter(pk=self.run.pk).values(*RUN_FIELDS).get()
        self.attendance = list(
            Attendance.objects.filter(run=self.run).values("membership_id", "confirmed")
        )

    def restore(self) -> None:
        MeetingRun.objects.filter(pk=self.run.pk).update(**self.base)
        PairPhase.objects.filter(run=self.run).delete()
        Attendance.objects.filter(run=self.run).delete()
        for row in self.attendance:
            Attendance.objects.create(run=self.run, **row)
        Meeting.objects.filter(pk=self.meeting.pk).update(
            state=Meeting.State.PLANNED, facilitator=self.people[SEATS.assigned]
        )

    def prepare(self, name: str) -> None:
        """Put the room where ``name`` can be carried out by whoever may give it."""
        run = MeetingRun.objects.filter(pk=self.run.pk)
        if name in ("start", "agenda_rebuild"):
            run.update(state="lobby", current="", deadline=None, round={}, started_at=None)
        elif name == "back":
            run.update(current="principles", round={})
        elif name == "resume":
            run.update(state="paused", deadline=None, remaining_seconds=300)
        elif name == "write":
            # The closing round, where everyone writes what they take with them.
            run.update(current="lessons", round={})
            for person in self.people.values():
                NotebookConsent.objects.get_or_create(
                    membership=person,
                    defaults={"given_at": timezone.now(), "text_version": CONSENT_TEXT_VERSION},
                )
        elif name in ("pairs_shuffle", "pairs_move"):
            members = [self.people[r].pk for r in ("member", "facilitator", "convener")]
            run.update(current="task-get_to_know-0", round={}, pairs=[members])

    def message(self, name: str) -> dict[str, Any]:
        """The message with arguments that the command accepts."""
        member = self.people["member"].pk
        other = self.people["facilitator"].pk
        args: dict[str, dict[str, Any]] = {
            "ping": {"t": 1},
            "goto": {"step": "lessons"},
            "add_time": {"minutes": 3},
            "handover": {"to": other},
            "agenda_minutes": {"step": "lessons", "minutes": 12},
            "agenda_skip": {"step": "observations", "skipped": True},
            "agenda_move": {"step": "observations", "index": 3},
            "attendance": {"member": other, "present": False},
            "pairs_move": {"member": member, "group": -1},
            "write": {
                "ref": 1,
                "key": f"takeaway:{self.meeting.pk}",
                "version": 0,
                "fields": {"answer-0": "What I take with me"},
            },
        }
        return {"type": name, **args.get(name, {})}
