"""The whole notebook as Markdown, JSON and PDF (pictures included), and the print view."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from booster.groups.permissions import GroupAccess
from booster.notebook import selectors, services
from booster.notebook.models import NotebookEntry
from tests.factories import MeetingFactory
from tests.notebook.helpers import MAP, SCALES, client_for, slot_of, url, write
from tests.personas import World


@pytest.fixture
def full_notebook(world: World, mika: GroupAccess) -> list[str]:
    """A page of every kind; returns a phrase from each."""
    write(world.member, "expectations", {"answers": ["Expect-phrase"], "notes": ""})
    write(world.member, "resources_demands", SCALES)
    write(world.member, "recovery_day", {"answers": ["Forest-phrase", ""], "notes": ""})
    write(
        world.member,
        "competence",
        {
            "have": [{"text": "Have-phrase", "share": True}],
            "need": [{"text": "Need-phrase", "share": False}],
            "notes": "",
        },
    )
    write(
        world.member,
        "self_presentation",
        {"what": "What-phrase", "for_whom": "Whom-phrase", "why": "Why-phrase"},
    )
    write(world.member, "goals", {"goals": ["Goal-phrase", "", ""], "notes": ""})
    write(world.member, "collaboration", {"answers": ["Partner-phrase", "", "", ""], "notes": ""})
    entry = write(world.member, "network_map", MAP)
    write(
        world.member,
        "appreciative_interview",
        {"answers": ["Dream-phrase", "", "", ""], "notes": ""},
    )
    write(world.member, "evaluation", {"answers": ["", "", "", "Thanks-phrase"], "notes": ""})
    write(world.member, "plain", {"answers": ["Time-phrase", "", ""], "notes": "Notes-phrase"})
    meeting = MeetingFactory(group=world.group, number=1)
    services.entry_save(
        access=mika,
        slot=selectors.takeaway_slot(pack=selectors.group_pack(access=mika), meeting=meeting),
        entry=None,
        content={"answers": ["Takeaway-phrase"], "notes": ""},
        version=0,
    )
    note = services.note_create(access=mika, title="Note-title")
    services.entry_save(
        access=mika,
        slot=selectors.free_slot(),
        entry=note,
        content={"title": "Note-title", "text": "Free-phrase"},
        version=1,
    )
    services.snapshot_create(access=mika, entry=entry, slot=slot_of(world.member, "network_map"))
    return [
        "Expect-phrase",
        "Meaningful work",
        "Irregular income",
        "Forest-phrase",
        "Have-phrase",
        "Need-phrase",
        "What-phrase",
        "Whom-phrase",
        "Why-phrase",
        "Goal-phrase",
        "Partner-phrase",
        "Maria Illustrator",
        "Open evenings at the union",
        "Dream-phrase",
        "Thanks-phrase",
        "Time-phrase",
        "Notes-phrase",
        "Takeaway-phrase",
        "Note-title",
        "Free-phrase",
    ]


def test_markdown_contains_every_entry(world: World, full_notebook: list[str]) -> None:
    response = client_for(world.member.user).get(url("export_markdown", world.member))
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="notebook-lantern-group.md"'
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert text.startswith("# My notebook in Lantern group")
    for phrase in full_notebook:
        assert phrase in text, phrase
    assert text.count("\n## ") == NotebookEntry.objects.count() + 1  # + "Shared with the group"
    assert "The scales lean towards demands: demands weigh 7, resources 5." in text
    assert "**Want to reach**" in text
    # In meeting order: the opening before the closing, the free note last.
    assert text.index("Expect-phrase") < text.index("Thanks-phrase") < text.index("Free-phrase")


def test_json_contains_every_entry_with_its_content(world: World, full_notebook: list[str]) -> None:
    response = client_for(world.member.user).get(url("export_json", world.member))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content)
    assert data["format"] == "booster-notebook" and data["format_version"] == 1
    assert data["member"] == "Mika"
    assert data["consent"]["text_version"] == 1
    assert len(data["entries"]) == NotebookEntry.objects.count() == 13
    kinds = {entry["worksheet"] for entry in data["entries"]}
    assert kinds >= {"expectations", "resources_demands", "network_map", "evaluation", None}
    network = next(e for e in data["entries"] if e["worksheet"] == "network_map")
    assert network["content"] == MAP
    dumped = json.dumps(data, ensure_ascii=False)
    for phrase in full_notebook:
        assert phrase in dumped, phrase
    assert data["shared"][0]["worksheet"] == "network_map"


def test_the_pdf_includes_the_pictures(
    world: World, full_notebook: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import weasyprint  # a dependency: a missing or broken install must fail, not skip

    seen: dict[str, Any] = {}
    real_html = weasyprint.HTML

    def recording_html(*args: Any, **kwargs: Any) -> Any:
        seen["html"] = kwargs.get("string")
        return real_html(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", recording_html)
    response = client_for(world.member.user).get(url("export_pdf", world.member))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="notebook-lantern-group.pdf"'
    assert response.content.startswith(b"%PDF-")
    html = seen["html"]
    assert 'class="nb-picture nb-scales"' in html
    assert 'class="nb-picture nb-map"' in html
    for phrase in full_notebook:
        assert phrase in html, phrase
    assert "<link" not in html and "<img" not in html  # nothing to fetch


def test_without_weasyprint_the_print_view_explains(
    world: World, full_notebook: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails
    response = client_for(world.member.user).get(url("export_pdf", world.member))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "A PDF cannot be made on this server right now" in page
    assert "Save as PDF" in page
    assert "Expect-phrase" in page


def test_a_failing_weasyprint_falls_back_to_the_print_view(
    world: World, full_notebook: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import weasyprint  # a dependency: a missing or broken install must fail, not skip

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError("no pango here")

    monkeypatch.setattr(weasyprint, "HTML", broken)
    response = client_for(world.member.user).get(url("export_pdf", world.member))
    assert "A PDF cannot be made on this server right now" in response.content.decode()


def test_the_print_view_shows_everything(world: World, full_notebook: list[str]) -> None:
    page = client_for(world.member.user).get(url("print", world.member)).content.decode()
    for phrase in full_notebook:
        assert phrase in page, phrase
    assert page.count("<h1") == 1
    assert 'media="print"' in page


def test_an_empty_notebook_exports_cleanly(world: World, mika: GroupAccess) -> None:
    client = client_for(world.member.user)
    assert (
        "The notebook is empty."
        in client.get(url("export_markdown", world.member)).content.decode()
    )
    assert json.loads(client.get(url("export_json", world.member)).content)["entries"] == []
