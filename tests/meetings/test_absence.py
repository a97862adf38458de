"""Absences: a member says they cannot come; the facilitator and stewards see who is expected."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from booster.meetings import selectors, services
from booster.meetings.models import Absence, Meeting
from tests.meetings.helpers import access_for, client_for, remove_member
from tests.personas import World


def _detail(world: World, meeting: Meeting) -> str:
    return reverse("meetings:detail", kwargs={"group_id": world.group.pk, "meeting_id": meeting.pk})


def test_report_change_and_take_back(world: World, meeting: Meeting) -> None:
    access = access_for(world.member)
    services.absence_report(access=access, meeting=meeting, note="  A premiere  that night ")
    services.absence_report(access=access, meeting=meeting, note="A premiere that evening")
    absence = Absence.objects.get(meeting=meeting, membership=world.member)
    assert absence.note == "A premiere that evening"
    attendance = selectors.meeting_attendance(meeting=meeting)
    assert [p.display_name for p in attendance.expected] == ["Cleo", "Sanna", "Gunilla"]
    assert [a.membership.display_name for a in attendance.absences] == ["Mika"]
    services.absence_withdraw(access=access, meeting=meeting)
    assert not Absence.objects.exists()


def test_a_note_longer_than_300_characters_is_refused(world: World, meeting: Meeting) -> None:
    with pytest.raises(ValidationError):
        services.absence_report(access=access_for(world.member), meeting=meeting, note="x" * 301)


def test_no_absence_for_a_cancelled_meeting(world: World, meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(state="cancelled")
    meeting.refresh_from_db()
    with pytest.raises(ValidationError):
        services.absence_report(access=access_for(world.member), meeting=meeting, note="")


def test_who_is_expected_is_for_the_facilitator_and_stewards_only(
    world: World, meeting: Meeting
) -> None:
    services.absence_report(
        access=access_for(world.member), meeting=meeting, note="Touring in Oulu"
    )
    gone = world.convener
    for persona in ("second_member", "guide", "convener"):
        page = (
            client_for(getattr(world, persona).user).get(_detail(world, meeting)).content.decode()
        )
        assert "Who is expected" in page, persona
        assert "Touring in Oulu" in page, persona
    page = client_for(world.member.user).get(_detail(world, meeting)).content.decode()
    assert "Who is expected" not in page
    assert "You reported an absence for this meeting." in page
    # The member sees their own note in the form to change it, but no one else's.
    services.absence_report(access=access_for(world.guide), meeting=meeting, note="Course day")
    page = client_for(world.member.user).get(_detail(world, meeting)).content.decode()
    assert "Course day" not in page
    # Someone who left is neither expected nor listed.
    remove_member(gone)
    attendance = selectors.meeting_attendance(meeting=meeting)
    assert "Cleo" not in [p.display_name for p in attendance.expected]


def test_reporting_on_the_page(world: World, meeting: Meeting) -> None:
    client = client_for(world.member.user)
    url = reverse("meetings:absence", kwargs={"group_id": world.group.pk, "meeting_id": meeting.pk})
    too_long = client.post(url, {"note": "y" * 301})
    assert too_long.status_code == 400
    assert ("y" * 301).encode() in too_long.content  # what was typed is kept
    assert not Absence.objects.exists()
    assert client.post(url, {"note": "Sick child"}).status_code == 302
    assert Absence.objects.get().note == "Sick child"
    withdraw = reverse(
        "meetings:absence_withdraw", kwargs={"group_id": world.group.pk, "meeting_id": meeting.pk}
    )
    assert client.post(withdraw).status_code == 302
    assert not Absence.objects.exists()
