"""Template filters for pack content: texts in the active language, durations, kind names."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language, gettext, pgettext

from booster.programme.schema import DurationRange, I18nText, PhaseMode, ThemeKind, WorksheetKind

register = template.Library()


@register.filter
def t(text: I18nText | None) -> str:
    """The text in the active language (else the pack's first language); "" for None."""
    if text is None:
        return ""
    return text.get(get_language())


@register.filter
def minutes(value: DurationRange | int | None) -> str:
    """A duration in minutes: ``30–45 min`` for a range, ``10 min`` for a number."""
    if value is None:
        return ""
    if isinstance(value, int):
        return gettext("%(minutes)s min") % {"minutes": value}
    if value.min == value.max:
        return gettext("%(minutes)s min") % {"minutes": value.min}
    return gettext("%(min)s–%(max)s min") % {"min": value.min, "max": value.max}


@register.filter
def mode_name(mode: PhaseMode | str) -> str:
    """How members work in a phase, e.g. "In pairs"."""
    names = {
        PhaseMode.ALONE: pgettext("phase mode", "Alone"),
        PhaseMode.PAIRS: pgettext("phase mode", "In pairs"),
        PhaseMode.GROUP: pgettext("phase mode", "Whole group"),
        PhaseMode.ROUND: pgettext("phase mode", "Round"),
    }
    return names.get(PhaseMode(mode), str(mode))


@register.filter
def kind_name(kind: ThemeKind | str) -> str:
    """Where a theme sits on the path, e.g. "Optional theme"."""
    names = {
        ThemeKind.OPENING: gettext("First meeting"),
        ThemeKind.OPTIONAL: gettext("Optional theme"),
        ThemeKind.CLOSING: gettext("Last meeting"),
    }
    return names.get(ThemeKind(kind), str(kind))


@register.filter
def worksheet_name(kind: WorksheetKind | str) -> str:
    """The name of a worksheet members fill in during a task."""
    names = {
        WorksheetKind.EXPECTATIONS: gettext("My expectations"),
        WorksheetKind.RESOURCES_DEMANDS: gettext("Resources and demands"),
        WorksheetKind.RECOVERY_DAY: gettext("A day of good recovery"),
        WorksheetKind.COMPETENCE: gettext("My competence"),
        WorksheetKind.SELF_PRESENTATION: gettext("Presenting myself"),
        WorksheetKind.GOALS: gettext("My goals"),
        WorksheetKind.COLLABORATION: gettext("My collaboration"),
        WorksheetKind.NETWORK_MAP: gettext("Network map"),
        WorksheetKind.APPRECIATIVE_INTERVIEW: gettext("Appreciative interview"),
        WorksheetKind.EVALUATION: gettext("Evaluation"),
    }
    return names.get(WorksheetKind(kind), str(kind))
