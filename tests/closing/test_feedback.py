"""The anonymous programme feedback: who answers, storage without a link to the person, one
answer per person, skipping, bad input, and the lines only the stewards read."""

from __future__ import annotations

import pytest
from django.db import models
from django.urls import reverse

from booster.feedback.models import FeedbackReceipt, FeedbackResponse
from booster.groups.models import Membership
from booster.meetings.models import Meeting
from tests.closing.conftest import close_group
from tests.factories import MembershipFactory
from tests.notebook.helpers import client_for
from tests.personas import World

pytestmark = pytest.mark.django_db

FULL = {
    "information": "4",
    "hope": "5",
    "growth": "3",
    "not_alone": "5",
    "safe": "4",
    "recommend": "yes",
    "comment": "A-line-for-the-stewards",
}


def feedback_url(world: World) -> str:
    return reverse("closing:feedback", args=[world.group.pk])


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
def test_who_opens_the_feedback(
    world: World, closing_meeting: Meeting, persona: str, status: int
) -> None:
    assert client_for(world.user(persona)).get(feedback_url(world)).status_code == status


def test_the_form_says_it_is_anonymous_optional_and_not_a_health_measure(
    world: World, closing_meeting: Meeting
) -> None:
    html = client_for(world.member.user).get(feedback_url(world)).content.decode()
    assert "It is anonymous" in html
    assert "Every question is optional" in html
    assert "It is not a health measure" in html
    assert "The organisation never sees it." in html
    assert html.count('type="radio"') == 5 * 5 + 3
    assert "<fieldset" in html
    assert "Skip the feedback" in html


def test_an_answer_is_stored_without_a_link_to_the_person(
    world: World, closing_meeting: Meeting
) -> None:
    response = client_for(world.member.user).post(feedback_url(world), FULL)
    assert response.status_code == 302
    answer = FeedbackResponse.objects.get()
    assert (answer.information, answer.hope, answer.growth) == (4, 5, 3)
    assert (answer.not_alone, answer.safe, answer.recommend) == (5, 4, "yes")
    assert answer.comment == "A-line-for-the-stewards"
    assert answer.group_id == world.group.pk
    receipt = FeedbackReceipt.objects.get()
    assert (receipt.user_id, receipt.group_id, receipt.skipped) == (
        world.member.user_id,
        world.group.pk,
        False,
    )
    # No field of the answer points at a person or a membership.
    targets = {
        field.related_model
        for field in FeedbackResponse._meta.get_fields()
        if isinstance(field, models.ForeignKey)
    }
    from booster.accounts.models import User

    assert User not in targets
    assert Membership not in targets
    thanks = client_for(world.member.user).get(feedback_url(world)).content.decode()
    assert "Thank you" in thanks


def test_a_second_answer_is_refused_and_stores_nothing(
    world: World, closing_meeting: Meeting
) -> None:
    client = client_for(world.member.user)
    client.post(feedback_url(world), FULL)
    response = client.post(feedback_url(world), {**FULL, "comment": "second"}, follow=True)
    assert "already answered" in response.content.decode()
    assert FeedbackResponse.objects.count() == 1
    assert FeedbackReceipt.objects.count() == 1


def test_every_question_is_optional(world: World, closing_meeting: Meeting) -> None:
    client_for(world.member.user).post(feedback_url(world), {})
    answer = FeedbackResponse.objects.get()
    assert answer.information is None
    assert answer.recommend == ""
    assert answer.comment == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hope", "7", "Choose one of the five answers"),
        ("safe", "zero", "Choose one of the five answers"),
        ("recommend", "perhaps", "Choose yes, maybe or no."),
        ("comment", "x" * 501, "at most 500 characters"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    world: World, closing_meeting: Meeting, field: str, value: str, message: str
) -> None:
    response = client_for(world.member.user).post(feedback_url(world), {**FULL, field: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html
    assert not FeedbackResponse.objects.exists()
    assert not FeedbackReceipt.objects.exists()


def test_skipping(world: World, closing_meeting: Meeting) -> None:
    client = client_for(world.member.user)
    response = client.post(reverse("closing:feedback_skip", args=[world.group.pk]))
    assert response.status_code == 302
    receipt = FeedbackReceipt.objects.get()
    assert receipt.skipped
    assert not FeedbackResponse.objects.exists()
    # Not offered again, and an answer after skipping is refused.
    client.post(feedback_url(world), FULL)
    assert not FeedbackResponse.objects.exists()
    look_back = client.get(reverse("closing:look_back", args=[world.group.pk])).content.decode()
    assert "Give feedback or skip it" not in look_back


def test_guides_are_not_asked(world: World, closing_meeting: Meeting) -> None:
    client = client_for(world.guide.user)
    assert "Guides are not asked" in client.get(feedback_url(world)).content.decode()
    assert client.post(feedback_url(world), FULL).status_code == 403
    assert client.post(reverse("closing:feedback_skip", args=[world.group.pk])).status_code == 403
    assert not FeedbackReceipt.objects.exists()


def test_before_the_closing_meeting_nothing_is_taken(world: World) -> None:
    client = client_for(world.member.user)
    assert "opens at the closing meeting" in client.get(feedback_url(world)).content.decode()
    client.post(feedback_url(world), FULL)
    client.post(reverse("closing:feedback_skip", args=[world.group.pk]))
    assert not FeedbackReceipt.objects.exists()
    assert not FeedbackResponse.objects.exists()


def test_a_closed_group_still_takes_feedback(world: World) -> None:
    close_group(world.group)
    client_for(world.member.user).post(feedback_url(world), FULL)
    assert FeedbackResponse.objects.count() == 1


def comments_url(world: World) -> str:
    return reverse("closing:feedback_comments", args=[world.group.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("other_member", 404),
        ("member", 403),
        ("convener", 200),
        ("guide", 200),
    ],
)
def test_only_stewards_read_the_lines(
    world: World, closing_meeting: Meeting, persona: str, status: int
) -> None:
    client_for(world.member.user).post(feedback_url(world), FULL)
    response = client_for(world.user(persona)).get(comments_url(world))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "A-line-for-the-stewards" in html
        assert "anonymous" in html


def test_the_lines_page_without_lines(world: World, closing_meeting: Meeting) -> None:
    client_for(world.member.user).post(feedback_url(world), {**FULL, "comment": ""})
    html = client_for(world.convener.user).get(comments_url(world)).content.decode()
    assert "No lines yet." in html


def test_another_groups_lines_stay_there(world: World, closing_meeting: Meeting) -> None:
    client_for(world.member.user).post(feedback_url(world), FULL)
    other_convener = MembershipFactory(group=world.other_group, is_convener=True)
    html = client_for(other_convener.user).get(
        reverse("closing:feedback_comments", args=[world.other_group.pk])
    )
    assert "A-line-for-the-stewards" not in html.content.decode()


@pytest.mark.parametrize("count", [2, 6])
def test_the_lines_page_runs_a_fixed_number_of_queries(
    world: World, closing_meeting: Meeting, count: int, django_assert_max_num_queries: object
) -> None:
    for index in range(count):
        membership = MembershipFactory(group=world.group)
        client_for(membership.user).post(feedback_url(world), {**FULL, "comment": f"line {index}"})
    client = client_for(world.guide.user)
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        response = client.get(comments_url(world))
    assert response.content.decode().count("closing-card__text") == count
