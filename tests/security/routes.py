"""Every URL pattern of the site, discovered from the URLconf (never listed by hand).

``routes()`` walks ``get_resolver()`` through every include and namespace, the language-
prefixed patterns as well (under ``/en/``, the language the tests run in). The admin site's
patterns are kept apart: the matrix checks them as one group, operator against everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import translation

ADMIN_PREFIX = "admin/"


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full name ("namespace:name", or None when it has no name), the
    pattern text from the root, and the keyword arguments it takes."""

    name: str | None
    pattern: str
    kwargs: tuple[str, ...]
    view: str

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith(ADMIN_PREFIX)

    @property
    def label(self) -> str:
        return self.name or f"<unnamed {self.pattern!r} → {self.view}>"


def _kwarg_names(pattern: object) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return list(pattern.regex.groupindex)
    return []


def _walk(
    resolver: URLResolver, prefix: str, namespace: str | None, kwargs: list[str]
) -> list[Route]:
    found: list[Route] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            found += _walk(
                entry, prefix + str(entry.pattern), inner, kwargs + _kwarg_names(entry.pattern)
            )
        elif isinstance(entry, URLPattern):
            name = entry.name
            if name and namespace:
                name = f"{namespace}:{name}"
            found.append(
                Route(
                    name=name,
                    pattern=prefix + str(entry.pattern),
                    kwargs=tuple(kwargs + _kwarg_names(entry.pattern)),
                    view=entry.lookup_str,
                )
            )
    return found


@cache
def routes() -> tuple[Route, ...]:
    """Every pattern of the URLconf, in the order Django tries them (the language-prefixed
    ones under /en/)."""
    with translation.override("en"):
        return tuple(_walk(get_resolver(), "", None, []))


def site_routes() -> list[Route]:
    """Everything outside the admin site."""
    return [route for route in routes() if not route.is_admin]


def admin_routes() -> list[Route]:
    return [route for route in routes() if route.is_admin]


def registered_admin_models() -> list[type]:
    return list(admin.site._registry)
