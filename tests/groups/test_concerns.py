"""Concerns: raised privately, read only by their writer and the stewards, never logged."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from booster.core.models import AuditEntry
from booster.groups import services
from booster.groups.models import Concern
from tests.personas import World

TEXT = "Someone repeated outside the group what I told in confidence."


def _url(name: str, world: World, **kwargs: Any) -> str:
    return reverse(name, kwargs={"group_id": world.group.pk, **kwargs})


@pytest.mark.parametrize(
    ("language", "phrase"),
    [("en", "raised a concern"), ("sv", "bekymmer"), ("fi", "huoli")],
)
def test_a_member_raises_a_concern_and_each_steward_is_told_in_their_language(
    client: Client, world: World, language: str, phrase: str
) -> None:
    convener = world.convener.user
    convener.language = language
    convener.save()
    client.force_login(world.member.user)
    response = client.post(_url("groups:concern_new", world), {"text": TEXT})
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.author == world.member
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.convener.user.email, world.guide.user.email]
    )
    to_convener = next(m for m in mail.outbox if m.to == [convener.email])
    assert phrase in (to_convener.subject + to_convener.body).lower()
    assert f"/{language}/groups/{world.group.pk}/concerns/" in to_convener.body
    # The text stays in Booster: not in the e-mails, not in the audit log.
    assert all(TEXT not in m.body for m in mail.outbox)
    assert all(TEXT not in str(entry.data) for entry in AuditEntry.objects.all())


def test_only_the_writer_and_the_stewards_read_it(client: Client, world: World) -> None:
    services.concern_create(membership=world.member, text=TEXT)
    for persona, sees in (
        ("member", True),
        ("second_member", False),
        ("convener", True),
        ("guide", True),
    ):
        client.force_login(world.user(persona))
        page = client.get(_url("groups:concerns", world))
        assert page.status_code == 200
        assert (TEXT in page.content.decode()) is sees, persona


def test_a_steward_acknowledges_it(client: Client, world: World) -> None:
    concern = services.concern_create(membership=world.member, text=TEXT)
    client.force_login(world.guide.user)
    url = _url("groups:concern_acknowledge", world, concern_id=concern.pk)
    assert client.post(url).status_code == 302
    concern.refresh_from_db()
    assert concern.acknowledged_by == world.guide
    assert concern.acknowledged_at is not None
    entry = AuditEntry.objects.get(action="groups.concern_acknowledged")
    assert entry.data == {"concern_id": concern.pk}
    client.force_login(world.member.user)
    assert "Acknowledged by Gunilla" in client.get(_url("groups:concerns", world)).content.decode()


def test_a_concern_of_another_group_cannot_be_acknowledged_here(
    client: Client, world: World
) -> None:
    other = services.concern_create(membership=world.other_member, text=TEXT)
    client.force_login(world.convener.user)
    url = _url("groups:concern_acknowledge", world, concern_id=other.pk)
    assert client.post(url).status_code == 404
    assert client.get(_url("groups:concerns", world)).context["concerns"] == []


def test_an_empty_concern_is_explained(client: Client, world: World) -> None:
    client.force_login(world.member.user)
    response = client.post(_url("groups:concern_new", world), {"text": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["text"]
    assert not Concern.objects.exists()


def test_the_concerns_page_does_not_grow_in_queries(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    services.concern_create(membership=world.member, text=TEXT)
    client.force_login(world.convener.user)
    with django_assert_max_num_queries(6) as few:
        client.get(_url("groups:concerns", world))
    for number in range(5):
        # Different words each time: the same words again moments later are one concern.
        concern = services.concern_create(membership=world.second_member, text=f"{TEXT} {number}")
        services.concern_acknowledge(steward=world.guide, concern=concern)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url("groups:concerns", world))
    assert len(response.context["concerns"]) == 6


def test_at_most_ten_concerns_an_hour_and_the_text_is_kept(client: Client, world: World) -> None:
    for number in range(services.CONCERNS_PER_HOUR):
        services.concern_create(membership=world.member, text=f"{TEXT} ({number})")
    mail.outbox.clear()
    client.force_login(world.member.user)
    response = client.post(_url("groups:concern_new", world), {"text": "One more worry."})
    assert response.status_code == 200
    form = response.context["form"]
    assert "at most 10 concerns an hour" in " ".join(form.errors["text"])
    assert form["text"].value() == "One more worry."
    assert "at most 10 concerns an hour" in response.content.decode()
    assert Concern.objects.count() == services.CONCERNS_PER_HOUR
    assert mail.outbox == []
    # Another person, and the same person in another group, have their own allowance.
    services.concern_create(membership=world.second_member, text=TEXT)
    services.concern_create(membership=world.other_member, text=TEXT)
