"""Small judgements the sweep makes again and again: does an answer match the expected
outcome, and did anything in the database change."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import translation

from tests.security.access import (
    ACCESS,
    ADMIN,
    ADMIN_EXCEPTIONS,
    ADMIN_LOGIN,
    BACK,
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    Rule,
)
from tests.security.crawl import Visit
from tests.security.routes import Route

# Every app whose rows a refused request must leave alone.
WATCHED_APPS = frozenset(
    {
        "accounts",
        "account",
        "core",
        "programme",
        "groups",
        "meetings",
        "planning",
        "board",
        "notebook",
        "room",
        "organisations",
    }
)
# Columns that change without anyone doing anything (a heartbeat).
VOLATILE = frozenset({("room.RoomPresence", "seen_at")})
# Signing in (force_login) stamps last_login; the sweep signs everyone in before it starts.
IGNORED = frozenset({("accounts.User", "last_login")})


def rule_for(route: Route) -> Rule:
    if route.is_admin:
        return ADMIN_EXCEPTIONS.get(route.name or "", ADMIN)
    assert route.name is not None, route.label
    return ACCESS[route.name]


def login_path() -> str:
    with translation.override("en"):
        return reverse("account_login")


def outcome_problem(visit: Visit, expected: str, *, group_id: int) -> str | None:
    """Why the answer is not the expected outcome (None when it is)."""
    status, location = visit.status, visit.location.split("?", 1)[0]
    area = visit.address.area
    if visit.address.route.is_admin and expected == OK and visit.role == "operator":
        # The admin answers its operator in many ways (a 403 where nobody may add, a 404
        # for an unknown page); what matters is that the operator is never sent to log in.
        if status < 500 and not location.startswith("/admin/login/"):
            return None
        return f"operator got {status} {location}"
    if expected == OK:
        if status == 200:
            return None
        if status == 302 and location.startswith("/"):
            if area in ("group", "other"):
                if location.startswith(f"/en/groups/{group_id}/"):
                    return None
                return f"redirected out of the group's pages to {location}"
            return None
        return f"expected 200 (or a redirect within), got {status} {location}"
    if expected == LOGIN:
        if status == 302 and location == login_path() and "next=" in visit.location:
            return None
        return f"expected a redirect to the login page, got {status} {visit.location}"
    if expected == BACK:
        if status == 302 and location.startswith(f"/en/groups/{group_id}/"):
            return None
        return f"expected a redirect back to the group's pages, got {status} {location}"
    if expected == ADMIN_LOGIN:
        if status == 302 and location.startswith("/admin/"):
            return None
        return f"expected the admin's login, got {status} {location}"
    wanted = {NOT_FOUND: 404, FORBIDDEN: 403, NOT_ALLOWED: 405}[expected]
    if status == wanted:
        return None
    return f"expected {wanted}, got {status} {location}"


def _watched_tables() -> list[tuple[str, str]]:
    """(model label, SELECT statement) for every watched model, read past the ORM: no
    decryption and no model instances, so that one look at everything stays cheap."""
    quote = connection.ops.quote_name
    tables = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in WATCHED_APPS:
            continue
        columns = ", ".join(
            quote(f.column)
            for f in meta.concrete_fields
            if (meta.label, f.name) not in VOLATILE | IGNORED
        )
        table, order = quote(meta.db_table), quote(meta.pk.column)
        # Names from the models themselves, quoted by the database backend.
        tables.append((meta.label, f"SELECT {columns} FROM {table} ORDER BY {order}"))  # noqa: S608
    return tables


def fingerprint() -> dict[str, Any]:
    """Every row of every watched model (and the e-mails sent so far), to compare."""
    data: dict[str, Any] = {"mail.outbox": len(mail.outbox)}
    with connection.cursor() as cursor:
        for label, sql in _watched_tables():
            cursor.execute(sql)
            data[label] = cursor.fetchall()
    return data


def changed_tables(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(key for key in before if before[key] != after.get(key))
