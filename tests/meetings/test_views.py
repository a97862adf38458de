"""The meeting pages: list and path, one meeting, setting the date in my own time zone."""

from __future__ import annotations

from datetime import UTC, datetime

from django.core import mail
from django.urls import reverse

from booster.meetings.models import Meeting
from booster.meetings.services import meetings_sync_to_plan
from booster.programme.selectors import pack_for_version
from tests.meetings.helpers import client_for, close_group
from tests.personas import World

PLAN = ["opening", "work_ability", "money", "networks", "closing"]


def _url(name: str, world: World, meeting: Meeting | None = None) -> str:
    kwargs = {"group_id": world.group.pk}
    if meeting is not None:
        kwargs["meeting_id"] = meeting.pk
    return reverse(name, kwargs=kwargs)


def test_the_list_shows_the_path_in_my_time_zone_and_language(
    world: World, meeting: Meeting
) -> None:
    meetings_sync_to_plan(group=world.group, theme_keys=PLAN, actor=None)
    user = world.member.user
    user.time_zone = "America/Sao_Paulo"
    user.save()
    pack = pack_for_version(version_id=world.group.pack_version_id)
    page = client_for(user).get(f"/sv/groups/{world.group.pk}/meetings/").content.decode()
    assert "America/Sao_Paulo" in page
    assert "fredag 8 mars 2030 kl. 06:00" in page  # 09:00 UTC in São Paulo, in Swedish
    for key in PLAN:
        assert pack.theme(key).title.get("sv") in page
    assert "Sanna" in page  # the facilitator's chosen name


def test_the_meeting_page(world: World, meeting: Meeting) -> None:
    page = (
        client_for(world.member.user).get(_url("meetings:detail", world, meeting)).content.decode()
    )
    assert "Friday 8 March 2030, 11:00" in page  # Helsinki
    assert "https://meet.example.org/booster" in page
    assert "Sanna" in page
    assert "calendar.ics" in page
    assert "Set the date and place" not in page and "Move the meeting" not in page
    facilitator_page = client_for(world.second_member.user).get(
        _url("meetings:detail", world, meeting)
    )
    assert b"Move the meeting or change the place" in facilitator_page.content


def test_setting_the_date_in_my_own_time_zone(world: World, meeting: Meeting) -> None:
    user = world.second_member.user
    user.time_zone = "Europe/Stockholm"
    user.save()
    client = client_for(user)
    url = _url("meetings:edit", world, meeting)
    form = client.get(url)
    assert b"Europe/Stockholm" in form.content
    assert b'value="2030-03-08"' in form.content and b'value="10:00"' in form.content
    response = client.post(
        url,
        {
            "date": "2030-03-12",
            "time": "18:00",
            "duration_minutes": "100",
            "form": "face_to_face",
            "place": "Konstnärshuset",
            "video_link": "",
        },
        follow=True,
    )
    meeting.refresh_from_db()
    assert meeting.starts_at == datetime(2030, 3, 12, 17, 0, tzinfo=UTC)
    assert (meeting.form, meeting.place, meeting.duration_minutes) == (
        "face_to_face",
        "Konstnärshuset",
        100,
    )
    assert b"The meeting is moved" in response.content
    assert b"120\xe2\x80\x93180 minutes" in response.content  # the length warning
    assert len(mail.outbox) == 4


def test_the_edit_form_keeps_what_was_typed_and_explains(world: World, meeting: Meeting) -> None:
    client = client_for(world.convener.user)
    url = _url("meetings:edit", world, meeting)
    data = {
        "date": "2030-03-12",
        "time": "18:00",
        "duration_minutes": "150",
        "form": "face_to_face",
        "place": "",
        "video_link": "https://meet.example.org/x",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert b"Say where the group meets." in response.content
    assert b'value="2030-03-12"' in response.content
    assert b'value="face_to_face" id="id_form_1" required checked' in response.content
    past = client.post(url, {**data, "date": "2029-01-01", "place": "Studio"})
    assert b"Choose a time in the future." in past.content
    missing = client.post(url, {**data, "date": "", "place": "Studio"})
    assert b"This field is required." in missing.content
    meeting.refresh_from_db()
    assert meeting.sequence == 0 and mail.outbox == []


def test_a_time_that_does_not_exist_on_the_clock_is_explained(
    world: World, meeting: Meeting
) -> None:
    # Clocks in Helsinki jump from 03:00 to 04:00 on 31 March 2030.
    client = client_for(world.convener.user)
    response = client.post(
        _url("meetings:edit", world, meeting),
        {
            "date": "2030-03-31",
            "time": "03:30",
            "duration_minutes": "150",
            "form": "remote",
            "place": "",
            "video_link": "https://meet.example.org/x",
        },
    )
    assert response.status_code == 200
    assert (
        b"couldn\xe2\x80\x99t be interpreted" in response.content
        or b"could not be" in response.content
    )


def test_cancelling_on_the_page(world: World, meeting: Meeting) -> None:
    client = client_for(world.convener.user)
    url = _url("meetings:cancel", world, meeting)
    assert b"Keep the meeting" in client.get(url).content
    assert client.post(url).status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == "cancelled"
    page = client.get(_url("meetings:detail", world, meeting)).content
    assert b"This meeting is cancelled." in page
    # Once cancelled, the edit page sends you back.
    assert client.get(_url("meetings:edit", world, meeting)).status_code == 302


def test_a_steward_plans_the_opening_meeting_when_there_is_none(world: World) -> None:
    client = client_for(world.convener.user)
    assert b"Plan the opening meeting" in client.get(_url("meetings:list", world)).content
    response = client.post(_url("meetings:opening_create", world))
    assert response.status_code == 302
    assert Meeting.objects.get(group=world.group).number == 1


def test_nothing_changes_in_a_closed_group(world: World, meeting: Meeting) -> None:
    close_group(world.group)
    client = client_for(world.convener.user)
    assert client.get(_url("meetings:detail", world, meeting)).status_code == 200
    assert client.get(_url("meetings:edit", world, meeting)).status_code == 403
    assert client.post(_url("meetings:absence", world, meeting), {"note": ""}).status_code == 403
    assert client.post(_url("meetings:rota", world)).status_code == 403
