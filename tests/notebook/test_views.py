"""The notebook's pages: consent, the notebook in meeting order, the editors with and
without JavaScript (autosave, conflicts, limits), the pictures, sharing, ideas."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse

from booster.groups.permissions import GroupAccess
from booster.notebook import services
from booster.notebook.models import MapIdea, NotebookConsent, NotebookEntry, SharedSnapshot
from booster.planning.models import ThemePlanVersion
from tests.factories import MeetingFactory
from tests.notebook.helpers import (
    AUTOSAVE,
    MAP,
    SCALES,
    access_of,
    client_for,
    consent,
    slot_of,
    task_url,
    url,
    write,
)
from tests.personas import World


def _no_inline_code(html: str) -> None:
    """What the strict Content-Security-Policy would block."""
    assert not re.search(r"<[^>]+\sstyle=", html), "inline style attribute"
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


# --- consent ------------------------------------------------------------------------------


def test_the_notebook_asks_for_consent_first(world: World) -> None:
    client = client_for(world.member.user)
    response = client.get(url("index", world.member))
    assert response.status_code == 302
    assert response.url == url("consent", world.member)
    for path in (task_url(world.member, "goals"), url("export_json", world.member)):
        assert client.get(path).url == url("consent", world.member)

    page = client.get(url("consent", world.member)).content.decode()
    for words in (
        "What is stored",
        "Who can see it",
        "Only you",
        "How long it is kept",
        "download your whole notebook",
        "withdraw this agreement",
    ):
        assert words in page
    _no_inline_code(page)

    refused = client.post(url("consent", world.member), {})
    assert refused.status_code == 200
    assert "Tick the box to agree" in refused.content.decode()
    assert not NotebookConsent.objects.exists()

    agreed = client.post(url("consent", world.member), {"agree": "on"})
    assert agreed.url == url("index", world.member)
    assert NotebookConsent.objects.get().membership == world.member
    assert client.get(url("index", world.member)).status_code == 200


def test_withdrawing_through_the_pages(world: World, mika: GroupAccess) -> None:
    write(world.member, "network_map", MAP)
    services.note_create(access=mika, title="n")
    client = client_for(world.member.user)
    page = client.get(url("withdraw", world.member)).content.decode()
    assert "has 2 pages" in page
    assert "cannot be brought back" in page
    response = client.post(url("withdraw", world.member))
    assert response.url == reverse("groups:home", kwargs={"group_id": world.group.pk})
    assert not NotebookEntry.objects.exists()
    assert not NotebookConsent.objects.exists()
    assert client.get(url("index", world.member)).url == url("consent", world.member)


# --- the notebook page --------------------------------------------------------------------


def test_the_notebook_follows_the_theme_plan(world: World, mika: GroupAccess) -> None:
    ThemePlanVersion.objects.create(
        group=world.group, number=1, theme_keys=["opening", "networks", "work_ability", "closing"]
    )
    MeetingFactory(group=world.group, number=1, theme_key="opening")
    MeetingFactory(group=world.group, number=2, theme_key="networks")
    MeetingFactory(group=world.group, number=3, theme_key="work_ability", state="cancelled")
    page = client_for(world.member.user).get(url("index", world.member)).content.decode()
    headings = re.findall(r'<h2 id="nb-section-\d+">(.*?)</h2>', page, flags=re.S)
    titles = [re.sub(r"<[^>]+>", "", h).split(".", 1)[1].strip() for h in headings]
    assert titles == [
        "Opening meeting",
        "Networks",
        "Work ability and recovery",
        "Closing meeting",
    ]
    assert "My network map" in page
    assert "Professional identity" not in page  # not in the plan
    assert "What I take with me from meeting 1" in page
    assert "What I take with me from meeting 2" in page
    assert "What I take with me from meeting 3" not in page  # cancelled
    _no_inline_code(page)


def test_without_a_plan_every_theme_of_the_pack_in_order(world: World, mika: GroupAccess) -> None:
    page = client_for(world.member.user).get(url("index", world.member)).content.decode()
    assert page.count('class="nb-section"') == 9 + 2  # themes, free notes, agreement


def test_a_page_whose_task_left_the_plan_is_still_listed(world: World, mika: GroupAccess) -> None:
    write(world.member, "recovery_day", {"answers": ["A quiet forest day", ""], "notes": ""})
    ThemePlanVersion.objects.create(group=world.group, number=1, theme_keys=["opening", "closing"])
    page = client_for(world.member.user).get(url("index", world.member)).content.decode()
    assert "Other pages" in page
    assert "Recovery in everyday life" in page


# --- editing without JavaScript -----------------------------------------------------------


def test_a_plain_form_saves_and_redirects(world: World, mika: GroupAccess) -> None:
    client = client_for(world.member.user)
    path = task_url(world.member, "evaluation")
    page = client.get(path).content.decode()
    assert "What was good?" in page
    assert 'name="version" value="0"' in page
    _no_inline_code(page)
    response = client.post(path, {"version": "0", "answer-0": "Everything", "notes": ""})
    assert response.status_code == 302 and response.url == path
    entry = NotebookEntry.objects.get()
    assert entry.content["answers"][0] == "Everything"
    assert entry.worksheet_kind == "evaluation"
    follow = client.get(path).content.decode()
    assert "Everything" in follow and 'name="version" value="1"' in follow


def test_adding_and_removing_rows_without_javascript(world: World, mika: GroupAccess) -> None:
    client = client_for(world.member.user)
    path = task_url(world.member, "network_map")
    data = {
        "version": "0",
        "items-0-name": "Ann",
        "items-0-kind": "professional",
        "items-0-closeness": "inner",
        "action": "add:items",
    }
    response = client.post(path, data)
    assert response.url == f"{path}?add=items#items-new"
    page = client.get(response.url).content.decode()
    assert 'id="items-new"' in page
    assert re.search(r'name="items-1-name"[^>]*autofocus', page)
    data = {
        "version": "1",
        "items-0-name": "Ann",
        "items-1-name": "Bo",
        "items-2-name": "Cy",
        "action": "remove:items:1",
    }
    client.post(path, data)
    names = [item["name"] for item in NotebookEntry.objects.get().content["items"]]
    assert names == ["Ann", "Cy"]


def test_a_plain_form_with_a_problem_keeps_what_was_typed(world: World, mika: GroupAccess) -> None:
    client = client_for(world.member.user)
    path = task_url(world.member, "resources_demands")
    response = client.post(
        path,
        {
            "version": "0",
            "resources-0-text": "",
            "resources-0-note": "kept note",
            "demands-0-text": "Deadlines",
            "demands-0-weight": "3",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "kept note" in page and "Deadlines" in page
    assert "Write what this is, or clear its note." in page
    assert 'aria-invalid="true"' in page
    assert not NotebookEntry.objects.exists()


def test_too_long_a_page_is_refused_with_a_clear_message(world: World, mika: GroupAccess) -> None:
    client = client_for(world.member.user)
    path = task_url(world.member, "recovery_day")
    response = client.post(path, {"version": "0", "answer-0": "x" * 20_001})
    assert response.status_code == 400
    assert "too long to save" in response.content.decode()
    auto = client.post(path, {"version": "0", "answer-0": "x" * 20_001}, **AUTOSAVE)
    assert auto.status_code == 400
    assert "too long to save" in auto.json()["message"]
    assert not NotebookEntry.objects.exists()


def test_a_stale_plain_form_shows_both_versions(world: World, mika: GroupAccess) -> None:
    write(world.member, "goals", {"goals": ["From the phone", "", ""], "notes": ""})
    client = client_for(world.member.user)
    path = task_url(world.member, "goals")
    response = client.post(path, {"version": "0", "goal-0": "From the laptop"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "changed on another device" in page
    assert "From the phone" in page  # the newer version, to read
    assert "From the laptop" in page  # what was typed, kept in the form
    assert 'name="version" value="1"' in page  # saving again keeps mine, knowingly
    assert NotebookEntry.objects.get().content["goals"][0] == "From the phone"
    client.post(path, {"version": "1", "goal-0": "From the laptop"})
    assert NotebookEntry.objects.get().content["goals"][0] == "From the laptop"


# --- autosave -----------------------------------------------------------------------------


def test_autosave_answers_with_the_new_version_and_the_redrawn_scales(
    world: World, mika: GroupAccess
) -> None:
    client = client_for(world.member.user)
    path = task_url(world.member, "resources_demands")
    response = client.post(
        path,
        {
            "version": "0",
            "resources-0-text": "Choir",
            "resources-0-weight": "2",
            "demands-0-text": "Deadlines",
            "demands-0-weight": "5",
        },
        **AUTOSAVE,
    )
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] is True and data["version"] == 1
    assert 'data-tilt="demands"' in data["picture"]
    assert 'transform="rotate(9.0 200.0 70.0)"' in data["picture"]
    _no_inline_code(data["picture"])
    response = client.post(
        path,
        {
            "version": "1",
            "resources-0-text": "Choir",
            "resources-0-weight": "5",
            "demands-0-text": "Deadlines",
            "demands-0-weight": "1",
        },
        **AUTOSAVE,
    )
    assert 'data-tilt="resources"' in response.json()["picture"]
    assert "rotate(-12.0" in response.json()["picture"]


def test_autosave_of_a_stale_version_is_409_with_the_newer_content(
    world: World, mika: GroupAccess
) -> None:
    write(world.member, "recovery_day", {"answers": ["Phone text", ""], "notes": ""})
    client = client_for(world.member.user)
    response = client.post(
        task_url(world.member, "recovery_day"), {"version": "0", "answer-0": "Laptop"}, **AUTOSAVE
    )
    assert response.status_code == 409
    data = response.json()
    assert data["conflict"] is True and data["version"] == 1
    assert "Phone text" in data["newer_html"]
    assert NotebookEntry.objects.get().content["answers"][0] == "Phone text"


def test_autosave_problems_name_the_fields_the_browser_sent(
    world: World, mika: GroupAccess
) -> None:
    client = client_for(world.member.user)
    response = client.post(
        task_url(world.member, "network_map"),
        {
            "version": "0",
            "items-4-name": "",
            "items-4-note": "who?",
            "items-9-name": "Ok",
            "items-9-kind": "bad",
        },
        **AUTOSAVE,
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"items-4-name", "items-9-kind"}


def test_the_self_presentation_card_is_redrawn_after_autosave(
    world: World, mika: GroupAccess
) -> None:
    response = client_for(world.member.user).post(
        task_url(world.member, "self_presentation"),
        {"version": "0", "what": "I illustrate books", "for_whom": "Publishers", "why": "Joy"},
        **AUTOSAVE,
    )
    assert "I illustrate books" in response.json()["preview"]


# --- pictures -----------------------------------------------------------------------------


def test_the_network_map_is_drawn_and_downloadable(world: World, mika: GroupAccess) -> None:
    entry = write(world.member, "network_map", MAP)
    client = client_for(world.member.user)
    page = client.get(task_url(world.member, "network_map")).content.decode()
    assert 'data-nodes="3"' in page
    assert "Maria Illustrator" in page
    assert page.count('class="nb-map__dot"') == 3
    assert "stroke-dasharray" in page  # the ring of those I want to reach
    assert "2 in the inner circle, 0 in the outer circle, 1 I want to reach" in page
    _no_inline_code(page)

    response = client.get(url("picture", world.member, entry_id=entry.pk))
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="network-map.svg"'
    body = response.content.decode()
    assert body.startswith('<?xml version="1.0"')
    assert 'xmlns="http://www.w3.org/2000/svg"' in body
    assert "Maria Illustrator" in body

    goals = write(world.member, "goals", {"goals": ["x", "", ""], "notes": ""})
    assert client.get(url("picture", world.member, entry_id=goals.pk)).status_code == 404


def test_pictures_use_dots_for_decimals_in_every_language(world: World, mika: GroupAccess) -> None:
    write(world.member, "resources_demands", SCALES)
    for language in ("sv", "fi"):
        path = task_url(world.member, "resources_demands").replace("/en/", f"/{language}/")
        page = client_for(world.member.user).get(path).content.decode()
        assert re.search(r'transform="rotate\(-?\d+\.\d \d+\.\d \d+\.\d\)"', page)
        assert not re.search(r'(x|y|cx|cy|x1|y1|x2|y2)="-?\d+,\d', page)


def test_the_evaluation_shows_the_opening_expectations(world: World, mika: GroupAccess) -> None:
    client = client_for(world.member.user)
    page = client.get(task_url(world.member, "evaluation")).content.decode()
    assert "What I expected at the opening meeting" in page
    assert "You wrote nothing about your expectations" in page
    write(world.member, "expectations", {"answers": ["Courage to raise my prices"], "notes": ""})
    page = client.get(task_url(world.member, "evaluation")).content.decode()
    assert "Courage to raise my prices" in page
    assert page.index("Courage to raise my prices") < page.index("data-notebook-editor")


def test_a_takeaway_answers_the_closing_rounds_questions(world: World, mika: GroupAccess) -> None:
    meeting = MeetingFactory(group=world.group, number=1)
    client = client_for(world.member.user)
    path = url("takeaway", world.member, meeting_id=meeting.pk)
    page = client.get(path).content.decode()
    assert "Meeting 1" in page
    assert 'name="answer-0"' in page
    client.post(path, {"version": "0", "answer-0": "Rest is work too"})
    entry = NotebookEntry.objects.get()
    assert entry.kind == "takeaway" and entry.meeting == meeting


def test_free_notes_through_the_pages(world: World, mika: GroupAccess) -> None:
    client = client_for(world.member.user)
    response = client.post(url("note_new", world.member), {"title": "Books to read"})
    entry = NotebookEntry.objects.get()
    assert response.url == url("note", world.member, entry_id=entry.pk)
    client.post(response.url, {"version": "1", "title": "Books to read", "text": "Edmondson"})
    assert NotebookEntry.objects.get().content == {"title": "Books to read", "text": "Edmondson"}
    assert "Books to read" in client.get(url("index", world.member)).content.decode()
    too_long = client.post(url("note_new", world.member), {"title": "x" * 121})
    assert too_long.status_code == 302 and NotebookEntry.objects.count() == 1
    client.post(url("note_delete", world.member, entry_id=entry.pk))
    assert not NotebookEntry.objects.exists()


# --- sharing and ideas --------------------------------------------------------------------


def test_share_a_map_and_receive_an_idea(world: World, mika: GroupAccess) -> None:
    entry = write(world.member, "network_map", MAP)
    owner = client_for(world.member.user)
    preview = owner.get(url("share", world.member, entry_id=entry.pk)).content.decode()
    assert "What the group will see" in preview and "Maria Illustrator" in preview
    assert owner.post(url("share", world.member, entry_id=entry.pk)).url == url(
        "shared", world.member
    )
    snapshot = SharedSnapshot.objects.get()

    sanna = client_for(world.second_member.user)
    shared = sanna.get(url("shared", world.member)).content.decode()
    assert "Network map: Mika" in shared
    assert f'action="{url("idea_add", world.member, snapshot_id=snapshot.pk)}"' in shared
    _no_inline_code(shared)
    sanna.post(url("idea_add", world.member, snapshot_id=snapshot.pk), {"text": "🎭 theatre fair"})
    assert MapIdea.objects.get().text == "🎭 theatre fair"
    too_long = sanna.post(
        url("idea_add", world.member, snapshot_id=snapshot.pk), {"text": "x" * 141}
    )
    assert too_long.status_code == 302 and MapIdea.objects.count() == 1

    # The owner sees it on the shared page (without a form for their own map) and on the page.
    own = owner.get(url("shared", world.member)).content.decode()
    assert "🎭 theatre fair" in own
    assert f'action="{url("idea_add", world.member, snapshot_id=snapshot.pk)}"' not in own
    editor = owner.get(task_url(world.member, "network_map")).content.decode()
    assert "Ideas the group left for you" in editor and "🎭 theatre fair" in editor

    # The guide reads everything that is shared.
    assert (
        "🎭 theatre fair"
        in client_for(world.guide.user).get(url("shared", world.member)).content.decode()
    )

    owner.post(url("snapshot_withdraw", world.member, snapshot_id=snapshot.pk))
    after = sanna.get(url("shared", world.member)).content.decode()
    assert "Maria Illustrator" not in after and "theatre fair" not in after


def test_competence_side_by_side(world: World, mika: GroupAccess) -> None:
    for membership, text in ((world.member, "Drawing"), (world.second_member, "Budgeting")):
        access = consent(membership)
        entry = write(
            membership,
            "competence",
            {
                "have": [{"text": text, "share": True}, {"text": f"secret {text}", "share": False}],
                "need": [],
                "notes": "private notes",
            },
        )
        services.snapshot_create(access=access, entry=entry, slot=slot_of(membership, "competence"))
    page = client_for(world.convener.user).get(url("shared", world.member)).content.decode()
    section = page[page.index("Our competence, side by side") :]
    assert section.count('class="card nb-shared-card"') == 2
    assert "Drawing" in section and "Budgeting" in section
    assert "secret" not in page and "private notes" not in page


def test_an_empty_competence_page_explains_what_to_tick(world: World, mika: GroupAccess) -> None:
    entry = write(
        world.member,
        "competence",
        {"have": [{"text": "A", "share": False}], "need": [], "notes": ""},
    )
    client = client_for(world.member.user)
    preview = client.get(url("share", world.member, entry_id=entry.pk)).content.decode()
    assert "tick" in preview
    response = client.post(url("share", world.member, entry_id=entry.pk))
    assert response.url == task_url(world.member, "competence")
    assert not SharedSnapshot.objects.exists()


# --- the JavaScript module ----------------------------------------------------------------


def test_the_editor_loads_the_module_and_keeps_nothing_in_browser_storage(
    world: World, mika: GroupAccess
) -> None:
    page = client_for(world.member.user).get(task_url(world.member, "goals")).content.decode()
    assert '<script type="module" src="/static/js/notebook.js">' in page
    assert 'name="csrfmiddlewaretoken"' in page  # the token the module sends
    source = (Path(settings.SRC_DIR) / "static" / "js" / "notebook.js").read_text()
    assert "localStorage" not in source
    assert "sessionStorage" not in source
    assert "indexedDB" not in source
    assert "X-CSRFToken" in source and "X-Notebook-Autosave" in source


def test_json_export_is_valid_json(world: World, mika: GroupAccess) -> None:
    write(world.member, "goals", {"goals": ["a", "", ""], "notes": ""})
    response = client_for(world.member.user).get(url("export_json", world.member))
    assert json.loads(response.content)["format"] == "booster-notebook"


def test_an_unknown_task_is_not_found(world: World, mika: GroupAccess) -> None:
    client = client_for(world.member.user)
    for theme_key, task_key in (("networks", "nope"), ("nope", "map_task")):
        path = reverse(
            "notebook:task",
            kwargs={"group_id": world.group.pk, "theme_key": theme_key, "task_key": task_key},
        )
        assert client.get(path).status_code == 404


def test_the_group_home_section(world: World, django_assert_max_num_queries: Any) -> None:
    from django.template.loader import render_to_string

    from booster.notebook.selectors import home_section

    access = access_of(world.member)
    with django_assert_max_num_queries(2):
        section = home_section(access=access)
    assert section["has_consent"] is False and section["shared_count"] == 0
    html = render_to_string("notebook/_home_section.html", {"section": section})
    assert "Start my notebook" in html and url("index", world.member) in html
    consent(world.member)
    entry = write(world.member, "network_map", MAP)
    services.snapshot_create(access=access, entry=entry, slot=slot_of(world.member, "network_map"))
    section = home_section(access=access)
    assert section["has_consent"] is True and section["shared_count"] == 1
    assert "Shared in the group (1 page)" in render_to_string(
        "notebook/_home_section.html", {"section": section}
    )
