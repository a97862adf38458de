"""Creating a group: the form, its rules, the opening meeting and the convener's seat."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from booster.core.models import AuditEntry
from booster.groups.models import Group, Membership
from booster.meetings.models import Meeting
from booster.programme.models import PackVersion
from booster.programme.selectors import pack_for_version
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEXT_MONTH = (date.today() + timedelta(days=30)).isoformat()


def _data(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "Evening lanterns",
        "description": "Freelance musicians in Turku.",
        "language": "fi",
        "form": "remote",
        "place": "",
        "video_link": "https://meet.example.org/lanterns",
        "country": "FI",
        "time_zone": "Europe/Helsinki",
        "allow_late_joining": "on",
        "opening": "fixed",
        "opening_date": NEXT_MONTH,
        "opening_time": "18:00",
        "opening_length": "150",
        "display_name": "Cleo",
        "accept_principles": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def creator(booster_pack: PackVersion) -> Any:
    return UserFactory(display_name="Cleo Creator", time_zone="Europe/Stockholm")


def test_the_form_shows_the_principles_and_defaults_to_my_time_zone(
    client: Client, creator: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(creator)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("groups:create"))
    page = response.content.decode()
    pack = pack_for_version(version_id=PackVersion.objects.get().pk)
    assert len(pack.principles) == 5
    for principle in pack.principles:
        assert escape(principle.title.get("en")) in page
        assert escape(principle.text.get("en")) in page
    assert escape(pack.confidentiality.get("en")) in page
    assert response.context["form"]["time_zone"].value() == "Europe/Stockholm"
    assert response.context["form"]["display_name"].value() == "Cleo Creator"


def test_creating_a_group_with_a_fixed_opening_meeting(client: Client, creator: Any) -> None:
    client.force_login(creator)
    response = client.post(reverse("groups:create"), _data())
    group = Group.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:home", kwargs={"group_id": group.pk})
    assert group.state == Group.State.FORMING
    assert group.language == "fi"
    assert group.pack_version == PackVersion.objects.get()
    assert group.created_by == creator
    membership = Membership.objects.get(group=group)
    assert membership.user == creator
    assert membership.is_convener
    assert membership.seat == 1
    assert membership.display_name == "Cleo"
    assert membership.principles_accepted_at is not None
    assert membership.principles_version == group.pack_version
    meeting = Meeting.objects.get(group=group)
    assert meeting.number == 1
    assert meeting.theme_key == pack_for_version(version_id=group.pack_version_id).rules.first_theme
    expected = datetime.fromisoformat(f"{NEXT_MONTH}T18:00").replace(
        tzinfo=zoneinfo.ZoneInfo("Europe/Helsinki")
    )
    assert meeting.starts_at == expected
    assert meeting.duration_minutes == 150
    assert meeting.form == "remote"
    assert meeting.video_link == "https://meet.example.org/lanterns"
    assert AuditEntry.objects.filter(action="groups.group_created", group_id=group.pk).exists()


def test_creating_a_face_to_face_group_that_finds_its_date_with_a_poll(
    client: Client, creator: Any
) -> None:
    client.force_login(creator)
    response = client.post(
        reverse("groups:create"),
        _data(
            form="face_to_face",
            place="Kulturhuset, room 3",
            video_link="",
            opening="poll",
            opening_date="",
            opening_time="",
        ),
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "meetings:poll_create", kwargs={"group_id": meeting.group_id, "meeting_id": meeting.pk}
    )
    assert client.get(response["Location"]).status_code == 200
    assert meeting.starts_at is None
    assert meeting.number == 1
    assert meeting.form == "face_to_face"
    assert meeting.place == "Kulturhuset, room 3"
    assert meeting.video_link == ""


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"form": "hybrid"}, "form", "never both at once"),
        ({"form": "face_to_face", "place": ""}, "place", "Write where the group meets"),
        ({"video_link": ""}, "video_link", "Add the link to the video meeting"),
        ({"video_link": "not a link"}, "video_link", "valid URL"),
        ({"accept_principles": None}, "accept_principles", "tick the box"),
        ({"opening_date": ""}, "opening_date", "Choose the date"),
        ({"opening_time": ""}, "opening_time", "Choose the time"),
        ({"opening_date": "2001-01-01"}, "opening_date", "in the future"),
        ({"opening_length": "10"}, "opening_length", "greater than or equal to 30"),
        ({"name": ""}, "name", "required"),
        ({"language": "de"}, "language", "valid choice"),
        ({"country": "NO"}, "country", "valid choice"),
        ({"time_zone": "Mars/Base"}, "time_zone", "valid choice"),
    ],
)
def test_bad_input_is_explained_next_to_its_field_and_kept(
    client: Client, creator: Any, changes: dict[str, Any], field: str, message: str
) -> None:
    client.force_login(creator)
    response = client.post(reverse("groups:create"), _data(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field]), form.errors
    # What was typed stays in the form.
    assert form["name"].value() == _data(**changes).get("name", "")
    assert form["description"].value() == "Freelance musicians in Turku."
    assert not Group.objects.exists()
    assert not Meeting.objects.exists()


def test_hybrid_is_refused_by_the_database_too(creator: Any) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Group.objects.create(
            name="Mixed",
            language="en",
            form="hybrid",
            country="FI",
            pack_version=PackVersion.objects.get(),
        )


def test_the_opening_time_is_read_in_the_groups_time_zone(client: Client, creator: Any) -> None:
    client.force_login(creator)
    client.post(reverse("groups:create"), _data(time_zone="America/New_York"))
    meeting = Meeting.objects.get()
    local = timezone.localtime(meeting.starts_at, zoneinfo.ZoneInfo("America/New_York"))
    assert (local.hour, local.minute) == (18, 0)


def test_a_time_the_clocks_skip_is_refused_next_to_the_field_and_kept(
    client: Client, creator: Any
) -> None:
    client.force_login(creator)
    # In Helsinki the clocks go from 03:00 to 04:00 on 28 March 2027: 03:30 never happens.
    response = client.post(
        reverse("groups:create"), _data(opening_date="2027-03-28", opening_time="03:30")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["opening_time"] == [
        "That time does not exist on this day because the clocks change. "
        "Please choose another time."
    ]
    assert form["opening_date"].value() == "2027-03-28"
    assert form["opening_time"].value() == "03:30"
    page = response.content.decode()
    assert "because the clocks change" in page
    assert 'value="03:30"' in page
    assert not Group.objects.exists()
    assert not Meeting.objects.exists()


def test_a_time_that_happens_twice_means_the_first_one(db: None) -> None:
    from datetime import UTC, time

    from django.core.exceptions import ValidationError

    from booster.groups.services import opening_starts_at

    # On 31 October 2027 Helsinki goes back from 04:00 to 03:00: 03:30 happens twice.
    twice = opening_starts_at(day=date(2027, 10, 31), at=time(3, 30), time_zone="Europe/Helsinki")
    assert twice.astimezone(UTC) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    with pytest.raises(ValidationError) as caught:
        opening_starts_at(day=date(2027, 3, 28), at=time(3, 30), time_zone="Europe/Helsinki")
    assert "opening_time" in caught.value.message_dict
