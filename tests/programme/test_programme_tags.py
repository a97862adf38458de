"""The template filters for pack content."""

from __future__ import annotations

from django.utils import translation

from booster.programme.schema import DurationRange, I18nText, PhaseMode, ThemeKind, WorksheetKind
from booster.programme.templatetags.programme_tags import (
    kind_name,
    minutes,
    mode_name,
    t,
    worksheet_name,
)


def test_t_uses_the_active_language() -> None:
    text = I18nText({"sv": "Hej", "en": "Hello"})

    with translation.override("sv"):
        assert t(text) == "Hej"
    with translation.override("fi"):
        assert t(text) == "Hej"
    assert t(text) == "Hello"
    assert t(None) == ""


def test_minutes() -> None:
    assert minutes(DurationRange(min=30, max=45)) == "30–45 min"
    assert minutes(DurationRange(min=10, max=10)) == "10 min"
    assert minutes(10) == "10 min"
    assert minutes(None) == ""


def test_names() -> None:
    assert [mode_name(mode) for mode in PhaseMode] == ["Alone", "In pairs", "Whole group", "Round"]
    assert mode_name("pairs") == "In pairs"
    assert kind_name(ThemeKind.OPTIONAL) == "Optional theme"
    assert all(worksheet_name(kind) for kind in WorksheetKind)
