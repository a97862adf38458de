"""The notebook's writes: consent, conflict-safe saving, limits, sharing, ideas, erasing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict

from booster.groups.permissions import GroupAccess
from booster.notebook import selectors, services
from booster.notebook.models import (
    MapIdea,
    NotebookConsent,
    NotebookEntry,
    SharedSnapshot,
)
from booster.notebook.worksheets import MAX_ENTRY_CHARACTERS, MAX_LIST_ITEMS, sheet_for
from tests.board.helpers import close_group
from tests.notebook.helpers import MAP, SCALES, access_of, consent, slot_of, write
from tests.personas import World


def _form(**fields: str) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        data[key.replace("__", "-")] = value
    return data


# --- consent ------------------------------------------------------------------------------


def test_nothing_is_saved_before_consent(world: World) -> None:
    access = access_of(world.member)
    with pytest.raises(PermissionDenied):
        services.entry_save(
            access=access,
            slot=slot_of(world.member, "goals"),
            entry=None,
            content={"goals": ["x", "", ""], "notes": ""},
            version=0,
        )
    with pytest.raises(PermissionDenied):
        services.note_create(access=access, title="x")
    assert not NotebookEntry.objects.exists()


def test_consent_records_when_and_which_text(world: World) -> None:
    consent_row = services.consent_give(access=access_of(world.member))
    assert consent_row.text_version == 1
    assert consent_row.given_at is not None
    assert selectors.consent_current(access=access_of(world.member)) == consent_row
    assert selectors.consent_current(access=access_of(world.second_member)) is None


def test_withdrawing_consent_deletes_the_whole_notebook(world: World, mika: GroupAccess) -> None:
    entry = write(world.member, "network_map", MAP)
    write(world.member, "resources_demands", SCALES)
    services.note_create(access=mika, title="private")
    snapshot = services.snapshot_create(
        access=mika, entry=entry, slot=slot_of(world.member, "network_map")
    )
    sanna = consent(world.second_member)
    services.idea_add(access=sanna, snapshot=snapshot, text="🌟")
    sannas_entry = write(world.second_member, "goals", {"goals": ["mine", "", ""], "notes": ""})

    deleted = services.consent_withdraw(access=mika)

    assert deleted == 3
    assert not NotebookEntry.objects.filter(membership=world.member).exists()
    assert not SharedSnapshot.objects.filter(membership=world.member).exists()
    assert not MapIdea.objects.exists()  # the ideas lived on the shared map
    assert not NotebookConsent.objects.filter(membership=world.member).exists()
    # Nobody else's notebook is touched.
    assert NotebookEntry.objects.filter(pk=sannas_entry.pk).exists()
    assert NotebookConsent.objects.filter(membership=world.second_member).exists()


# --- saving without silent overwrites -----------------------------------------------------


def test_saving_twice_from_the_same_version_is_a_conflict(world: World, mika: GroupAccess) -> None:
    slot = slot_of(world.member, "goals")
    first = services.entry_save(
        access=mika, slot=slot, entry=None, content={"goals": ["A", "", ""], "notes": ""}, version=0
    ).entry
    assert first.version == 1
    # Device 1 saves on top of version 1.
    services.entry_save(
        access=mika,
        slot=slot,
        entry=first,
        content={"goals": ["B", "", ""], "notes": ""},
        version=1,
    )
    # Device 2 still has version 1: refused, and told what is newer.
    stale = NotebookEntry.objects.get(pk=first.pk)
    stale.version = 1
    with pytest.raises(services.EntryConflict) as clash:
        services.entry_save(
            access=mika,
            slot=slot,
            entry=stale,
            content={"goals": ["C", "", ""], "notes": ""},
            version=1,
        )
    assert clash.value.newer.version == 2
    assert clash.value.newer.content["goals"][0] == "B"
    assert NotebookEntry.objects.get(pk=first.pk).content["goals"][0] == "B"


def test_two_devices_creating_the_same_page_conflict(world: World, mika: GroupAccess) -> None:
    slot = slot_of(world.member, "goals")
    services.entry_save(
        access=mika, slot=slot, entry=None, content={"goals": ["A", "", ""], "notes": ""}, version=0
    )
    with pytest.raises(services.EntryConflict) as clash:
        services.entry_save(
            access=mika,
            slot=slot,
            entry=None,
            content={"goals": ["B", "", ""], "notes": ""},
            version=0,
        )
    assert clash.value.newer.content["goals"][0] == "A"
    assert NotebookEntry.objects.count() == 1


def test_the_version_rises_with_each_save(world: World, mika: GroupAccess) -> None:
    entry = write(world.member, "goals", {"goals": ["1", "", ""], "notes": ""})
    entry = write(world.member, "goals", {"goals": ["2", "", ""], "notes": ""})
    entry = write(world.member, "goals", {"goals": ["3", "", ""], "notes": ""})
    assert entry.version == 3
    assert NotebookEntry.objects.get().version == 3


# --- parsing and limits -------------------------------------------------------------------


def test_the_questions_sheet_reads_one_answer_per_question(world: World) -> None:
    slot = slot_of(world.member, "evaluation")
    assert len(slot.questions) == 4
    parsed = sheet_for(slot).parse(
        _form(answer__0=" Good \r\nthings ", answer__3="Thanks", notes="n"), slot
    )
    assert parsed.ok
    assert parsed.content == {"answers": ["Good \nthings", "", "", "Thanks"], "notes": "n"}


def test_an_entry_is_limited_to_20000_characters(world: World) -> None:
    slot = slot_of(world.member, "evaluation")
    parsed = sheet_for(slot).parse(_form(answer__0="x" * 15_000, notes="y" * 5_001), slot)
    assert not parsed.ok
    message = parsed.errors["__all__"][0]
    assert "20001" in message and str(MAX_ENTRY_CHARACTERS) in message
    ok = sheet_for(slot).parse(_form(answer__0="x" * 15_000, notes="y" * 5_000), slot)
    assert ok.ok


def test_resources_and_demands_parse_weights_and_notes(world: World) -> None:
    slot = slot_of(world.member, "resources_demands")
    sheet = sheet_for(slot)
    parsed = sheet.parse(
        _form(
            resources__0__text="Choir",
            resources__0__weight="4",
            resources__0__note="keep Thursdays",
            resources__7__text="",
            resources__7__note="",
            demands__3__text="Deadlines",
            demands__3__weight="2",
            demands__5__text="",
            demands__5__note="orphan note",
            demands__6__text="Bad",
            demands__6__weight="9",
        ),
        slot,
    )
    assert parsed.content["resources"] == [{"text": "Choir", "weight": 4, "note": "keep Thursdays"}]
    assert [item["text"] for item in parsed.content["demands"]] == ["Deadlines", "", "Bad"]
    assert parsed.errors["demands-1-text"] == ["Write what this is, or clear its note."]
    assert parsed.errors["demands-2-weight"] == ["Choose a weight from 1 to 5."]
    # The autosave marks the fields by the names the browser sent.
    assert "demands-5-text" in parsed.field_errors
    assert "demands-6-weight" in parsed.field_errors


def test_removing_a_row_leaves_it_out(world: World) -> None:
    slot = slot_of(world.member, "resources_demands")
    parsed = sheet_for(slot).parse(
        _form(resources__0__text="A", resources__1__text="B", resources__2__text="C"),
        slot,
        remove=("resources", 1),
    )
    assert [item["text"] for item in parsed.content["resources"]] == ["A", "C"]


def test_a_network_map_holds_at_most_60_people(world: World) -> None:
    slot = slot_of(world.member, "network_map")
    sheet = sheet_for(slot)
    fields = {f"items__{index}__name": f"Person {index}" for index in range(MAX_LIST_ITEMS + 1)}
    parsed = sheet.parse(_form(**fields), slot)
    assert parsed.errors["items"] == [
        "At most 60 people and organisations fit on one map; this has 61."
    ]
    fields.pop(f"items__{MAX_LIST_ITEMS}__name")
    assert sheet.parse(_form(**fields), slot).ok


def test_a_network_map_checks_kind_closeness_and_lengths(world: World) -> None:
    slot = slot_of(world.member, "network_map")
    parsed = sheet_for(slot).parse(
        _form(
            items__0__name="Ann",
            items__0__kind="enemy",
            items__0__closeness="far",
            items__1__name="B" * 121,
            items__2__note="a note without a name",
        ),
        slot,
    )
    assert set(parsed.errors) == {
        "items-0-kind",
        "items-0-closeness",
        "items-1-name",
        "items-2-name",
    }
    assert "120" in parsed.errors["items-1-name"][0]


def test_competence_lists_remember_what_to_share(world: World) -> None:
    slot = slot_of(world.member, "competence")
    sheet = sheet_for(slot)
    parsed = sheet.parse(
        _form(
            have__0__text="Drawing",
            have__0__share="1",
            have__1__text="Pricing",
            need__0__text="Contracts",
            need__0__share="1",
            notes="private",
        ),
        slot,
    )
    assert parsed.ok
    assert sheet.shareable(parsed.content) == {
        "have": [{"text": "Drawing", "share": True}],
        "need": [{"text": "Contracts", "share": True}],
        "notes": "",
    }


def test_goals_and_self_presentation(world: World) -> None:
    goals = slot_of(world.member, "goals")
    parsed = sheet_for(goals).parse(_form(goal__0="Exhibit", goal__2="Teach", goal__5="x"), goals)
    assert parsed.content == {"goals": ["Exhibit", "", "Teach"], "notes": ""}
    card = slot_of(world.member, "self_presentation")
    parsed = sheet_for(card).parse(_form(what="I draw", for_whom="Publishers", why="Joy"), card)
    assert parsed.content == {"what": "I draw", "for_whom": "Publishers", "why": "Joy"}


def test_stored_content_of_an_older_shape_is_read_safely(world: World) -> None:
    slot = slot_of(world.member, "network_map")
    sheet = sheet_for(slot)
    content = sheet.normalise({"items": [{"name": "X", "kind": "odd"}, "junk"], "extra": 1}, slot)
    assert content["items"] == [
        {"name": "X", "kind": "professional", "closeness": "inner", "note": ""}
    ]


# --- free notes ---------------------------------------------------------------------------


def test_free_notes(world: World, mika: GroupAccess) -> None:
    note = services.note_create(access=mika, title="  Ideas  ")
    assert note.content == {"title": "Ideas", "text": ""}
    with pytest.raises(ValidationError):
        services.note_create(access=mika, title="x" * 121)
    with pytest.raises(PermissionDenied):
        services.note_delete(access=consent(world.second_member), entry=note)
    services.note_delete(access=mika, entry=note)
    assert not NotebookEntry.objects.exists()


# --- sharing ------------------------------------------------------------------------------


def test_share_freezes_a_copy_and_withdraw_removes_it(world: World, mika: GroupAccess) -> None:
    entry = write(world.member, "network_map", MAP)
    slot = slot_of(world.member, "network_map")
    snapshot = services.snapshot_create(access=mika, entry=entry, slot=slot)
    write(world.member, "network_map", {**MAP, "widen": "changed later"})
    snapshot.refresh_from_db()
    assert snapshot.content["widen"] == MAP["widen"]  # frozen
    assert snapshot.is_active

    services.snapshot_withdraw(access=mika, snapshot=snapshot)
    snapshot.refresh_from_db()
    assert snapshot.withdrawn_at is not None
    assert snapshot.content == {}  # the copy itself is gone
    assert selectors.shared_page(access=access_of(world.second_member))["maps"] == []


def test_sharing_again_replaces_the_copy_and_keeps_the_ideas(
    world: World, mika: GroupAccess
) -> None:
    entry = write(world.member, "network_map", MAP)
    slot = slot_of(world.member, "network_map")
    first = services.snapshot_create(access=mika, entry=entry, slot=slot)
    idea = services.idea_add(access=consent(world.second_member), snapshot=first, text="Go!")
    entry = write(world.member, "network_map", {**MAP, "widen": "new plan"})
    second = services.snapshot_create(access=mika, entry=entry, slot=slot)
    first.refresh_from_db()
    assert first.withdrawn_at is not None
    assert SharedSnapshot.objects.filter(withdrawn_at__isnull=True).get() == second
    idea.refresh_from_db()
    assert idea.snapshot == second


def test_only_ticked_competence_is_shared(world: World, mika: GroupAccess) -> None:
    slot = slot_of(world.member, "competence")
    entry = write(
        world.member,
        "competence",
        {"have": [{"text": "Drawing", "share": False}], "need": [], "notes": "secret"},
    )
    with pytest.raises(ValidationError, match="Mark the items"):
        services.snapshot_create(access=mika, entry=entry, slot=slot)
    entry = write(
        world.member,
        "competence",
        {
            "have": [{"text": "Drawing", "share": True}, {"text": "Hidden", "share": False}],
            "need": [],
            "notes": "secret",
        },
    )
    snapshot = services.snapshot_create(access=mika, entry=entry, slot=slot)
    assert snapshot.content == {
        "have": [{"text": "Drawing", "share": True}],
        "need": [],
        "notes": "",
    }


def test_an_empty_page_cannot_be_shared_nor_someone_elses(world: World, mika: GroupAccess) -> None:
    slot = slot_of(world.member, "goals")
    entry = write(world.member, "goals", {"goals": ["", "", ""], "notes": ""})
    with pytest.raises(ValidationError, match="nothing to share"):
        services.snapshot_create(access=mika, entry=entry, slot=slot)
    with pytest.raises(PermissionDenied):
        services.snapshot_create(access=consent(world.second_member), entry=entry, slot=slot)


def test_nothing_new_is_shared_in_a_closed_group_but_writing_goes_on(
    world: World, mika: GroupAccess
) -> None:
    entry = write(world.member, "network_map", MAP)
    slot = slot_of(world.member, "network_map")
    snapshot = services.snapshot_create(access=mika, entry=entry, slot=slot)
    close_group(world.group)
    mika = access_of(world.member)
    mika.group.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        services.snapshot_create(access=mika, entry=entry, slot=slot)
    with pytest.raises(ValidationError, match="closed"):
        services.idea_add(access=access_of(world.second_member), snapshot=snapshot, text="x")
    write(world.member, "network_map", {**MAP, "widen": "still mine to write"})
    services.snapshot_withdraw(access=mika, snapshot=snapshot)


# --- ideas --------------------------------------------------------------------------------


def test_ideas_only_on_others_shared_maps(world: World, mika: GroupAccess) -> None:
    entry = write(world.member, "network_map", MAP)
    map_snapshot = services.snapshot_create(
        access=mika, entry=entry, slot=slot_of(world.member, "network_map")
    )
    goals = write(world.member, "goals", {"goals": ["Exhibit", "", ""], "notes": ""})
    goals_snapshot = services.snapshot_create(
        access=mika, entry=goals, slot=slot_of(world.member, "goals")
    )
    sanna = access_of(world.second_member)
    with pytest.raises(ValidationError, match="others' maps"):
        services.idea_add(access=mika, snapshot=map_snapshot, text="self praise")
    with pytest.raises(PermissionDenied):
        services.idea_add(access=sanna, snapshot=goals_snapshot, text="x")
    with pytest.raises(ValidationError, match="at most 140"):
        services.idea_add(access=sanna, snapshot=map_snapshot, text="x" * 141)
    with pytest.raises(ValidationError, match="Write an idea"):
        services.idea_add(access=sanna, snapshot=map_snapshot, text="   ")
    idea = services.idea_add(access=sanna, snapshot=map_snapshot, text="  🌻   poster   fair ")
    assert idea.text == "🌻 poster fair"
    with pytest.raises(PermissionDenied):
        services.idea_delete(access=mika, idea=idea)
    services.idea_delete(access=sanna, idea=idea)
    assert not MapIdea.objects.exists()


def test_notebook_erase_for_the_groups_app(world: World, mika: GroupAccess) -> None:
    write(world.member, "goals", {"goals": ["x", "", ""], "notes": ""})
    assert services.notebook_erase(membership=world.member) == 1
    assert not NotebookConsent.objects.exists()
