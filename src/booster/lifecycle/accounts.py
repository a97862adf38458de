"""A person's own data: everything Booster holds about them as JSON, and deleting it all.

The export walks every model with a link to the person or to one of their memberships, so
a model added next year is exported without anyone remembering to (a test walks the same
links and fails when one is missing). Rows the person owns are exported whole; rows that
only name them (a meeting they facilitated, a version of the ground rules they wrote down
for the group) are listed by kind, id and date, because their text belongs to the group.

Deleting an account removes the person's own rows: their memberships and with them their
notebooks, shares, board posts, wishes, answers and marks. The group's own records stay,
without the name ("former member"). Invitations and e-mails waiting to go to their address
go too, and their sessions end everywhere.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.utils import timezone

from booster.accounts.models import User
from booster.core.crypto import EncryptedTextField
from booster.core.models import OutgoingEmail, audit_log
from booster.groups.models import Membership
from booster.groups.services import membership_leave

# Never exported: the password hash (a secret even from its owner) and Django's session
# and admin-log plumbing.
SECRET_FIELDS = frozenset({"password"})
SKIPPED_MODELS = frozenset({"sessions.session", "admin.logentry"})


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _row(instance: models.Model) -> dict[str, Any]:
    """Every column of a row, foreign keys as ids, encrypted text decrypted."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            continue
        data[field.attname] = _plain(getattr(instance, field.attname))
    return data


def _reference(instance: models.Model, field_name: str) -> dict[str, Any]:
    created = next(
        (
            getattr(instance, name)
            for name in ("created_at", "updated_at", "at", "shared_at")
            if hasattr(instance, name)
        ),
        None,
    )
    return {"id": _plain(instance.pk), "as": field_name, "date": _plain(created)}


def personal_links() -> Iterator[tuple[type[models.Model], models.ForeignKey[Any, Any], str]]:
    """Every foreign key to a user or a membership: (model, field, "user" or "membership")."""
    targets: dict[object, str] = {User: "user", Membership: "membership"}
    for model in apps.get_models():
        if model._meta.label_lower in SKIPPED_MODELS:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model in targets:
                yield model, field, targets[field.related_model]


def account_export(*, user: User) -> dict[str, Any]:
    """Everything linked to the person, as JSON-ready data."""
    memberships = list(Membership.objects.filter(user=user).select_related("group"))
    membership_ids = [membership.pk for membership in memberships]
    owned: dict[str, list[dict[str, Any]]] = {}
    named: dict[str, list[dict[str, Any]]] = {}
    for model, field, target in personal_links():
        if model is Membership:
            continue  # listed on their own below
        ids: list[Any] = [user.pk] if target == "user" else membership_ids
        if not ids:
            continue
        rows = model._default_manager.filter(**{f"{field.attname}__in": ids}).order_by("pk")
        label = model._meta.label
        if field.remote_field.on_delete is models.CASCADE:
            owned.setdefault(label, []).extend(_row(row) for row in rows)
        else:
            named.setdefault(label, []).extend(_reference(row, field.name) for row in rows)
    return {
        "format": "booster-account-export/1",
        "exported_at": timezone.now().isoformat(),
        "profile": _row(user),
        "memberships": [
            {**_row(membership), "group_name": membership.group.name} for membership in memberships
        ],
        "records": {label: rows for label, rows in sorted(owned.items()) if rows},
        "named_in": {label: rows for label, rows in sorted(named.items()) if rows},
        "addressed_to_email": {
            model._meta.label: [
                _row(row) for row in model._default_manager.filter(pk__in=found).order_by("pk")
            ]
            for model, field, found in addressed_to(user.email)
            if field.name == "email"
        },
    }


def account_export_json(*, user: User) -> str:
    return json.dumps(account_export(user=user), ensure_ascii=False, indent=2)


# --- deletion -------------------------------------------------------------------------------


def _end_sessions(user: User) -> None:
    """Log the person out everywhere: delete every session that carries their id."""
    if "django.contrib.sessions" not in settings.INSTALLED_APPS:
        return
    wanted = str(user.pk)
    stale = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == wanted
    ]
    Session.objects.filter(pk__in=stale).delete()


def _email_fields() -> Iterator[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every field outside the account that holds an e-mail address: e-mail fields, and
    encrypted text fields named after one (a call's sign-ups keep theirs encrypted)."""
    for model in apps.get_models():
        if model is User or model._meta.label_lower in SKIPPED_MODELS:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.EmailField) or (
                isinstance(field, EncryptedTextField) and "email" in field.name
            ):
                yield model, field


def _rows_with_address(
    model: type[models.Model], field: models.Field[Any, Any], email: str
) -> list[Any]:
    """Primary keys of the rows whose field holds the address (any case)."""
    if isinstance(field, EncryptedTextField):
        # Encrypted: the database cannot compare, so each value is read.
        return [
            row.pk
            for row in model._default_manager.only("pk", field.attname).iterator()
            if str(getattr(row, field.attname) or "").strip().lower() == email
        ]
    return list(
        model._default_manager.filter(**{f"{field.attname}__iexact": email}).values_list(
            "pk", flat=True
        )
    )


def addressed_to(
    email: str,
) -> Iterator[tuple[type[models.Model], models.Field[Any, Any], list[Any]]]:
    """Rows that hold the address, with the field that holds it."""
    email = email.strip().lower()
    for model, field in _email_fields():
        found = _rows_with_address(model, field, email)
        if found:
            yield model, field, found


def _forget_address(email: str) -> None:
    """A row whose ``email`` is the person's was addressed to them (an invitation, a
    sign-up to a call, a coordinator invitation) and goes; any other field that merely
    names the address (an organisation's contact, a guide to invite) is emptied."""
    for model, field, found in list(addressed_to(email)):
        rows = model._default_manager.filter(pk__in=found)
        if field.name == "email" or not field.blank:
            rows.delete()
        else:
            for row in rows:
                setattr(row, field.attname, "")
                row.save(update_fields=[field.attname])
    # Queued e-mails are encrypted: read each recipient to find theirs.
    waiting = [
        outgoing.pk
        for outgoing in OutgoingEmail.objects.only("id", "to").iterator()
        if outgoing.to.strip().lower() == email
    ]
    OutgoingEmail.objects.filter(pk__in=waiting).delete()


def _forget_admin_history(user: User) -> None:
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).delete()
    LogEntry.objects.filter(user=user).delete()


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the person's account and everything that is theirs, at once.

    Leaving each group first keeps the groups whole (someone else becomes convener, the
    next person waiting is offered the seat); then the memberships and every row hanging
    from them go, and the account last. Whatever they wrote down for the group as a whole
    (goals, ground rules, agreements, the plan) stays, without their name.
    """
    locked = User.objects.select_for_update().filter(pk=user.pk).first()
    if locked is None:
        return  # already deleted (a second request that raced the first)
    user = locked
    email = user.email.strip().lower()
    memberships = list(Membership.objects.filter(user=user).order_by("pk"))
    groups = sorted({membership.group_id for membership in memberships})
    for membership in memberships:
        if membership.is_active:
            membership_leave(membership=membership)
    # The audit log keeps that someone left, never who: the entries lose their actor with
    # the account (SET_NULL), and this one names no one.
    for group_id in groups:
        audit_log(actor=None, action="accounts.member_deleted_account", group_id=group_id)
    Membership.objects.filter(user=user).delete()
    _forget_address(email)
    _forget_admin_history(user)
    _end_sessions(user)
    user.delete()
