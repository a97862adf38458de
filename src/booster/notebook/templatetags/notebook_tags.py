"""Template helpers for the notebook's editors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from booster.notebook.worksheets import CLOSENESS, NETWORK_KINDS

register = template.Library()


@register.simple_tag
def field_errors(errors: Mapping[str, list[str]], name: str, index: Any = None) -> list[str]:
    """The problems of one field: ``{% field_errors errors "answer" forloop.counter0 as e %}``."""
    key = name if index is None or index == "" else f"{name}-{index}"
    return list(errors.get(key, []))


@register.simple_tag
def field_name(*parts: Any) -> str:
    """A field's name from its parts: ``{% field_name "items" row.index "name" %}``."""
    return "-".join(str(part) for part in parts)


@register.filter
def numbered(label: Any, number: Any) -> str:
    """A label with its number filled in: "Resource %(number)s" → "Resource 3"."""
    return str(label) % {"number": number}


@register.filter
def item_at(values: Any, index: int) -> Any:
    try:
        return values[index]
    except (IndexError, KeyError, TypeError):
        return ""


@register.filter
def network_kind(value: Any) -> str:
    """ "Professional" or "Supports my well-being"."""
    return str(dict(NETWORK_KINDS).get(value, value))


@register.filter
def closeness(value: Any) -> str:
    """ "Inner circle", "Outer circle" or "Want to reach"."""
    return str(dict(CLOSENESS).get(value, value))


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` for a key held in a variable; "" when missing."""
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return ""
