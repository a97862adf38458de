"""Sharing a notebook page with or without one's name (the notebook's own share form)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from booster.closing.selectors import closing_records
from booster.meetings.models import Meeting
from booster.notebook.models import SharedSnapshot
from tests.closing.conftest import evaluation
from tests.notebook.helpers import MAP, client_for, consent, write
from tests.personas import World

pytestmark = pytest.mark.django_db


def test_a_page_shared_without_a_name_shows_no_name(world: World) -> None:
    consent(world.member)
    entry = write(world.member, "network_map", MAP)
    client = client_for(world.member.user)
    url = reverse("notebook:share", args=[world.group.pk, entry.pk])
    form = client.get(url).content.decode()
    assert 'name="signed" value="unsigned"' in form
    client.post(url, {"signed": "unsigned"})
    snapshot = SharedSnapshot.objects.get()
    assert snapshot.signed is False
    html = client_for(world.second_member.user).get(
        reverse("notebook:shared", args=[world.group.pk])
    )
    text = html.content.decode()
    assert "Maria Illustrator" in text
    assert "Mika" not in text
    assert "shared without a name" in text


def test_a_page_is_signed_unless_asked(world: World) -> None:
    consent(world.member)
    entry = write(world.member, "network_map", MAP)
    client_for(world.member.user).post(reverse("notebook:share", args=[world.group.pk, entry.pk]))
    assert SharedSnapshot.objects.get().signed is True
    text = client_for(world.second_member.user).get(
        reverse("notebook:shared", args=[world.group.pk])
    )
    assert "Mika" in text.content.decode()


def test_the_whole_evaluation_page_shared_from_the_notebook_is_on_the_look_back(
    world: World, closing_meeting: Meeting
) -> None:
    entry = evaluation(world.member, "Whole-page-good", "", "", "Whole-page-thanks")
    client_for(world.member.user).post(
        reverse("notebook:share", args=[world.group.pk, entry.pk]), {"signed": "signed"}
    )
    records = closing_records(world.group)
    assert records["look_back"][0]["answers"] == [{"text": "Whole-page-good", "name": "Mika"}]
    assert records["gratitude"] == [{"text": "Whole-page-thanks", "name": "Mika"}]
    # Choosing answer by answer afterwards replaces the whole-page copy.
    client_for(world.member.user).post(
        reverse("closing:share", args=[world.group.pk]),
        {"answer-0": "unsigned", "answer-3": ""},
    )
    records = closing_records(world.group)
    assert records["look_back"][0]["answers"] == [{"text": "Whole-page-good", "name": None}]
    assert records["gratitude"] == []
    assert SharedSnapshot.objects.filter(withdrawn_at__isnull=True).count() == 1
