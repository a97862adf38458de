"""The BOOSTER content pack says what the model says (docs: booster-model.md).

These tests read the YAML with PyYAML directly, so they need neither Django nor the
schema module: they check the *content* of the shipped pack against the model — the
themes and their order, every task's time, phases and questions, the worksheets and
tools, the rules of a group, the meeting frame, the translations and the crisis lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

PACK = Path(__file__).resolve().parents[2] / "src" / "booster" / "packs" / "booster"
LANGUAGES = ("sv", "fi", "en")

THEMES = [
    ("opening", "opening"),
    ("work_ability", "optional"),
    ("professional_identity", "optional"),
    ("self_leadership", "optional"),
    ("competence", "optional"),
    ("money", "optional"),
    ("collaboration", "optional"),
    ("networks", "optional"),
    ("closing", "closing"),
]

# The order of introductions (I) and tasks (T) within each theme, as in the model.
PART_ORDER = {key: ["I", "T", "I", "T"] for key, _ in THEMES}
PART_ORDER["opening"] = ["I", "T", "T", "I", "T", "T", "T"]

# (theme, task key) -> (task minutes, phase modes in order, number of questions).
# Written from booster-model.md: every question (or prompt that asks the member
# something) in the model is one question entry in the phase where it belongs.
EXPECTED: dict[tuple[str, str], tuple[tuple[int, int], list[str], int]] = {
    # Opening: task 1 the five interview questions in pairs.
    ("opening", "get_to_know"): ((30, 45), ["pairs"], 5),
    # Task 2: expectations alone (1), discuss in pairs (0), together (2).
    ("opening", "shared_goals"): ((30, 45), ["alone", "pairs", "group"], 3),
    # Task 3: experiences alone (1); pairs: what was done right, the preconditions,
    # how we'd like to work (3); group: the rules, and what to do in a conflict (1).
    ("opening", "ground_rules"): ((30, 45), ["alone", "pairs", "group"], 5),
    # Task 4: the six topics of the practical agreements, one question each.
    ("opening", "practical_matters"): ((15, 30), ["group"], 6),
    # Task 5: how many meetings (5–9), which optional themes.
    ("opening", "theme_plan"): ((15, 30), ["group"], 2),
    # Work ability: task 1 alone 5, together 2; task 2 alone 2, together 2.
    ("work_ability", "balance_task"): ((30, 45), ["alone", "group"], 7),
    ("work_ability", "recovery_task"): ((30, 45), ["alone", "group"], 4),
    ("professional_identity", "development_task"): ((30, 45), ["alone", "group"], 3),
    ("professional_identity", "today_future_task"): ((30, 45), ["alone", "group"], 3),
    ("self_leadership", "self_leadership_task"): ((30, 45), ["alone", "group"], 4),
    ("self_leadership", "time_task"): ((30, 45), ["alone", "group"], 3),
    # Competence: list 1 and list 2 alone, then three discussion questions.
    ("competence", "competence_task"): ((30, 45), ["alone", "group"], 5),
    # What do you do? For whom? Why?
    ("competence", "presentation_task"): ((30, 45), ["alone", "group"], 3),
    ("money", "planning_task"): ((30, 45), ["alone", "group"], 3),
    ("money", "negotiation_task"): ((30, 45), ["alone", "group"], 4),
    ("collaboration", "safety_task"): ((30, 45), ["alone", "group"], 3),
    # The four numbered questions alone, two in the group.
    ("collaboration", "developing_task"): ((45, 60), ["alone", "group"], 6),
    # The map's four prompts alone; what drawing it showed, together.
    ("networks", "map_task"): ((30, 45), ["alone", "group"], 5),
    # Maps presented in turn; the others each give an idea, symbol or image.
    ("networks", "presenting_task"): ((30, 45), ["round"], 1),
    ("closing", "appreciative_interview"): ((30, 45), ["pairs"], 4),
    # What was good? Challenging? What do I take with me? What do I say to my peers?
    ("closing", "evaluation_task"): ((30, 45), ["alone", "group"], 4),
}

# The model's own time for writing alone: "5–10 min", or "10–15 min" where it says so.
ALONE_MINUTES = {
    ("opening", "shared_goals"): (5, 10),
    ("opening", "ground_rules"): (5, 10),
    ("work_ability", "balance_task"): (5, 10),
    ("work_ability", "recovery_task"): (5, 10),
    ("professional_identity", "development_task"): (5, 10),
    ("professional_identity", "today_future_task"): (5, 10),
    ("self_leadership", "self_leadership_task"): (5, 10),
    ("self_leadership", "time_task"): (5, 10),
    ("competence", "competence_task"): (10, 15),
    ("competence", "presentation_task"): (10, 15),
    ("money", "planning_task"): (5, 10),
    ("money", "negotiation_task"): (5, 10),
    ("collaboration", "safety_task"): (10, 15),
    ("collaboration", "developing_task"): (10, 15),
    ("networks", "map_task"): (10, 15),
    ("closing", "evaluation_task"): (5, 10),
}

WORKSHEETS = {
    ("opening", "shared_goals"): "expectations",
    ("work_ability", "balance_task"): "resources_demands",
    ("work_ability", "recovery_task"): "recovery_day",
    ("professional_identity", "today_future_task"): "goals",
    ("competence", "competence_task"): "competence",
    ("competence", "presentation_task"): "self_presentation",
    ("collaboration", "developing_task"): "collaboration",
    ("networks", "map_task"): "network_map",
    ("closing", "appreciative_interview"): "appreciative_interview",
    ("closing", "evaluation_task"): "evaluation",
}

TOOLS = {
    ("opening", "shared_goals"): "goals",
    ("opening", "ground_rules"): "ground_rules",
    ("opening", "practical_matters"): "agreements",
    ("opening", "theme_plan"): "theme_plan",
}

# Texts that may read the same in two languages: proper names only.
SAME_IN_TWO_LANGUAGES = {"Finland"}

CRISIS_NUMBERS = {
    "FI": {"112", "09 2525 0111", "09 2525 0112", "09 2525 0116", "116117"},
    "SE": {"112", "1177", "90101"},
}


def load(relative: str) -> Any:
    with (PACK / relative).open(encoding="utf-8") as file:
        return yaml.safe_load(file)


@pytest.fixture(scope="module")
def pack() -> dict[str, Any]:
    return load("pack.yaml")


@pytest.fixture(scope="module")
def crisis() -> dict[str, Any]:
    return load("crisis.yaml")


@pytest.fixture(scope="module")
def themes() -> dict[str, dict[str, Any]]:
    return {path.stem: load(f"themes/{path.name}") for path in (PACK / "themes").glob("*.yaml")}


def tasks(themes: dict[str, dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key, _ in THEMES:
        for part in themes[key]["parts"]:
            if part["type"] == "task":
                yield key, part


def is_text(value: object) -> bool:
    return isinstance(value, dict) and set(value) == set(LANGUAGES)


def texts(node: object, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every translated text in a loaded file, with where it is."""
    if is_text(node):
        yield path, node  # type: ignore[misc]
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from texts(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from texts(value, f"{path}[{index}]")


def all_files() -> list[str]:
    return ["pack.yaml", "crisis.yaml", *(f"themes/{key}.yaml" for key, _ in THEMES)]


# --- themes and parts ---------------------------------------------------------------


def test_pack_lists_nine_themes_in_the_models_order(pack: dict[str, Any]) -> None:
    assert pack["themes"] == [key for key, _ in THEMES]


def test_every_theme_has_its_file_key_and_kind(themes: dict[str, dict[str, Any]]) -> None:
    assert set(themes) == {key for key, _ in THEMES}
    for key, kind in THEMES:
        assert themes[key]["key"] == key
        assert themes[key]["kind"] == kind, key


def test_theme_parts_come_in_the_models_order(themes: dict[str, dict[str, Any]]) -> None:
    for key, _ in THEMES:
        order = ["I" if part["type"] == "introduction" else "T" for part in themes[key]["parts"]]
        assert order == PART_ORDER[key], key
        keys = [part["key"] for part in themes[key]["parts"]]
        assert len(keys) == len(set(keys)), f"{key}: part keys repeat"


def test_eighteen_introductions_and_twenty_one_tasks(themes: dict[str, dict[str, Any]]) -> None:
    parts = [part for key, _ in THEMES for part in themes[key]["parts"]]
    assert sum(part["type"] == "introduction" for part in parts) == 18
    assert sum(part["type"] == "task" for part in parts) == 21


def test_swedish_theme_names_are_the_models(themes: dict[str, dict[str, Any]]) -> None:
    names = {key: themes[key]["title"]["sv"] for key, _ in THEMES}
    assert names == {
        "opening": "Gruppstart",
        "work_ability": "Arbetsförmåga och återhämtning",
        "professional_identity": "Yrkesidentitet",
        "self_leadership": "Självledarskap och tidshantering",
        "competence": "Utveckla och sätta ord på egen kompetens",
        "money": "Pengar",
        "collaboration": "Samarbete och psykologisk trygghet",
        "networks": "Nätverk",
        "closing": "Gruppavslutning",
    }


# --- tasks --------------------------------------------------------------------------


def test_the_tasks_are_the_models_tasks(themes: dict[str, dict[str, Any]]) -> None:
    assert [(theme, task["key"]) for theme, task in tasks(themes)] == list(EXPECTED)


@pytest.mark.parametrize(("theme", "task_key"), list(EXPECTED))
def test_task_time_phases_and_questions(
    themes: dict[str, dict[str, Any]], theme: str, task_key: str
) -> None:
    (low, high), modes, questions = EXPECTED[(theme, task_key)]
    task = next(part for part in themes[theme]["parts"] if part.get("key") == task_key)
    assert (task["duration"]["min"], task["duration"]["max"]) == (low, high)
    assert [phase["mode"] for phase in task["phases"]] == modes
    assert sum(len(phase.get("questions") or []) for phase in task["phases"]) == questions
    # The phases fit the task's time: they can be done within its maximum and fill its minimum.
    assert sum(phase["duration"]["min"] for phase in task["phases"]) <= high
    assert sum(phase["duration"]["max"] for phase in task["phases"]) >= low
    for phase in task["phases"]:
        assert 0 < phase["duration"]["min"] <= phase["duration"]["max"]
        assert is_text(phase["instructions"])
    if (theme, task_key) in ALONE_MINUTES:
        alone = task["phases"][0]
        assert alone["mode"] == "alone"
        assert (alone["duration"]["min"], alone["duration"]["max"]) == ALONE_MINUTES[
            (theme, task_key)
        ]


def test_optional_themes_go_from_alone_to_the_group(themes: dict[str, dict[str, Any]]) -> None:
    for theme, task in tasks(themes):
        if theme in ("opening", "closing") or task["key"] == "presenting_task":
            continue
        assert [phase["mode"] for phase in task["phases"]] == ["alone", "group"], task["key"]


def test_worksheets_and_tools(themes: dict[str, dict[str, Any]]) -> None:
    for theme, task in tasks(themes):
        assert task.get("worksheet") == WORKSHEETS.get((theme, task["key"])), task["key"]
        assert task.get("tool") == TOOLS.get((theme, task["key"])), task["key"]


def test_the_opening_meetings_tasks_fill_two_to_three_hours(
    themes: dict[str, dict[str, Any]],
) -> None:
    opening = [task for theme, task in tasks(themes) if theme == "opening"]
    assert sum(task["duration"]["min"] for task in opening) == 120
    assert sum(task["duration"]["max"] for task in opening) == 195


def test_the_closing_theme_ends_with_thanks(themes: dict[str, dict[str, Any]]) -> None:
    ending = themes["closing"]["ending"]
    assert is_text(ending)
    assert "tack" in ending["sv"].lower()
    assert "kiit" in ending["fi"].lower()
    assert "thank" in ending["en"].lower()
    assert all("ending" not in themes[key] for key, _ in THEMES if key != "closing")


# --- pack.yaml ----------------------------------------------------------------------


def test_pack_identity_and_rules(pack: dict[str, Any]) -> None:
    assert pack["id"] == "booster"
    assert pack["version"] == "1.0"
    assert pack["languages"] == ["sv", "fi", "en"]
    assert pack["rules"] == {
        "max_members": 10,
        "min_meetings": 5,
        "max_meetings": 9,
        "meeting_minutes": {"min": 120, "max": 180},
        "first_theme": "opening",
        "last_theme": "closing",
        "unique_themes": True,
    }


def test_pack_arrangement(pack: dict[str, Any]) -> None:
    keys = [item["key"] for item in pack["arrangement"]]
    assert keys == ["size", "form", "length", "meetings", "order", "themes", "scheduling"]
    for item in pack["arrangement"]:
        assert is_text(item["title"]) and is_text(item["text"])
    form = next(item for item in pack["arrangement"] if item["key"] == "form")["text"]
    # Remote or face to face, never hybrid: the text names hybrid to rule it out.
    assert "hybrid" in form["sv"].lower()
    assert "hybridi" in form["fi"].lower()
    assert "hybrid" in form["en"].lower()


def test_pack_preconditions_principles_and_guidelines(pack: dict[str, Any]) -> None:
    assert [item["key"] for item in pack["preconditions"]] == [
        "resources",
        "voluntary",
        "commitment",
        "confidentiality",
        "equality",
        "safer_space",
    ]
    assert [item["key"] for item in pack["principles"]] == [
        "trust_responsibility",
        "listen_learn",
        "respect_space",
        "intervene",
        "dont_assume",
    ]
    for principle in pack["principles"]:
        assert is_text(principle["title"]) and is_text(principle["text"])
    assert [item["key"] for item in pack["guidelines"]] == ["facilitator", "breaks", "notes"]
    for name in ("Väestöliit", "Teme"):  # stems: Finnish inflects the names
        assert all(name in pack["principles_source"][language] for language in LANGUAGES)
    assert "FN" in pack["principles_source"]["sv"]
    assert "YK" in pack["principles_source"]["fi"]
    assert "UN" in pack["principles_source"]["en"]
    assert is_text(pack["confidentiality"])


def test_pack_purpose_says_it_is_not_crisis_help(pack: dict[str, Any]) -> None:
    purpose = pack["purpose"]
    assert "kris" in purpose["sv"].lower()
    assert "kriisi" in purpose["fi"].lower()
    assert "crisis" in purpose["en"].lower()


def test_meeting_frame(pack: dict[str, Any]) -> None:
    meeting = pack["meeting"]
    start, close = meeting["start"], meeting["close"]
    assert len(start["checkin"]["questions"]) == 2
    assert start["checkin"]["per_person_minutes"] == {"min": 1, "max": 2}
    assert start["rules"]["duration"] == {"min": 3, "max": 5}
    assert start["first_meeting_rules"]["duration"] == {"min": 10, "max": 15}
    assert meeting["introduction_minutes"] == {"min": 5, "max": 10}
    assert meeting["break"]["minutes"] == 10
    assert meeting["break"]["every_minutes"] == 60
    assert len(close["lessons"]["questions"]) == 2
    assert close["lessons"]["per_person_minutes"] == {"min": 1, "max": 2}
    assert len(close["observations"]["questions"]) == 2
    assert close["observations"]["duration"] == {"min": 5, "max": 10}


# --- translations -------------------------------------------------------------------


@pytest.mark.parametrize("relative", all_files())
def test_every_text_is_in_every_language(relative: str) -> None:
    data = load(relative)
    found = list(texts(data))
    assert found, relative
    for path, text in found:
        for language in LANGUAGES:
            value = text[language]
            assert isinstance(value, str) and value.strip(), f"{relative}: {path}.{language}"


def _names_or_numbers(value: str) -> bool:
    """A short string of names or numbers, which needs no translation."""
    return value in SAME_IN_TWO_LANGUAGES or (
        len(value.split()) <= 3 and bool(re.search(r"\d", value))
    )


@pytest.mark.parametrize("relative", all_files())
def test_no_text_is_left_untranslated(relative: str) -> None:
    for path, text in texts(load(relative)):
        for index, first in enumerate(LANGUAGES):
            for second in LANGUAGES[index + 1 :]:
                same = text[first].strip() == text[second].strip()
                assert not same or _names_or_numbers(text[first]), (
                    f"{relative}: {path} is the same in {first} and {second}: {text[first]!r}"
                )


def test_every_mapping_of_languages_is_complete() -> None:
    # A text with a language missing would not be found by texts(); look for those too.
    def walk(node: object, path: str, relative: str) -> None:
        if isinstance(node, dict):
            present = set(node) & set(LANGUAGES)
            if present:
                assert present == set(LANGUAGES), f"{relative}: {path} has only {present}"
            for key, value in node.items():
                walk(value, f"{path}.{key}", relative)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]", relative)

    for relative in all_files():
        walk(load(relative), "", relative)


# --- crisis.yaml --------------------------------------------------------------------


def test_crisis_notice(crisis: dict[str, Any]) -> None:
    notice = crisis["notice"]
    assert all(is_text(notice[field]) for field in ("title", "text", "emergency"))
    assert all("112" in notice["emergency"][language] for language in LANGUAGES)


def test_crisis_contacts(crisis: dict[str, Any]) -> None:
    assert set(crisis["countries"]) == set(CRISIS_NUMBERS)
    for country, expected in CRISIS_NUMBERS.items():
        contacts = crisis["countries"][country]["contacts"]
        assert {contact["number"] for contact in contacts} == expected, country
        assert contacts[0]["number"] == "112", "the emergency number comes first"
        for contact in contacts:
            assert is_text(contact["name"]) and is_text(contact["hours"])
            assert isinstance(contact["always_open"], bool)
            assert contact["url"].startswith("https://")
            assert contact["languages"] and set(contact["languages"]) <= set(LANGUAGES)


def test_part_time_crisis_lines_are_not_always_open(crisis: dict[str, Any]) -> None:
    by_number = {contact["number"]: contact for contact in crisis["countries"]["FI"]["contacts"]}
    assert by_number["112"]["always_open"] is True
    assert by_number["09 2525 0111"]["always_open"] is True
    # The Swedish and English lines are open at set times only: the text says to check.
    for number in ("09 2525 0112", "09 2525 0116"):
        assert by_number[number]["always_open"] is False
        assert "mieli.fi" in by_number[number]["hours"]["en"]
