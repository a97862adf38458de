"""The pack loader: a valid pack loads, and each kind of error is one clear line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from booster.programme.loader import (
    BOOSTER_PACK_PATH,
    PackError,
    load_pack,
    summary_line,
    validate_pack,
)
from booster.programme.schema import Pack, PhaseMode, Task, ThemeKind
from tests.programme.packs import pack_files, write_pack


def errors_of(tmp_path: Path, files: dict[str, Any]) -> list[str]:
    pack, errors = validate_pack(write_pack(tmp_path, files))
    assert pack is None
    return errors


def test_minimal_pack_loads(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path))

    assert summary_line(pack) == "mini 0.1: 3 themes, 3 tasks, languages sv en"
    assert [theme.key for theme in pack.themes] == ["opening", "money", "closing"]
    assert pack.first_theme.kind is ThemeKind.OPENING
    assert pack.last_theme.kind is ThemeKind.CLOSING
    assert [theme.key for theme in pack.optional_themes()] == ["money"]
    assert pack.theme("money").tasks()[0].phases[0].mode is PhaseMode.ALONE
    assert pack.task_count == 3
    assert pack.introduction_count == 3


def test_country_code_no_stays_text(tmp_path: Path) -> None:
    # YAML 1.1 would read NO (Norway) as false.
    pack = load_pack(write_pack(tmp_path))

    assert list(pack.crisis.countries) == ["FI", "NO"]


def test_text_falls_back_to_the_first_language(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path))

    assert pack.title.get("en") == "Mini programme (en)"
    assert pack.title.get("fi") == "Mini programme (sv)"
    assert pack.title.get("en-gb") == "Mini programme (en)"
    assert pack.title.get(None) == "Mini programme (sv)"


def test_texts_keep_the_pack_order_of_languages(tmp_path: Path) -> None:
    files = pack_files()
    files["pack.yaml"]["title"] = {"en": "English first", "sv": "Svenska"}
    pack = load_pack(write_pack(tmp_path, files))

    assert pack.title.get("fi") == "Svenska"


def test_data_round_trip(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path))

    assert Pack.from_data(pack.to_data()) == pack


def test_models_are_frozen(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path))

    with pytest.raises(ValueError, match="frozen"):
        pack.id = "other"  # type: ignore[misc]


def test_numbered_parts(tmp_path: Path) -> None:
    theme = load_pack(write_pack(tmp_path)).theme("money")

    assert [(number, part.type) for number, part in theme.numbered_parts()] == [
        (1, "introduction"),
        (1, "task"),
    ]


def test_unknown_theme_lookup_raises_key_error(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path))

    with pytest.raises(KeyError):
        pack.theme("nope")


def test_load_pack_raises_with_every_error(tmp_path: Path) -> None:
    files = pack_files()
    del files["crisis.yaml"]
    files["themes/money.yaml"]["title"] = {"sv": "Pengar"}

    with pytest.raises(PackError) as caught:
        load_pack(write_pack(tmp_path, files))

    assert caught.value.errors == [
        "crisis.yaml: missing file",
        "themes/money.yaml: title: missing translation for en",
    ]
    assert str(caught.value) == "\n".join(caught.value.errors)


def test_missing_folder(tmp_path: Path) -> None:
    assert validate_pack(tmp_path / "nowhere") == (
        None,
        [f"{tmp_path / 'nowhere'}: no such pack folder"],
    )


def test_yaml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    files = pack_files()
    files["themes/money.yaml"] = "key: money\ntitle: [unclosed\nkind: optional\n"

    assert errors_of(tmp_path, files) == [
        "themes/money.yaml: line 3, column 5: invalid YAML: expected ',' or ']', but got ':'"
    ]


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    files = pack_files()
    files["themes/money.yaml"] = "key: money\nkey: cash\n"

    assert errors_of(tmp_path, files) == [
        "themes/money.yaml: line 2, column 1: invalid YAML: duplicate key 'key'"
    ]


def test_empty_and_non_mapping_files(tmp_path: Path) -> None:
    files = pack_files()
    files["crisis.yaml"] = ""
    files["themes/money.yaml"] = "- key: money\n"

    assert errors_of(tmp_path, files) == [
        "crisis.yaml: the file is empty",
        "themes/money.yaml: the file must hold a mapping of fields, not a list",
    ]


def test_missing_files(tmp_path: Path) -> None:
    files = pack_files()
    files["pack.yaml"] = None
    files["crisis.yaml"] = None

    # Without pack.yaml no theme is listed, so every theme file is unlisted.
    assert errors_of(tmp_path, files) == [
        "pack.yaml: missing file",
        "crisis.yaml: missing file",
        "themes/closing.yaml: key: theme 'closing' is not listed in pack.yaml themes",
        "themes/money.yaml: key: theme 'money' is not listed in pack.yaml themes",
        "themes/opening.yaml: key: theme 'opening' is not listed in pack.yaml themes",
    ]


def test_missing_translation(tmp_path: Path) -> None:
    files = pack_files()
    files["pack.yaml"]["principles"][1]["title"] = {"sv": "Respekt", "en": "  "}
    files["themes/money.yaml"]["parts"][1]["phases"][0]["questions"][0] = {"en": "Why?"}

    assert errors_of(tmp_path, files) == [
        "pack.yaml: principles.1.title: missing translation for en",
        "themes/money.yaml: parts.1.phases.0.questions.0: missing translation for sv",
    ]


def test_translation_in_an_undeclared_language(tmp_path: Path) -> None:
    files = pack_files()
    files["crisis.yaml"]["notice"]["title"]["de"] = "Kein Krisendienst"

    assert errors_of(tmp_path, files) == [
        "crisis.yaml: notice.title: language de is not among the pack's languages (sv en)"
    ]


def test_language_booster_does_not_speak(tmp_path: Path) -> None:
    files = pack_files()
    files["pack.yaml"]["languages"] = ["sv", "de"]

    errors = errors_of(tmp_path, files)

    assert errors[0] == "pack.yaml: languages.1: 'de' is not one of Booster's languages (sv fi en)"


def test_theme_listed_without_a_file(tmp_path: Path) -> None:
    files = pack_files()
    files["pack.yaml"]["themes"] = ["opening", "money", "networks", "closing"]

    assert errors_of(tmp_path, files) == [
        "pack.yaml: themes.2: no file themes/networks.yaml for theme 'networks'"
    ]


def test_theme_file_not_listed(tmp_path: Path) -> None:
    files = pack_files()
    files["pack.yaml"]["themes"] = ["opening", "closing"]
    files["pack.yaml"]["rules"]["max_meetings"] = 2

    assert errors_of(tmp_path, files) == [
        "themes/money.yaml: key: theme 'money' is not listed in pack.yaml themes"
    ]


def test_theme_key_differs_from_file_name(tmp_path: Path) -> None:
    files = pack_files()
    files["themes/money.yaml"]["key"] = "cash"

    assert errors_of(tmp_path, files) == [
        "themes/money.yaml: key: 'cash' does not match the file name money.yaml"
    ]


def test_first_and_last_theme_must_be_listed(tmp_path: Path) -> None:
    files = pack_files()
    files["pack.yaml"]["rules"]["first_theme"] = "start"
    files["pack.yaml"]["rules"]["last_theme"] = "end"

    assert errors_of(tmp_path, files) == [
        "pack.yaml: rules.first_theme: theme 'start' is not in themes",
        "pack.yaml: rules.last_theme: theme 'end' is not in themes",
    ]


def test_first_and_last_theme_at_the_ends_of_the_list(tmp_path: Path) -> None:
    files = pack_files()
    files["pack.yaml"]["themes"] = ["money", "closing", "opening"]

    assert errors_of(tmp_path, files) == [
        "pack.yaml: themes.0: the themes must begin with rules.first_theme 'opening', not 'money'",
        "pack.yaml: themes.2: the themes must end with rules.last_theme 'closing', not 'opening'",
    ]


def test_wrong_kinds(tmp_path: Path) -> None:
    files = pack_files()
    files["themes/opening.yaml"]["kind"] = "optional"
    files["themes/money.yaml"]["kind"] = "closing"
    files["themes/closing.yaml"]["kind"] = "opening"

    assert errors_of(tmp_path, files) == [
        "themes/opening.yaml: kind: the first theme must have kind opening, not optional",
        "themes/money.yaml: kind: only rules.last_theme may have kind closing; "
        "this theme must have kind optional",
        "themes/closing.yaml: kind: the last theme must have kind closing, not opening",
    ]


def test_min_longer_than_max(tmp_path: Path) -> None:
    files = pack_files()
    files["themes/money.yaml"]["parts"][1]["duration"] = {"min": 50, "max": 45}
    files["pack.yaml"]["meeting"]["introduction_minutes"] = {"min": 10, "max": 5}

    assert errors_of(tmp_path, files) == [
        "pack.yaml: meeting.introduction_minutes: minimum 10 is longer than maximum 5",
        "themes/money.yaml: parts.1.duration: minimum 50 is longer than maximum 45",
    ]


def test_durations_must_be_positive(tmp_path: Path) -> None:
    files = pack_files()
    files["themes/money.yaml"]["parts"][1]["phases"][0]["duration"]["min"] = 0

    assert errors_of(tmp_path, files) == [
        "themes/money.yaml: parts.1.phases.0.duration.min: input should be greater than 0"
    ]


def test_phases_longer_than_the_task(tmp_path: Path) -> None:
    files = pack_files()
    files["themes/money.yaml"]["parts"][1]["phases"][1]["duration"] = {"min": 41, "max": 50}

    assert errors_of(tmp_path, files) == [
        "themes/money.yaml: parts.1.phases: the phases take at least 46 min, "
        "more than the task's maximum 45"
    ]


def test_phases_shorter_than_the_task(tmp_path: Path) -> None:
    files = pack_files()
    files["themes/money.yaml"]["parts"][1]["phases"][1]["duration"] = {"min": 5, "max": 10}

    assert errors_of(tmp_path, files) == [
        "themes/money.yaml: parts.1.phases: the phases take at most 20 min, "
        "less than the task's minimum 30"
    ]


def test_duplicate_keys(tmp_path: Path) -> None:
    files = pack_files()
    files["pack.yaml"]["themes"] = ["opening", "money", "money", "closing"]
    files["pack.yaml"]["principles"][1]["key"] = "listen"
    files["pack.yaml"]["preconditions"][1]["key"] = "voluntary"
    files["themes/money.yaml"]["parts"][1]["key"] = "money_intro"

    assert errors_of(tmp_path, files) == [
        "pack.yaml: preconditions.1.key: duplicate key 'voluntary' (also preconditions.0.key)",
        "pack.yaml: principles.1.key: duplicate key 'listen' (also principles.0.key)",
        "pack.yaml: themes.2: duplicate theme key 'money'",
        "themes/money.yaml: parts.1.key: duplicate key 'money_intro' (also parts.0.key)",
    ]


def test_unknown_enum_values(tmp_path: Path) -> None:
    files = pack_files()
    task = files["themes/money.yaml"]["parts"][1]
    task["phases"][0]["mode"] = "solo"
    task["worksheet"] = "diary"
    task["tool"] = "hammer"
    files["themes/money.yaml"]["kind"] = "extra"

    assert errors_of(tmp_path, files) == [
        "themes/money.yaml: kind: unknown value 'extra' "
        "(expected 'opening', 'optional' or 'closing')",
        "themes/money.yaml: parts.1.worksheet: unknown value 'diary' (expected 'expectations', "
        "'resources_demands', 'recovery_day', 'competence', 'self_presentation', 'goals', "
        "'collaboration', 'network_map', 'appreciative_interview' or 'evaluation')",
        "themes/money.yaml: parts.1.tool: unknown value 'hammer' "
        "(expected 'goals', 'ground_rules', 'agreements' or 'theme_plan')",
        "themes/money.yaml: parts.1.phases.0.mode: unknown value 'solo' "
        "(expected 'alone', 'pairs', 'group' or 'round')",
    ]


def test_unknown_part_type(tmp_path: Path) -> None:
    files = pack_files()
    files["themes/money.yaml"]["parts"][0]["type"] = "exercise"
    del files["themes/money.yaml"]["parts"][1]["type"]

    assert errors_of(tmp_path, files) == [
        "themes/money.yaml: parts.0: unknown type 'exercise' (expected 'introduction', 'task')",
        "themes/money.yaml: parts.1.type: missing required field",
    ]


def test_unknown_and_missing_fields(tmp_path: Path) -> None:
    files = pack_files()
    files["pack.yaml"]["colour"] = "red"
    files["themes/money.yaml"]["parts"][1]["phases"][0]["minutes"] = 5
    del files["themes/money.yaml"]["summary"]

    assert errors_of(tmp_path, files) == [
        "pack.yaml: colour: unknown field",
        "themes/money.yaml: summary: missing required field",
        "themes/money.yaml: parts.1.phases.0.minutes: unknown field",
    ]


def test_bad_keys_and_codes(tmp_path: Path) -> None:
    files = pack_files()
    files["pack.yaml"]["id"] = "Mini Pack"
    files["crisis.yaml"]["countries"]["FI"]["contacts"][0]["url"] = "www.example.org"

    assert errors_of(tmp_path, files) == [
        "pack.yaml: id: 'Mini Pack' is not a slug (lower-case letters, digits, _ and -)",
        "crisis.yaml: countries.FI.contacts.0.url: "
        "'www.example.org' is not an http or https address",
    ]


def test_not_enough_optional_themes_for_max_meetings(tmp_path: Path) -> None:
    files = pack_files()
    files["pack.yaml"]["rules"]["max_meetings"] = 4

    assert errors_of(tmp_path, files) == [
        "pack.yaml: rules.max_meetings: 4 meetings need 2 optional themes, but the pack has 1"
    ]


def test_errors_from_every_file_are_collected(tmp_path: Path) -> None:
    files = pack_files()
    files["pack.yaml"]["title"] = {"sv": "Mini"}
    files["crisis.yaml"]["notice"]["text"] = {"sv": "Sök hjälp"}
    files["themes/opening.yaml"]["summary"] = {"sv": "Start"}
    files["themes/closing.yaml"]["summary"] = {"sv": "Slut"}

    assert errors_of(tmp_path, files) == [
        "pack.yaml: title: missing translation for en",
        "crisis.yaml: notice.text: missing translation for en",
        "themes/opening.yaml: summary: missing translation for en",
        "themes/closing.yaml: summary: missing translation for en",
    ]


def test_booster_pack_is_valid() -> None:
    pack, errors = validate_pack(BOOSTER_PACK_PATH)

    assert errors == []
    assert pack is not None
    assert summary_line(pack) == "booster 1.0: 9 themes, 21 tasks, languages sv fi en"
    assert all(isinstance(task, Task) for task in pack.tasks())


def test_common_slips(tmp_path: Path) -> None:
    files = pack_files()
    files["pack.yaml"]["version"] = 1.0
    files["themes/money.yaml"]["title"] = "Money"
    files["themes/money.yaml"]["parts"][1]["duration"] = "30-45"

    assert errors_of(tmp_path, files) == [
        "pack.yaml: version: expected a text, not the number 1.0 (write it in quotes)",
        "themes/money.yaml: title: expected one text per language (sv: …, fi: …), "
        "not a single text",
        "themes/money.yaml: parts.1.duration: expected a mapping of fields, not a text",
    ]


def test_stored_data_in_any_key_order_keeps_the_first_language(tmp_path: Path) -> None:
    # PostgreSQL's jsonb does not keep the order of keys.
    data = load_pack(write_pack(tmp_path)).to_data()
    data["title"] = {"en": "Mini (en)", "sv": "Mini (sv)"}

    assert Pack.from_data(data).title.get("fi") == "Mini (sv)"
