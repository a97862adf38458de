"""Every URL pattern and every room message type has an entry in the expected-access tables
(tests/security/access.py). A pattern or a message added without one fails here, by name."""

from __future__ import annotations

from booster.room.services import COMMANDS
from booster.room.views import FORM_COMMANDS
from tests.security.access import ACCESS, ROLES, WS_ACCESS
from tests.security.checks import rule_for
from tests.security.routes import admin_routes, routes, site_routes


def test_every_url_pattern_outside_the_admin_has_a_name() -> None:
    unnamed = [route.label for route in site_routes() if route.name is None]
    assert not unnamed, (
        f"Give these URL patterns a name and an entry in tests/security/access.py ACCESS: {unnamed}"
    )


def test_every_named_url_pattern_has_an_expected_access_entry() -> None:
    missing = sorted({r.name for r in site_routes() if r.name and r.name not in ACCESS})
    assert not missing, (
        "These URL patterns have no entry in tests/security/access.py ACCESS; say who may "
        f"open them (PUBLIC, LOGIN, MEMBER, STEWARD, OWNER, …): {missing}"
    )


def test_the_table_names_no_url_that_is_gone() -> None:
    names = {route.name for route in site_routes()}
    stale = sorted(set(ACCESS) - names)
    assert not stale, f"ACCESS names URL patterns that no longer exist: {stale}"


def test_the_walk_reaches_every_part_of_the_site() -> None:
    """A guard on the walk itself: every app's URLs, the language-prefixed ones under /en/,
    the feed outside the prefix, and the admin site as one group."""
    names = {route.name for route in routes() if route.name}
    for expected in (
        "root",
        "calendar:feed",
        "core:home",
        "groups:home",
        "planning:goals",
        "meetings:detail",
        "board:index",
        "notebook:index",
        "room:room",
        "account_login",
        "admin:index",
    ):
        assert expected in names, expected
    group_apps = {"groups", "planning", "meetings", "board", "notebook", "room"}
    for route in site_routes():
        if (route.name or "").split(":")[0] in group_apps:
            assert route.pattern.startswith("en/"), route.label
    assert len(admin_routes()) > 10
    for route in admin_routes():
        assert rule_for(route).allowed == frozenset({"operator"}) or route.name == "admin:login"


def test_every_rule_speaks_of_every_role() -> None:
    for name, rule in ACCESS.items():
        for role in ROLES:
            assert role in rule.allowed or role in rule.refused, (name, role)


def test_every_room_message_type_has_an_expected_access_entry() -> None:
    message_types = set(COMMANDS) | {"ping", "snapshot", "write"}
    missing = sorted(message_types - set(WS_ACCESS))
    assert not missing, (
        "These room messages have no entry in tests/security/access.py WS_ACCESS; say who "
        f"may send them (DRIVER, ANY_MEMBER, SPEAKER_OR_DRIVER, TAKE_OVER): {missing}"
    )
    assert not set(WS_ACCESS) - message_types, "WS_ACCESS names messages that are gone"
    # The no-JavaScript form carries the same commands, checked by the same services.
    assert set(FORM_COMMANDS) <= set(COMMANDS)
