"""Keeping the dashboard's cached totals honest about groups.

An organisation's totals are cached for a minute (``reports.TOTALS_SECONDS``). Whenever a
group of it is saved or deleted — created by a call, started, closed, moved to another
organisation — the cached figures of the organisations involved are forgotten, so the
groups counted by state (which also page the dashboard's list) are never out of date.
Members and meetings are recounted at most a minute later.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_init, post_save

from booster.groups.models import Group
from booster.organisations.reports import group_totals_forget


def _remember_organisation(sender: type[Group], instance: Group, **kwargs: Any) -> None:
    # The organisation the row had when loaded, to forget it too if the group moves.
    instance._loaded_organisation_id = instance.__dict__.get("organisation_id")  # type: ignore[attr-defined]


def _forget(sender: type[Group], instance: Group, **kwargs: Any) -> None:
    before = getattr(instance, "_loaded_organisation_id", None)
    for organisation_id in {before, instance.organisation_id}:
        if organisation_id is not None:
            group_totals_forget(organisation_id=organisation_id)
    instance._loaded_organisation_id = instance.organisation_id  # type: ignore[attr-defined]


def connect() -> None:
    post_init.connect(_remember_organisation, sender=Group, dispatch_uid="org-totals-init")
    post_save.connect(_forget, sender=Group, dispatch_uid="org-totals-save")
    post_delete.connect(_forget, sender=Group, dispatch_uid="org-totals-delete")
