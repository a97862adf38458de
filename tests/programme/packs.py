"""Small content packs for tests: a valid three-theme pack to copy and break."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml


def text(name: str, languages: tuple[str, ...] = ("sv", "en")) -> dict[str, str]:
    """A translated text whose entries say which language they are in."""
    return {language: f"{name} ({language})" for language in languages}


def _task(key: str, *, worksheet: str | None = None) -> dict[str, Any]:
    task: dict[str, Any] = {
        "type": "task",
        "key": key,
        "title": text(f"Task {key}"),
        "text": text(f"About {key}"),
        "duration": {"min": 30, "max": 45},
        "phases": [
            {
                "mode": "alone",
                "duration": {"min": 5, "max": 10},
                "instructions": text(f"Write for {key}"),
                "questions": [text(f"Question for {key}")],
            },
            {
                "mode": "group",
                "duration": {"min": 25, "max": 35},
                "instructions": text(f"Discuss {key}"),
            },
        ],
    }
    if worksheet:
        task["worksheet"] = worksheet
    return task


def _theme(key: str, kind: str) -> dict[str, Any]:
    return {
        "key": key,
        "kind": kind,
        "title": text(f"Theme {key}"),
        "summary": text(f"Summary of {key}"),
        "parts": [
            {
                "type": "introduction",
                "key": f"{key}_intro",
                "title": text(f"Introduction to {key}"),
                "text": text(f"First paragraph on {key}.\n\nSecond paragraph on {key}."),
            },
            _task(f"{key}_task", worksheet="goals" if kind == "opening" else None),
        ],
    }


def _pack() -> dict[str, Any]:
    return {
        "id": "mini",
        "version": "0.1",
        "languages": ["sv", "en"],
        "title": text("Mini programme"),
        "summary": text("Mini summary"),
        "purpose": text("Mini purpose"),
        "rules": {
            "max_members": 10,
            "min_meetings": 2,
            "max_meetings": 3,
            "meeting_minutes": {"min": 120, "max": 180},
            "first_theme": "opening",
            "last_theme": "closing",
            "unique_themes": True,
        },
        "arrangement": [{"key": "size", "title": text("Size"), "text": text("At most ten")}],
        "preconditions": [
            {"key": "voluntary", "text": text("Taking part is voluntary")},
            {"key": "confidential", "text": text("What is said stays here")},
        ],
        "principles": [
            {"key": "listen", "title": text("Listen"), "text": text("Listen and learn")},
            {"key": "respect", "title": text("Respect"), "text": text("Give space")},
        ],
        "principles_source": text("After somebody"),
        "confidentiality": text("Keep it in the group"),
        "guidelines": [{"key": "breaks", "text": text("Take breaks")}],
        "meeting": {
            "start": {
                "title": text("Start"),
                "checkin": {
                    "title": text("Check-in"),
                    "questions": [text("How are you?")],
                    "per_person_minutes": {"min": 1, "max": 2},
                },
                "rules": {
                    "title": text("Ground rules"),
                    "text": text("Go through them"),
                    "duration": {"min": 3, "max": 5},
                },
                "first_meeting_rules": {
                    "title": text("Principles"),
                    "text": text("Go through the principles"),
                    "duration": {"min": 10, "max": 15},
                },
            },
            "introduction_minutes": {"min": 5, "max": 10},
            "break": {
                "title": text("Break"),
                "text": text("Stretch"),
                "minutes": 10,
                "every_minutes": 60,
            },
            "close": {
                "title": text("Close"),
                "lessons": {
                    "title": text("Lessons"),
                    "questions": [text("What do you take with you?")],
                    "per_person_minutes": {"min": 1, "max": 2},
                },
                "observations": {
                    "title": text("Observations"),
                    "questions": [text("What did we do well?")],
                    "duration": {"min": 5, "max": 10},
                },
            },
        },
        "themes": ["opening", "money", "closing"],
    }


def _crisis() -> dict[str, Any]:
    return {
        "notice": {
            "title": text("Not a crisis service"),
            "text": text("Seek help"),
            "emergency": text("Call 112"),
        },
        "countries": {
            "FI": {
                "name": text("Finland"),
                "contacts": [
                    {
                        "key": "emergency",
                        "name": text("Emergency number"),
                        "number": "112",
                        "languages": ["fi", "sv", "en"],
                        "hours": text("Always"),
                        "always_open": True,
                    }
                ],
            },
            "NO": {
                "name": text("Norway"),
                "contacts": [
                    {
                        "key": "emergency",
                        "name": text("Emergency number"),
                        "number": "113",
                        "languages": ["no"],
                        "hours": text("Always"),
                        "always_open": True,
                        "url": "https://example.org/help",
                    }
                ],
            },
        },
    }


def pack_files() -> dict[str, Any]:
    """The data of every file of a valid pack, by path relative to the pack folder."""
    return copy.deepcopy(
        {
            "pack.yaml": _pack(),
            "crisis.yaml": _crisis(),
            "themes/opening.yaml": _theme("opening", "opening"),
            "themes/money.yaml": _theme("money", "optional"),
            "themes/closing.yaml": _theme("closing", "closing"),
        }
    )


def write_pack(folder: Path, files: dict[str, Any] | None = None) -> Path:
    """Write a pack (the valid one unless ``files`` is given) into ``folder``; return it.

    A value that is a ``str`` is written as it is (for broken YAML); None leaves the file out.
    """
    for relative, data in (pack_files() if files is None else files).items():
        if data is None:
            continue
        file = folder / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            file.write_text(data, encoding="utf-8")
        else:
            file.write_text(
                yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )
    return folder
