"""The fuzzed forms cannot miss a URL: every URL pattern that takes a POST, discovered from
the URLconf, has an entry in tests/fuzz/endpoints.py, and every entry is a real URL."""

from __future__ import annotations

from booster.room.services import COMMANDS
from booster.room.views import FORM_COMMANDS
from tests.fuzz.endpoints import ENDPOINTS, NOT_FORMS, ROLES
from tests.fuzz.harness import allowed_methods, post_routes, routes

# The operator's admin site is Django's own; its access is proved in tests/security.
OUTSIDE = ("admin:",)


def test_every_url_that_takes_a_post_is_fuzzed() -> None:
    found = {name for name in post_routes() if not name.startswith(OUTSIDE)}
    listed = set(ENDPOINTS) | set(NOT_FORMS)
    assert found - listed == set(), "add these URLs to tests/fuzz/endpoints.py"
    assert listed - found == set(), "these entries name no URL that takes a POST"


def test_the_method_discovery_sees_get_only_views() -> None:
    """The table is only as good as the discovery: GET-only views are recognised as such."""
    by_name = {route.name: route for route in routes()}
    assert allowed_methods(by_name["groups:home"].callback) == frozenset({"GET"})
    assert allowed_methods(by_name["room:command"].callback) == frozenset({"POST"})
    assert "POST" in (allowed_methods(by_name["account_login"].callback) or set())


def test_every_entry_names_a_known_role() -> None:
    assert {endpoint.persona for endpoint in ENDPOINTS.values()} <= set(ROLES)


def test_the_room_form_offers_every_command() -> None:
    """The no-JavaScript command form (fuzzed above) takes every command of the socket."""
    assert set(COMMANDS) == set(FORM_COMMANDS)
