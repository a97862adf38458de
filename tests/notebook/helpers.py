"""Small helpers shared by the notebook tests."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.urls import reverse

from booster.accounts.models import User
from booster.groups.models import Membership
from booster.groups.permissions import GroupAccess
from booster.notebook import selectors, services
from booster.notebook.models import NotebookEntry
from booster.notebook.worksheets import Slot

AUTOSAVE = {"HTTP_X_NOTEBOOK_AUTOSAVE": "1"}

# Tasks of the BOOSTER pack with each kind of worksheet.
TASKS = {
    "expectations": ("opening", "shared_goals"),
    "resources_demands": ("work_ability", "balance_task"),
    "recovery_day": ("work_ability", "recovery_task"),
    "competence": ("competence", "competence_task"),
    "self_presentation": ("competence", "presentation_task"),
    "goals": ("professional_identity", "today_future_task"),
    "collaboration": ("collaboration", "developing_task"),
    "network_map": ("networks", "map_task"),
    "appreciative_interview": ("closing", "appreciative_interview"),
    "evaluation": ("closing", "evaluation_task"),
    "plain": ("self_leadership", "time_task"),
}


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def access_of(membership: Membership) -> GroupAccess:
    return GroupAccess(group=membership.group, membership=membership)


def consent(membership: Membership) -> GroupAccess:
    access = access_of(membership)
    services.consent_give(access=access)
    return access


def slot_of(membership: Membership, kind: str) -> Slot:
    theme_key, task_key = TASKS[kind]
    slot = selectors.task_slot(
        pack=selectors.group_pack(access=access_of(membership)),
        theme_key=theme_key,
        task_key=task_key,
    )
    assert slot is not None
    return slot


def write(membership: Membership, kind: str, content: dict[str, Any]) -> NotebookEntry:
    """Save a page as the member (consent must have been given)."""
    access = access_of(membership)
    slot = slot_of(membership, kind)
    entry = selectors.entry_for_task(
        access=access, theme_key=slot.theme_key, task_key=slot.task_key
    )
    result = services.entry_save(
        access=access,
        slot=slot,
        entry=entry,
        content=content,
        version=entry.version if entry else 0,
    )
    return result.entry


def task_url(membership: Membership, kind: str) -> str:
    theme_key, task_key = TASKS[kind]
    return reverse(
        "notebook:task",
        kwargs={"group_id": membership.group_id, "theme_key": theme_key, "task_key": task_key},
    )


def url(name: str, membership: Membership, **kwargs: Any) -> str:
    return reverse(f"notebook:{name}", kwargs={"group_id": membership.group_id, **kwargs})


def raw_rows(table: str, column: str) -> list[str]:
    """A column as stored, read past the ORM (which would decrypt it)."""
    with connection.cursor() as cursor:
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT {quote(column)} FROM {quote(table)}")  # noqa: S608 - test names
        return [row[0] for row in cursor.fetchall()]


MAP = {
    "items": [
        {
            "name": "Maria Illustrator",
            "kind": "professional",
            "closeness": "inner",
            "note": "feedback",
        },
        {"name": "My sister", "kind": "wellbeing", "closeness": "inner", "note": ""},
        {"name": "City theatre", "kind": "professional", "closeness": "reach", "note": ""},
    ],
    "widen": "Open evenings at the union",
    "notes": "",
}

SCALES = {
    "resources": [{"text": "Meaningful work", "weight": 5, "note": "say yes to good projects"}],
    "demands": [
        {"text": "Irregular income", "weight": 4, "note": "a buffer"},
        {"text": "Grant writing", "weight": 3, "note": ""},
    ],
    "notes": "",
}
