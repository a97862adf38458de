"""Leaving or being removed deletes the member's private notebook, as its consent page says."""

from __future__ import annotations

import pytest

from booster.groups import services
from booster.groups.permissions import group_access
from booster.notebook.models import NotebookConsent, NotebookEntry
from booster.notebook.services import consent_give, note_create
from tests.personas import World


def _write_a_note(world: World, persona: str) -> None:
    access = group_access(user=world.user(persona), group_id=world.group.pk)
    consent_give(access=access)
    note_create(access=access, title="Private")


@pytest.mark.parametrize("how", ["leave", "remove"])
def test_the_notebook_goes_with_the_membership(world: World, how: str) -> None:
    _write_a_note(world, "member")
    _write_a_note(world, "second_member")
    if how == "leave":
        services.membership_leave(membership=world.member)
    else:
        services.membership_remove(
            actor=world.convener.user, membership=world.member, reason="asked to"
        )
    assert not NotebookEntry.objects.filter(membership=world.member).exists()
    assert not NotebookConsent.objects.filter(membership=world.member).exists()
    # Nobody else's notebook is touched.
    assert NotebookEntry.objects.filter(membership=world.second_member).count() == 1


def test_ideas_left_on_others_maps_go_when_their_author_leaves(world: World) -> None:
    from booster.notebook.models import MapIdea, SharedSnapshot

    owner = group_access(user=world.user("second_member"), group_id=world.group.pk)
    consent_give(access=owner)
    snapshot = SharedSnapshot.objects.create(
        membership=world.second_member,
        entry_kind="task",
        theme_key="networks",
        task_key="map_task",
        worksheet_kind="network_map",
        content={"people": []},
    )
    MapIdea.objects.create(snapshot=snapshot, author=world.member, text="A lighthouse")
    services.membership_leave(membership=world.member)
    assert not MapIdea.objects.filter(author=world.member).exists()
    assert SharedSnapshot.objects.filter(pk=snapshot.pk).exists()
