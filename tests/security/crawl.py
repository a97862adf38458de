"""Visiting every page as every role.

``site_urls`` turns each discovered pattern into real addresses (with the world's objects as
arguments, and several addresses where one pattern serves several kinds of page, such as one
notebook page per worksheet kind). ``crawl`` GETs all of them as every role and keeps what
came back: the matrix reads the statuses, the leak test the bodies, the header test the
headers. It is built once per test process (the first test that asks builds its world and
visits; the others read the same answers), which keeps the sweep to one world and one crawl.
"""

from __future__ import annotations

import logging
import re
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.personas import World
from tests.security.access import ROLES
from tests.security.routes import Route, admin_routes, site_routes
from tests.security.world import WORKSHEET_TASKS, SecurityWorld, build_world

LANGUAGE = "en"
QUERY = "?"  # a variant's query string, kept apart from the URL's arguments


# --- addresses ------------------------------------------------------------------------


def _common_kwargs(world: SecurityWorld) -> dict[str, Any]:
    return {
        "group_id": world.group_id,
        "meeting_id": world.meeting.pk,
        "membership_id": world.base.member.pk,
        "invite_id": world.invite.pk,
        "concern_id": world.concern.pk,
        "swap_id": world.swap.pk,
        "poll_id": world.poll.pk,
        "post_id": world.post.pk,
        "snapshot_id": world.snapshot.pk,
        "idea_id": world.idea.pk,
        "wish_id": world.wish.pk,
        "number": 1,
        "key": "opening",
        "slug": world.organisation.slug,
    }


def _variants(world: SecurityWorld, route: Route) -> list[dict[str, Any]]:
    """The arguments of each address one pattern is visited at."""
    name = route.name or ""
    one: dict[str, Any] = {}
    if name in ("groups:join", "groups:waiting_join"):
        one["token"] = world.invite.token
    elif name == "calendar:feed":
        one["token"] = world.feed.token
    elif name.startswith("calls:"):
        one["call_id"] = world.call.pk
        if name == "calls:draft_update":
            one["draft_id"] = world.call_draft.pk
    elif name.startswith("calls_public:"):
        one["token"] = world.call.token
    elif name == "organisations:invite_accept":
        one["token"] = world.coordinator_invite.token
    elif name == "organisations:invite_revoke":
        one["invite_id"] = world.coordinator_invite.pk
    elif name == "organisations:coordinator_remove":
        one["coordinator_id"] = world.coordinator.pk
    elif name in ("groups:waiting", "groups:waiting_withdraw"):
        one["entry_id"] = world.waiting.pk
    elif name in ("notebook:note", "notebook:note_delete"):
        one["entry_id"] = world.note.pk
    elif name in ("notebook:share", "notebook:picture"):
        one["entry_id"] = world.map_entry.pk
    elif name == "notebook:task":
        return [
            {"theme_key": theme_key, "task_key": task_key}
            for theme_key, task_key in WORKSHEET_TASKS.values()
        ]
    elif name == "room:room":
        # The whole room, and the agenda fragment room.js fetches again.
        return [{}, {QUERY: "?part=agenda"}]
    elif name in ("notebook:takeaway", "meetings:detail"):
        return [{"meeting_id": world.meeting.pk}, {"meeting_id": world.held_meeting.pk}]
    elif name == "room:tool":
        return [{"tool": tool} for tool in ("goals", "ground_rules", "agreements", "theme_plan")]
    return [one]


@dataclass(frozen=True)
class Address:
    route: Route
    url: str
    area: str  # "group" (the world's group), "other" (the other group), "site", "admin"

    @property
    def name(self) -> str:
        return self.route.label


def site_urls(world: SecurityWorld) -> list[Address]:
    """Every non-admin pattern at the world's objects (group pages under the world's group)."""
    common = _common_kwargs(world)
    found: list[Address] = []
    with translation.override(LANGUAGE):
        for route in site_routes():
            if route.name is None:
                continue  # test_url_table fails for these; nothing to visit
            for variant in _variants(world, route):
                values = {**common, **variant}
                unknown = [key for key in route.kwargs if key not in values]
                assert not unknown, (
                    f"{route.name} takes {unknown}, which tests/security/crawl.py cannot fill "
                    "yet: give the world such an object and name it in _common_kwargs or "
                    "_variants"
                )
                kwargs = {key: values[key] for key in route.kwargs}
                area = "group" if "group_id" in kwargs else "site"
                url = reverse(route.name, kwargs=kwargs) + variant.get(QUERY, "")
                found.append(Address(route, url, area))
    return found


def other_group_urls(world: SecurityWorld) -> list[Address]:
    """The other group's own pages, as its member sees them: every pattern that needs only
    the group (and the other member's post and note)."""
    known = {
        "group_id": world.base.other_group.pk,
        "post_id": world.other_post.pk,
        "entry_id": world.other_note.pk,
    }
    found: list[Address] = []
    with translation.override(LANGUAGE):
        for route in site_routes():
            if route.name is None or "group_id" not in route.kwargs:
                continue
            if route.name not in ("board:edit", "notebook:note") and route.kwargs != ("group_id",):
                continue
            kwargs = {key: known[key] for key in route.kwargs}
            found.append(Address(route, reverse(route.name, kwargs=kwargs), "other"))
    return found


def _admin_model_of(route: Route) -> type | None:
    for model in admin.site._registry:
        meta = model._meta
        if route.pattern.startswith(f"admin/{meta.app_label}/{meta.model_name}/"):
            return model
    return None


def _filler(values: dict[str, Any]) -> Any:
    def fill(match: re.Match[str]) -> str:
        return str(values[match.group(1)])

    return fill


def admin_urls(world: SecurityWorld) -> list[Address]:
    """Every pattern of the admin site, at an object of its model where it needs one."""
    member_user = world.base.member.user
    labels = sorted({model._meta.app_label for model in admin.site._registry})
    found: list[Address] = []
    for route in admin_routes():
        model = _admin_model_of(route)
        obj: Any = None
        if model is not None:
            obj = member_user if model is type(member_user) else model._default_manager.first()
        values = {
            "object_id": obj.pk if obj is not None else 1,
            "id": member_user.pk,
            "content_type_id": ContentType.objects.get_for_model(member_user).pk,
            "url": "no-such-page/",
        }
        if route.name == "admin:view_on_site":
            values["object_id"] = member_user.pk
        if route.name == "admin:app_list":
            found += [
                Address(route, reverse(route.name, kwargs={"app_label": label}), "admin")
                for label in labels
            ]
            continue
        kwargs = {key: values[key] for key in route.kwargs}
        if route.name is not None:
            url = reverse(route.name, kwargs=kwargs)
        elif "(?P<url>" in route.pattern:
            url = "/admin/" + values["url"]
        else:
            url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", _filler(values), route.pattern)
        found.append(Address(route, url, "admin"))
    return found


# --- visiting -------------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    role: str
    address: Address
    method: str
    status: int
    location: str
    content_type: str
    headers: dict[str, str]
    body: str

    @property
    def name(self) -> str:
        return self.address.name


def clients_for(world: SecurityWorld) -> dict[str, Client]:
    clients: dict[str, Client] = {}
    for role in ROLES:
        client = Client()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        clients[role] = client
    return clients


def readable(body: bytes) -> str:
    """The body as text, with iCalendar's folded lines joined again (a fold could split a
    marker in two)."""
    return body.decode("utf-8", errors="replace").replace("\r\n ", "").replace("\r\n\t", "")


def visit(client: Client, role: str, address: Address, *, method: str = "GET") -> Visit:
    response = client.get(address.url) if method == "GET" else client.post(address.url, {})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return Visit(
        role=role,
        address=address,
        method=method,
        status=response.status_code,
        location=response.get("Location", ""),
        content_type=response.get("Content-Type", ""),
        headers={key.lower(): value for key, value in response.headers.items()},
        body=readable(body),
    )


class _PrintedHTML:
    """Stands in for weasyprint.HTML: the "PDF" is the HTML WeasyPrint would have printed,
    so the leak test reads exactly what a PDF would hold (and no PDF is drawn)."""

    def __init__(self, string: str = "", base_url: str | None = None, **_: Any) -> None:
        self.string = string

    def write_pdf(self, stylesheets: Any = None, **_: Any) -> bytes:
        return b"%PDF-as-HTML\n" + self.string.encode()


class _CSS:
    def __init__(self, string: str = "", **_: Any) -> None:
        pass


# Thousands of refusals are expected here: their warnings (with tracebacks) would only bury
# a real failure's report.
_QUIET = ("django.request", "django.security", "django_tasks", "booster")


@contextmanager
def html_instead_of_pdf() -> Iterator[None]:
    """Visit with the fake WeasyPrint, and without the expected refusals' log lines."""
    fake = types.ModuleType("weasyprint")
    fake.HTML = _PrintedHTML  # type: ignore[attr-defined]
    fake.CSS = _CSS  # type: ignore[attr-defined]
    loggers = [logging.getLogger(name) for name in _QUIET]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with mock.patch.dict(sys.modules, {"weasyprint": fake}):
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    text: str


@dataclass
class Crawl:
    """What every role got back from every page, and the world's markers and e-mails."""

    markers: dict[str, str]
    group_id: int
    other_group_id: int
    emails_of: dict[str, str]  # e-mail address → role
    visits: dict[str, list[Visit]] = field(default_factory=dict)
    mails: list[Mail] = field(default_factory=list)


_CRAWL: list[Crawl] = []


def crawl(base: World) -> Crawl:
    """The crawl of this test process, made now (in the calling test's database) if no test
    made it yet."""
    if not _CRAWL:
        _CRAWL.append(_make_crawl(base))
    return _CRAWL[0]


def _make_crawl(base: World) -> Crawl:
    world = build_world(base)
    emails_of = {}
    for role in ROLES:
        user = world.user(role)
        if user is not None:
            emails_of[user.email] = role
    result = Crawl(
        markers=dict(world.markers),
        group_id=world.group_id,
        other_group_id=base.other_group.pk,
        emails_of=emails_of,
        mails=[
            Mail(
                to=tuple(message.to),
                text="\n".join(
                    [
                        str(message.subject),
                        str(message.body),
                        *[str(content) for content, _type in getattr(message, "alternatives", [])],
                    ]
                ),
            )
            for message in mail.outbox
        ],
    )
    addresses = site_urls(world) + admin_urls(world)
    others = other_group_urls(world)
    clients = clients_for(world)
    with html_instead_of_pdf():
        for role in ROLES:
            client = clients[role]
            visits = [visit(client, role, address) for address in addresses]
            if role == "other_member":
                visits += [visit(client, role, address) for address in others]
            result.visits[role] = visits
    return result
