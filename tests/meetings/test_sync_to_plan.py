"""meetings_sync_to_plan: the theme plan's meetings 1..n become Meeting rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from booster.core.models import AuditEntry
from booster.meetings.models import Meeting
from booster.meetings.services import meeting_opening_create, meetings_sync_to_plan
from tests.factories import MeetingFactory
from tests.meetings.conftest import NOW
from tests.personas import World

PLAN = ["opening", "work_ability", "money", "networks", "closing"]


def _numbers_and_themes(world: World) -> list[tuple[int, str, str]]:
    return list(
        Meeting.objects.filter(group=world.group)
        .order_by("number", "id")
        .values_list("number", "theme_key", "state")
    )


def test_creates_the_missing_meetings_with_the_groups_form_and_link(world: World) -> None:
    opening = MeetingFactory(group=world.group, number=1)
    meetings = meetings_sync_to_plan(group=world.group, theme_keys=PLAN, actor=world.convener.user)
    assert [m.number for m in meetings] == [1, 2, 3, 4, 5]
    assert meetings[0].pk == opening.pk
    assert [m.theme_key for m in meetings] == PLAN
    for meeting in meetings[1:]:
        assert meeting.form == world.group.form == "remote"
        assert meeting.video_link == world.group.video_link
        assert meeting.starts_at is None
    entry = AuditEntry.objects.get(action="meetings.synced_to_plan")
    assert entry.data == {"created": [2, 3, 4, 5], "changed": [], "cancelled": []}
    assert entry.actor == world.convener.user


def test_changes_the_themes_of_planned_meetings_and_raises_their_sequence(world: World) -> None:
    meetings_sync_to_plan(group=world.group, theme_keys=PLAN, actor=None)
    before = {m.number: m for m in Meeting.objects.filter(group=world.group)}
    new_plan = ["opening", "work_ability", "collaboration", "networks", "closing"]
    meetings_sync_to_plan(group=world.group, theme_keys=new_plan, actor=None)
    after = {m.number: m for m in Meeting.objects.filter(group=world.group)}
    assert after[3].theme_key == "collaboration"
    assert after[3].uid == before[3].uid
    assert after[3].sequence == before[3].sequence + 1
    assert after[2].sequence == before[2].sequence  # unchanged meetings stay as they were


def test_cancels_planned_meetings_beyond_the_plan_and_tells_everyone(world: World) -> None:
    meetings_sync_to_plan(
        group=world.group, theme_keys=[*PLAN[:4], "competence", "closing"], actor=None
    )
    dated = Meeting.objects.get(group=world.group, number=6)
    dated.starts_at = NOW + timedelta(days=60)
    dated.save()
    undated = Meeting.objects.get(group=world.group, number=5)
    meetings_sync_to_plan(group=world.group, theme_keys=PLAN[:4], actor=None)
    dated.refresh_from_db()
    undated.refresh_from_db()
    assert dated.state == undated.state == Meeting.State.CANCELLED
    assert dated.sequence == 1
    # Only the dated meeting was ever announced, so only it is announced as cancelled.
    subjects = {message.subject for message in mail.outbox}
    assert subjects == {"Booster: Lantern group: meeting 6 is cancelled"}
    assert len(mail.outbox) == 4  # convener, member, second member, guide


def test_a_cancelled_number_can_be_planned_again(world: World) -> None:
    meetings_sync_to_plan(group=world.group, theme_keys=PLAN, actor=None)
    meetings_sync_to_plan(group=world.group, theme_keys=[*PLAN[:3], "closing"], actor=None)
    meetings_sync_to_plan(group=world.group, theme_keys=PLAN, actor=None)
    rows = _numbers_and_themes(world)
    assert rows.count((5, "closing", "cancelled")) == 1
    assert (5, "closing", "planned") in rows
    assert (4, "networks", "planned") in rows


def test_held_meetings_never_change(world: World) -> None:
    meetings_sync_to_plan(group=world.group, theme_keys=PLAN, actor=None)
    Meeting.objects.filter(group=world.group, number__in=[1, 2]).update(state="held")
    with pytest.raises(ValidationError, match="has been held"):
        meetings_sync_to_plan(
            group=world.group,
            theme_keys=["opening", "money", "work_ability", "networks", "closing"],
            actor=None,
        )
    with pytest.raises(ValidationError, match="held"):
        meetings_sync_to_plan(group=world.group, theme_keys=["opening"], actor=None)
    assert Meeting.objects.get(group=world.group, number=2).theme_key == "work_ability"
    # Keeping the held ones as they are while changing the rest is fine.
    meetings_sync_to_plan(
        group=world.group,
        theme_keys=["opening", "work_ability", "competence", "networks", "closing"],
        actor=None,
    )
    assert Meeting.objects.get(group=world.group, number=3).theme_key == "competence"


def test_unknown_themes_and_too_many_meetings_are_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="no theme"):
        meetings_sync_to_plan(group=world.group, theme_keys=["opening", "knitting"], actor=None)
    with pytest.raises(ValidationError, match="1 to 9"):
        meetings_sync_to_plan(group=world.group, theme_keys=["opening"] * 10, actor=None)
    assert not Meeting.objects.filter(group=world.group).exists()


def test_the_same_plan_twice_changes_nothing(world: World) -> None:
    meetings_sync_to_plan(group=world.group, theme_keys=PLAN, actor=None)
    sequences = list(Meeting.objects.order_by("number").values_list("sequence", flat=True))
    meetings_sync_to_plan(group=world.group, theme_keys=PLAN, actor=None)
    assert list(Meeting.objects.order_by("number").values_list("sequence", flat=True)) == sequences
    assert AuditEntry.objects.filter(action="meetings.synced_to_plan").count() == 1


def test_the_opening_meeting_is_created_once(world: World) -> None:
    first = meeting_opening_create(group=world.group, actor=world.convener.user)
    again = meeting_opening_create(group=world.group, actor=world.convener.user)
    assert first.pk == again.pk
    assert (first.number, first.theme_key) == (1, "opening")
