"""How meeting times read in each language: "sunnuntai 10. maaliskuuta 2030 klo 17.00",
"söndag 10 mars 2030 kl. 16:00", "Sunday 10 March 2030, 17:00". The value is shown in the
active time zone (the viewer's, or the e-mail recipient's)."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import dateformat
from django.utils.translation import get_language

register = template.Library()

# Django's own formats for Finnish lack the weekday and use the nominative month name.
FORMATS: dict[str, dict[str, str]] = {
    "en": {"when": "l j F Y, H:i", "short": "D j M, H:i", "day": "l j F Y", "time": "H:i"},
    "sv": {
        "when": r"l j F Y \k\l\. H:i",
        "short": "D j/n H:i",
        "day": "l j F Y",
        "time": "H:i",
    },
    "fi": {
        "when": r"l j. E Y \k\l\o H.i",
        "short": r"D j.n. \k\l\o H.i",
        "day": "l j. E Y",
        "time": "H.i",
    },
}


def format_when(value: datetime | None, kind: str = "when") -> str:
    if value is None:
        return ""
    language = (get_language() or "en").split("-")[0]
    formats = FORMATS.get(language, FORMATS["en"])
    return dateformat.format(value, formats[kind])


@register.filter(expects_localtime=True)
def when(value: datetime | None) -> str:
    """Weekday, date and time."""
    return format_when(value, "when")


@register.filter(expects_localtime=True)
def when_short(value: datetime | None) -> str:
    """A short weekday, date and time for tables."""
    return format_when(value, "short")


@register.filter(expects_localtime=True)
def day(value: datetime | None) -> str:
    """Weekday and date."""
    return format_when(value, "day")


@register.filter(expects_localtime=True)
def clock(value: datetime | None) -> str:
    """The time of day."""
    return format_when(value, "time")
