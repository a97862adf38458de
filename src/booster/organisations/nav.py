"""Whether the site's navigation links to "My organisations". The answer is kept in the
session (worked out at login and whenever it changes here), so that no page pays a query
for it; a coordinator added by an operator sees the link from their next login, or at once
on the organisations page itself."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

SESSION_KEY = "organisations_coordinates"


def remember_coordination(request: HttpRequest, *, coordinates: bool) -> None:
    if request.session.get(SESSION_KEY) != coordinates:
        request.session[SESSION_KEY] = coordinates


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    from booster.organisations.selectors import coordinates_any

    if request is not None and hasattr(request, "session"):
        remember_coordination(request, coordinates=coordinates_any(user))
