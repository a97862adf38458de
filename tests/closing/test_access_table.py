"""The closing pages against the shared expected-access table and leak markers
(tests/security/access.py) as every role of the security world, GET and a refused POST
alike: a narrow copy of the site-wide matrix and leak sweep for the closing rows."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.personas import World
from tests.security.access import ROLES, SEES
from tests.security.checks import changed_tables, fingerprint, outcome_problem, rule_for
from tests.security.crawl import Address, clients_for, visit
from tests.security.routes import site_routes
from tests.security.world import build_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_the_closing_pages_answer_each_role_as_the_table_says(world: World, role: str) -> None:
    secure = build_world(world)
    client = clients_for(secure)[role]
    problems: list[str] = []
    routes = [route for route in site_routes() if (route.name or "").startswith("closing:")]
    assert len(routes) == 6
    shown: set[str] = set()
    before = fingerprint()
    with translation.override("en"):
        for route in routes:
            assert route.name is not None
            url = reverse(route.name, kwargs={"group_id": secure.group_id})
            address = Address(route, url, "group")
            rule = rule_for(route)
            seen = visit(client, role, address)
            problem = outcome_problem(seen, rule.get_outcome(role), group_id=secure.group_id)
            if problem:
                problems.append(f"GET {route.name}: {problem}")
            leaked = [
                kind
                for kind, marker in secure.markers.items()
                if marker in seen.body and role not in SEES[kind]
            ]
            if leaked:
                problems.append(f"GET {route.name} shows {leaked}")
            shown.update(kind for kind, marker in secure.markers.items() if marker in seen.body)
            expected = rule.post_outcome(role)
            if expected is None:
                continue
            seen = visit(client, role, address, method="POST")
            problem = outcome_problem(seen, expected, group_id=secure.group_id)
            if problem:
                problems.append(f"POST {route.name}: {problem}")
            after = fingerprint()
            if after != before:
                problems.append(f"POST {route.name} changed {changed_tables(before, after)}")
                before = after
    assert not problems, f"{role}:\n" + "\n".join(problems)
    # The sweep is not blind: whoever may see the closing markers sees them here.
    for kind in ("closing_signed", "closing_unsigned", "feedback_comment"):
        assert (kind in shown) == (role in SEES[kind]), kind
