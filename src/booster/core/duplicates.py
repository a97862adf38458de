"""Telling one form sent twice from two submissions.

A double click, a browser retrying a slow answer, or reload-and-resend posts the same
form again. A service that creates something first takes :func:`person_lock` (so that the
same person's submissions run one after the other, even at the same moment) and then asks
:func:`recent_twin` for what the same person made with the same content moments ago; when
there is one, it returns that instead of making a second.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

# A second identical submission this soon after the first is the same one.
RESUBMIT_WINDOW = timedelta(minutes=2)

M = TypeVar("M", bound=models.Model)


def person_lock(model: type[models.Model], pk: int) -> None:
    """Lock one row that all of a person's submissions of a form share (their membership,
    or their account). PostgreSQL waits here; SQLite's IMMEDIATE transactions already run
    writers one at a time. Call inside the transaction that creates."""
    list(model._default_manager.select_for_update(no_key=True).filter(pk=pk).values_list("pk"))


def recent_twin(
    queryset: models.QuerySet[M], *, created_field: str = "created_at", **same: Any
) -> M | None:
    """The newest row of ``queryset`` made within :data:`RESUBMIT_WINDOW` whose fields
    equal ``same`` (compared in Python, so that encrypted fields compare too)."""
    since = timezone.now() - RESUBMIT_WINDOW
    recent = queryset.filter(**{f"{created_field}__gte": since}).order_by(
        f"-{created_field}", "-pk"
    )
    for row in recent[:20]:
        if all(getattr(row, name) == value for name, value in same.items()):
            return row
    return None
