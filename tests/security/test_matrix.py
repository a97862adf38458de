"""The authorisation matrix: every URL pattern of the site (discovered from the URLconf) as
every role, checked against the expected-access table in tests/security/access.py.

GET: an allowed role gets the page (or a redirect that stays within); a refused one gets
404 for group content (the group's existence is never revealed), 403 where the code says
"you are in the group, but not the one who may", or a redirect to log in. POST with an empty
body, as every refused role: the same refusal, and not one row of any app changes.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from booster.room.models import MeetingRun
from booster.room.views import FORM_COMMANDS
from tests.personas import World
from tests.security.access import GROUP_ROLES, ROLES, WS_ACCESS, ws_expected
from tests.security.checks import changed_tables, fingerprint, outcome_problem, rule_for
from tests.security.crawl import (
    admin_urls,
    clients_for,
    crawl,
    html_instead_of_pdf,
    site_urls,
    visit,
)
from tests.security.room import SEATS, Room
from tests.security.world import build_world


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_the_table_says(world: World, role: str) -> None:
    result = crawl(world)
    problems = []
    for seen in result.visits[role]:
        rule = rule_for(seen.address.route)
        group_id = result.group_id
        expected = rule.get_outcome(role)
        if seen.address.area == "other":
            # The other member in their own group: a plain member, owner of their own post
            # and note there.
            group_id = result.other_group_id
            expected = rule.get_outcome("member")
        problem = outcome_problem(seen, expected, group_id=group_id)
        if problem:
            problems.append(f"{seen.name} {seen.address.url}: {problem}")
    assert not problems, f"{role}:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_refused_posts_answer_the_refusal_and_change_nothing(world: World, role: str) -> None:
    secure = build_world(world)
    client: Client = clients_for(secure)[role]
    addresses = site_urls(secure) + admin_urls(secure)
    posted: set[str] = set()
    problems = []
    before = fingerprint()
    with html_instead_of_pdf():
        for address in addresses:
            rule = rule_for(address.route)
            expected = rule.post_outcome(role)
            if expected is None or address.name in posted:
                continue
            posted.add(address.name)
            seen = visit(client, role, address, method="POST")
            problem = outcome_problem(seen, expected, group_id=secure.group_id)
            if problem:
                problems.append(f"POST {address.name} {address.url}: {problem}")
            after = fingerprint()
            if after != before:
                problems.append(
                    f"POST {address.name} {address.url} changed {changed_tables(before, after)}"
                )
                before = after
    assert posted, f"{role} was refused nothing?"
    assert not problems, f"{role}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", ["calendar:feed", "groups:join", "groups:waiting_join"])
def test_a_wrong_token_is_a_404_for_everyone(world: World, name: str) -> None:
    secure = build_world(world)
    address = next(a for a in site_urls(secure) if a.name == name)
    token = secure.feed.token if name == "calendar:feed" else secure.invite.token
    wrong = address.url.replace(token, "x" * len(token))
    for role, client in clients_for(secure).items():
        response = client.post(wrong) if name == "groups:waiting_join" else client.get(wrong)
        if role == "anonymous" and name == "groups:waiting_join":
            assert response.status_code == 302, role
        else:
            assert response.status_code == 404, (name, role)


@pytest.mark.parametrize("role", sorted(GROUP_ROLES))
def test_the_rooms_command_form_refuses_what_the_socket_refuses(world: World, role: str) -> None:
    """room:command (the controls without JavaScript) carries the same commands to the same
    services: an allowed command is carried out (the run's version rises), a refused one
    changes nothing; either way the form returns to the room."""
    room = Room(world)
    client = Client()
    client.force_login(room.people[role].user)
    with translation.override("en"):
        url = reverse(
            "room:command", kwargs={"group_id": world.group.pk, "meeting_id": room.meeting.pk}
        )
        back = reverse(
            "room:room", kwargs={"group_id": world.group.pk, "meeting_id": room.meeting.pk}
        )
    problems = []
    for name in sorted(FORM_COMMANDS):
        expected = ws_expected(WS_ACCESS[name], role, SEATS)
        room.restore()
        if expected == "ok":
            room.prepare(name)
        version = MeetingRun.objects.get(pk=room.run.pk).version
        before = fingerprint()
        data = {key: str(value) for key, value in room.message(name).items()}
        response = client.post(url, {**data, "confirm": "yes"})
        if response.status_code != 302 or response["Location"] != back:
            problems.append(f"{name}: answered {response.status_code}")
        if expected == "ok":
            if MeetingRun.objects.get(pk=room.run.pk).version != version + 1:
                problems.append(f"{name}: not carried out")
        elif fingerprint() != before:
            problems.append(f"{name}: refused, yet changed {changed_tables(before, fingerprint())}")
    assert not problems, f"{role}:\n" + "\n".join(problems)
