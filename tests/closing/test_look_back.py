"""The look back and gratitude wall: who sees it, signed and unsigned answers, withdrawal,
a closed group, a member who leaves or deletes their account, and fixed query counts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from booster.closing.selectors import closing_records, closing_started
from booster.groups.models import Membership
from booster.groups.services import membership_leave
from booster.meetings.models import Meeting
from booster.notebook.models import SharedSnapshot
from tests.closing.conftest import close_group, evaluation, share
from tests.factories import MembershipFactory
from tests.notebook.helpers import client_for
from tests.personas import World

pytestmark = pytest.mark.django_db


def look_back_url(world: World) -> str:
    return reverse("closing:look_back", kwargs={"group_id": world.group.pk})


def page(user: object, url: str) -> str:
    response = client_for(user).get(url)  # type: ignore[arg-type]
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("other_member", 404),
        ("member", 200),
        ("convener", 200),
        ("guide", 200),
    ],
)
def test_who_opens_the_look_back(
    world: World, closing_meeting: Meeting, persona: str, status: int
) -> None:
    response = client_for(world.user(persona)).get(look_back_url(world))
    assert response.status_code == status
    if status == 302:
        assert "/login/" in response["Location"]


def test_the_facilitator_opens_the_look_back(world: World, facilitator: Membership) -> None:
    assert "Looking back together" in page(facilitator.user, look_back_url(world))


def test_a_coordinator_of_the_groups_organisation_gets_404(
    world: World, closing_meeting: Meeting
) -> None:
    from booster.organisations.models import Coordinator, Organisation
    from tests.factories import UserFactory

    organisation = Organisation.objects.create(name="Union", slug="union")
    world.group.organisation = organisation
    world.group.save(update_fields=["organisation"])
    coordinator = UserFactory(display_name="Coordinator")
    Coordinator.objects.create(organisation=organisation, user=coordinator)
    assert client_for(coordinator).get(look_back_url(world)).status_code == 404


def test_signed_and_unsigned_answers(world: World, closing_meeting: Meeting) -> None:
    entry = evaluation(
        world.member,
        "Signed-good-words",
        "Unsigned-challenge-words",
        "",
        "Thanks-to-peers-unsigned",
    )
    assert share(world.member, entry, {0: "signed", 1: "unsigned", 3: "unsigned"}) == 3
    html = page(world.second_member.user, look_back_url(world))
    assert "Signed-good-words" in html
    assert "Unsigned-challenge-words" in html
    assert "Thanks-to-peers-unsigned" in html
    assert html.count("Mika") == 1  # the signed answer only
    assert "shared without a name" in html
    # Each answer sits under its own question; the message to peers on the gratitude wall.
    wall = html.split('id="gratitude"', 1)[1]
    assert "Thanks-to-peers-unsigned" in wall
    assert "Signed-good-words" not in wall
    records = closing_records(world.group)
    assert [section["question"] for section in records["look_back"]] == [
        "What was good?",
        "What was challenging?",
        "What will you take with you from the whole process?",
    ]
    assert records["look_back"][0]["answers"] == [{"text": "Signed-good-words", "name": "Mika"}]
    assert records["look_back"][1]["answers"] == [
        {"text": "Unsigned-challenge-words", "name": None}
    ]
    assert records["look_back"][2]["answers"] == []
    assert records["gratitude"] == [{"text": "Thanks-to-peers-unsigned", "name": None}]


def test_an_only_unsigned_answer_never_carries_the_name(
    world: World, closing_meeting: Meeting
) -> None:
    entry = evaluation(world.member, "Only-unsigned-words")
    share(world.member, entry, {0: "unsigned"})
    snapshot = SharedSnapshot.objects.get(withdrawn_at__isnull=True)
    for persona in ("second_member", "convener", "guide"):
        html = page(world.user(persona), look_back_url(world))
        assert "Only-unsigned-words" in html
        assert "Mika" not in html
        # Nothing that could be matched with the notebook's pages either.
        assert f'value="{snapshot.pk}"' not in html
    # The owner sees it as theirs, and can withdraw it.
    own = page(world.member.user, look_back_url(world))
    assert "Withdraw this answer" in own
    # The notebook's shared page leaves evaluation answers to the look back.
    shared = page(world.second_member.user, reverse("notebook:shared", args=[world.group.pk]))
    assert "Only-unsigned-words" not in shared


def test_the_order_of_answers_follows_the_text_not_the_time(
    world: World, closing_meeting: Meeting
) -> None:
    share(world.member, evaluation(world.member, "Zebra-first-shared"), {0: "unsigned"})
    share(world.second_member, evaluation(world.second_member, "Apple-later-shared"), {0: "signed"})
    html = page(world.guide.user, look_back_url(world))
    assert html.index("Apple-later-shared") < html.index("Zebra-first-shared")


def test_withdrawing_an_answer(world: World, closing_meeting: Meeting) -> None:
    entry = evaluation(world.member, "Keep-this", "Withdraw-this")
    share(world.member, entry, {0: "signed", 1: "unsigned"})
    snapshot = next(
        s
        for s in SharedSnapshot.objects.filter(withdrawn_at__isnull=True)
        if "Withdraw-this" in s.content["answers"]
    )
    url = reverse("closing:withdraw", args=[world.group.pk])
    # Someone else cannot withdraw it.
    other = client_for(world.second_member.user).post(url, {"snapshot": snapshot.pk}, follow=True)
    assert "not among the ones you share now" in other.content.decode()
    snapshot.refresh_from_db()
    assert snapshot.withdrawn_at is None
    response = client_for(world.member.user).post(url, {"snapshot": snapshot.pk})
    assert response.status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.withdrawn_at is not None
    assert snapshot.content == {}
    html = page(world.guide.user, look_back_url(world))
    assert "Withdraw-this" not in html
    assert "Keep-this" in html
    # Garbage is answered plainly, not with an error.
    assert client_for(world.member.user).post(url, {"snapshot": "x"}).status_code == 302


def test_sharing_through_the_page(world: World, closing_meeting: Meeting) -> None:
    evaluation(world.member, "Good-via-form", "Hard-via-form", "Take-via-form", "Peers-via-form")
    client = client_for(world.member.user)
    url = reverse("closing:share", args=[world.group.pk])
    form = client.get(url).content.decode()
    assert "Good-via-form" in form
    assert 'type="radio"' in form
    response = client.post(
        url, {"answer-0": "signed", "answer-1": "", "answer-2": "unsigned", "answer-3": "signed"}
    )
    assert response.status_code == 302
    assert response["Location"] == look_back_url(world)
    html = page(world.guide.user, look_back_url(world))
    assert "Good-via-form" in html
    assert "Hard-via-form" not in html
    assert "Take-via-form" in html
    # The form shows the current choices when opened again; changing them replaces the shares.
    again = client.get(url).content.decode()
    assert 'value="unsigned" id="id_answer-2_2" checked' in again.replace("\n", "")
    client.post(url, {"answer-0": "", "answer-1": "", "answer-2": "", "answer-3": ""})
    html = page(world.guide.user, look_back_url(world))
    assert "Good-via-form" not in html
    assert "Peers-via-form" not in html


def test_a_bad_share_choice_saves_nothing(world: World, closing_meeting: Meeting) -> None:
    evaluation(world.member, "Good-bad-choice")
    client = client_for(world.member.user)
    response = client.post(reverse("closing:share", args=[world.group.pk]), {"answer-0": "loud"})
    assert response.status_code == 200
    assert "Choose: not shared, with my name, or without my name." in response.content.decode()
    assert not SharedSnapshot.objects.exists()


def test_without_an_evaluation_the_share_page_sends_to_the_notebook(
    world: World, closing_meeting: Meeting
) -> None:
    client = client_for(world.member.user)
    html = client.get(reverse("closing:share", args=[world.group.pk])).content.decode()
    assert "You have not written your evaluation yet" in html
    response = client.post(reverse("closing:share", args=[world.group.pk]), {"answer-0": "signed"})
    assert response.status_code == 302
    assert not SharedSnapshot.objects.exists()


def test_a_closed_group_is_read_only(world: World, closing_meeting: Meeting) -> None:
    entry = evaluation(world.member, "Shared-before-closing")
    share(world.member, entry, {0: "unsigned"})
    close_group(world.group)
    html = page(world.guide.user, look_back_url(world))
    assert "Shared-before-closing" in html
    assert "This group is closed" in html
    client = client_for(world.member.user)
    response = client.post(reverse("closing:share", args=[world.group.pk]), {"answer-0": "signed"})
    assert response.status_code == 302
    snapshot = SharedSnapshot.objects.get()
    assert snapshot.withdrawn_at is None
    assert snapshot.signed is False  # unchanged
    # What is mine stays withdrawable.
    client.post(reverse("closing:withdraw", args=[world.group.pk]), {"snapshot": snapshot.pk})
    snapshot.refresh_from_db()
    assert snapshot.withdrawn_at is not None


def test_a_member_who_leaves_or_deletes_their_account_disappears(
    world: World, closing_meeting: Meeting
) -> None:
    share(world.member, evaluation(world.member, "Words-of-leaver"), {0: "signed"})
    share(world.second_member, evaluation(world.second_member, "Words-of-deleted"), {3: "unsigned"})
    membership_leave(membership=world.member)
    world.second_member.user.delete()
    html = page(world.guide.user, look_back_url(world))
    assert "Words-of-leaver" not in html
    assert "Words-of-deleted" not in html
    assert closing_records(world.group) == {
        "look_back": closing_records(world.group)["look_back"],
        "gratitude": [],
    }
    assert all(not section["answers"] for section in closing_records(world.group)["look_back"])


def test_the_look_back_link_appears_on_the_home_once_the_closing_meeting_began(
    world: World,
) -> None:
    home = reverse("groups:home", args=[world.group.pk])
    assert "Open the look back" not in page(world.member.user, home)
    meeting = Meeting.objects.create(
        group=world.group,
        number=6,
        theme_key="closing",
        form=world.group.form,
        starts_at=None,
    )
    assert not closing_started(group=world.group)
    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.HELD)
    assert closing_started(group=world.group)
    html = page(world.member.user, home)
    assert "Open the look back" in html
    assert reverse("closing:feedback", args=[world.group.pk]) in html


def test_a_closed_group_shows_the_link_without_a_closing_meeting(world: World) -> None:
    close_group(world.group)
    assert closing_started(group=world.group)
    html = page(world.guide.user, reverse("groups:home", args=[world.group.pk]))
    assert "Open the look back" in html
    # Guides are not offered the feedback.
    assert reverse("closing:feedback", args=[world.group.pk]) not in html


def _fill(world: World, count: int) -> None:
    for index in range(count):
        membership = MembershipFactory(group=world.group, user__display_name=f"Person {index}")
        entry = evaluation(membership, f"good {index}", f"hard {index}", "", f"thanks {index}")
        share(membership, entry, {0: "signed", 1: "unsigned", 3: "unsigned"})


@pytest.mark.parametrize("count", [2, 6])
def test_the_look_back_runs_a_fixed_number_of_queries(
    world: World, closing_meeting: Meeting, count: int, django_assert_max_num_queries: object
) -> None:
    _fill(world, count)
    client: Client = client_for(world.guide.user)
    client.get(look_back_url(world))  # warm the pack cache
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        response = client.get(look_back_url(world))
    assert response.content.decode().count("closing-card__text") == 3 * count
