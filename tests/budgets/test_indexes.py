"""The indexes the hot queries need exist, as the migrations build the schema.

Read from the migrations' project state (not from the current models and not from query
plans): every lookup below must be the leading columns of an index, a unique constraint, a
unique field, the primary key or a foreign key's own index.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db.migrations.loader import MigrationLoader

# (app label, model, columns looked up with "=" (the last one may be a range or the
# order), why).
HOT_LOOKUPS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("sessions", "session", ("session_key",), "every signed-in request"),
    ("accounts", "user", ("email",), "signing in"),
    ("groups", "membership", ("group", "user"), "group_access on every group page"),
    ("groups", "membership", ("user",), "my groups, the navigation"),
    ("groups", "membership", ("group",), "the members of a group, on most pages"),
    ("groups", "group", ("organisation",), "an organisation's groups (dashboard)"),
    ("meetings", "meeting", ("group", "number"), "a group's meetings in order"),
    ("meetings", "meeting", ("starts_at",), "the reminder sweep over every group"),
    ("meetings", "absence", ("meeting", "membership"), "absences on the meeting pages"),
    ("room", "meetingrun", ("meeting",), "the room page and socket"),
    ("room", "attendance", ("run", "membership"), "attendance in the room"),
    ("room", "roompresence", ("run", "seen_at"), "who is in the room"),
    ("notebook", "notebookconsent", ("membership",), "every notebook page"),
    ("notebook", "notebookentry", ("membership",), "the notebook"),
    (
        "notebook",
        "notebookentry",
        ("membership", "theme_key", "task_key"),
        "a task's page and its autosave",
    ),
    ("notebook", "sharedsnapshot", ("membership", "withdrawn_at"), "what is shared"),
    ("board", "post", ("group", "created_at"), "the board, newest first; the digest"),
    ("board", "boarddigestsent", ("membership",), "the board digest"),
    ("planning", "goalproposal", ("group",), "the goals page"),
    ("planning", "goalsrecord", ("group", "number"), "the current goals"),
    ("planning", "rulewish", ("group",), "the rules page"),
    ("planning", "groundrulesversion", ("group", "number"), "the current rules"),
    ("planning", "rulesacknowledgement", ("version", "membership"), "who has read the rules"),
    ("planning", "agreementsversion", ("group", "number"), "the current agreements"),
    ("planning", "themepreference", ("group",), "the themes page"),
    ("planning", "themeplanversion", ("group", "number"), "the current theme plan"),
    ("organisations", "coordinator", ("organisation", "user"), "organisation_access"),
    ("organisations", "coordinator", ("user",), "a coordinator's organisations"),
)


def _strip(name: str) -> str:
    return name.lstrip("-")


def covering_columns(model_state: Any) -> list[tuple[str, ...]]:
    """Every column list the database can search by, for one model of the migrations."""
    found: list[tuple[str, ...]] = []
    for name, field in model_state.fields.items():
        # A foreign key has db_index unless told otherwise; one-to-one fields are unique.
        flags = ("primary_key", "unique", "db_index")
        if any(getattr(field, flag, False) for flag in flags):
            found.append((name,))
    for index in model_state.options.get("indexes", []):
        found.append(tuple(_strip(f) for f in index.fields))
    for constraint in model_state.options.get("constraints", []):
        fields = getattr(constraint, "fields", ())
        if fields:
            found.append(tuple(fields))
    for together in model_state.options.get("unique_together", ()) or ():
        found.append(tuple(together))
    return found


def covered(lookup: tuple[str, ...], columns: list[tuple[str, ...]]) -> bool:
    """The lookup's columns are the leading columns of one index (in any order: they are
    all compared with "=", or the last one is a range the index is ordered by)."""
    size = len(lookup)
    return any(
        len(cols) >= size and set(cols[: size - 1]) | {cols[size - 1]} == set(lookup)
        for cols in columns
    )


@pytest.fixture(scope="module")
def migration_state() -> Any:
    loader = MigrationLoader(None, ignore_no_migrations=True)  # files only, no database
    return loader.project_state()


@pytest.mark.parametrize(
    ("app", "model", "lookup", "why"),
    HOT_LOOKUPS,
    ids=[f"{a}.{m}({','.join(f)})" for a, m, f, _w in HOT_LOOKUPS],
)
def test_hot_lookup_has_an_index(
    migration_state: Any, app: str, model: str, lookup: tuple[str, ...], why: str
) -> None:
    model_state = migration_state.models[(app, model)]
    for name in lookup:
        assert name in model_state.fields, f"{app}.{model} has no field {name}"
    columns = covering_columns(model_state)
    assert covered(lookup, columns), (
        f"{app}.{model}: no index starts with {lookup} ({why}); found {columns}"
    )


def test_the_check_can_fail() -> None:
    """A lookup on a column no index leads with is reported as uncovered."""
    assert not covered(("number",), [("group", "number"), ("id",)])
    assert not covered(("group", "state"), [("group", "number")])
    assert covered(("user", "group"), [("group", "user")])
    assert covered(("group",), [("group", "created_at")])
