"""Nothing of a notebook reaches the admin site, and the demo fills a notebook to look at."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.sites import site

from booster.notebook.demo import notebook_demo_create
from booster.notebook.models import (
    MapIdea,
    NotebookConsent,
    NotebookEntry,
    SharedSnapshot,
)
from tests.notebook.helpers import client_for, raw_rows, task_url, url
from tests.personas import World


def test_no_notebook_model_is_in_the_admin() -> None:
    for model in (NotebookConsent, NotebookEntry, SharedSnapshot, MapIdea):
        assert not site.is_registered(model)
    assert all(model._meta.app_label != "notebook" for model in admin.site._registry)


def test_the_demo_fills_scales_and_a_shared_network_map(world: World) -> None:
    entries = notebook_demo_create(world.member)
    kinds = {entry.worksheet_kind for entry in entries}
    assert kinds == {"resources_demands", "network_map", "competence"}
    assert NotebookConsent.objects.get().membership == world.member
    assert SharedSnapshot.objects.filter(worksheet_kind="network_map").count() == 1
    assert notebook_demo_create(world.member) == []  # only once
    client = client_for(world.member.user)
    page = client.get(task_url(world.member, "resources_demands")).content.decode()
    assert 'data-tilt="resources"' in page
    shared = client_for(world.second_member.user).get(url("shared", world.member)).content.decode()
    assert "Maria, fellow illustrator" in shared
    for value in raw_rows("notebook_notebookentry", "content"):
        assert "Maria" not in value


def test_the_demo_speaks_the_groups_language(world: World) -> None:
    world.group.language = "fi"
    world.group.save(update_fields=["language"])
    world.member.group.refresh_from_db()
    notebook_demo_create(world.member)
    assert "Siskoni" in str(NotebookEntry.objects.get(worksheet_kind="network_map").content)
