"""Reads of the data lifecycle: when a closed group's content goes, and the group's records.

The records are what the group made together (goals, ground rules, practical agreements,
the plan with its meeting dates, the shared look back and gratitude wall), as plain data
for the records page and its JSON and PDF downloads.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from booster.groups.models import Group
from booster.groups.permissions import GroupAccess
from booster.meetings.models import Meeting
from booster.organisations.models import DEFAULT_RETENTION_DAYS
from booster.planning.models import AgreementsVersion, GoalsRecord, GroundRulesVersion
from booster.planning.selectors import agreement_topics, plan_current, plan_entries
from booster.programme.selectors import pack_for_version

# Members are reminded this long before the content of their closed group is deleted.
REMINDER_BEFORE = timedelta(days=7)


def retention_days(group: Group) -> int:
    """How many days a closed group's content is kept: its organisation's setting or 90."""
    organisation = group.organisation
    if organisation is not None:
        return organisation.retention_days
    return DEFAULT_RETENTION_DAYS


def deletion_at(group: Group) -> datetime | None:
    """When the worker deletes the closed group's content; None while the group is open."""
    if group.state != Group.State.CLOSED or group.closed_at is None:
        return None
    return group.closed_at + timedelta(days=retention_days(group))


def reminder_at(group: Group) -> datetime | None:
    due = deletion_at(group)
    return None if due is None else due - REMINDER_BEFORE


def former_member() -> str:
    """The name shown where someone who deleted their account once was."""
    return _("former member")


def _name(membership: Any) -> str:
    return membership.display_name if membership is not None else former_member()


def home_section(*, access: GroupAccess) -> dict[str, Any] | None:
    """The notice on a closed group's home page: when its content goes, where to download."""
    group = access.group
    due = deletion_at(group)
    if due is None:
        return None
    return {
        "group": group,
        "deletion_at": due,
        "deleted": group.content_deleted_at is not None,
        "retention_days": retention_days(group),
        "records_url": reverse("lifecycle:records", kwargs={"group_id": group.pk}),
        "notebook_url": reverse("notebook:index", kwargs={"group_id": group.pk}),
    }


def _closing(group: Group) -> dict[str, Any]:
    """The shared look back and gratitude wall, from the closing app."""
    try:
        from booster.closing.selectors import closing_records
    except ImportError:  # pragma: no cover - the closing app is always installed
        return {"look_back": [], "gratitude": []}
    return closing_records(group)


def group_records(*, group: Group) -> dict[str, Any]:
    """Everything the group agreed and shared, as plain, language-rendered data.

    A fixed number of queries, however many versions, meetings or answers there are.
    """
    goals = GoalsRecord.objects.filter(group=group).select_related("recorded_by").first()
    rules = GroundRulesVersion.objects.filter(group=group).select_related("written_by").first()
    agreements = AgreementsVersion.objects.filter(group=group).select_related("changed_by").first()
    plan = plan_current(group_id=group.pk)
    pack = pack_for_version(version_id=group.pack_version_id)
    meetings = {
        meeting.number: meeting
        for meeting in Meeting.objects.filter(group=group)
        .exclude(state=Meeting.State.CANCELLED)
        .order_by("number")
    }
    plan_rows = []
    if plan is not None:
        for entry in plan_entries(pack=pack, theme_keys=list(plan.theme_keys)):
            meeting = meetings.get(entry.number)
            plan_rows.append(
                {
                    "number": entry.number,
                    "theme": entry.theme.title.get() if entry.theme is not None else entry.key,
                    "starts_at": meeting.starts_at if meeting is not None else None,
                    "held": meeting is not None and meeting.state == Meeting.State.HELD,
                }
            )
    topics = []
    if agreements is not None:
        for topic in agreement_topics(agreements):
            items = [
                {"label": item.label, "value": item.value} for item in topic.items if item.value
            ]
            if items:
                topics.append({"title": topic.title, "items": items})
    closing = _closing(group)
    return {
        "group": {
            "name": group.name,
            "state": group.get_state_display(),
            "closed_at": group.closed_at,
        },
        "goals": {
            "items": list(goals.goals) if goals is not None else [],
            "recorded_by": _name(goals.recorded_by) if goals is not None else "",
            "recorded_at": goals.created_at if goals is not None else None,
        },
        "ground_rules": {
            "rules": rules.rules if rules is not None else "",
            "conflict_procedure": rules.conflict_procedure if rules is not None else "",
            "written_by": _name(rules.written_by) if rules is not None else "",
            "written_at": rules.created_at if rules is not None else None,
        },
        "agreements": topics,
        "plan": plan_rows,
        "look_back": closing.get("look_back", []),
        "gratitude": closing.get("gratitude", []),
    }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def group_records_json(*, group: Group) -> dict[str, Any]:
    """The records as JSON-ready data (times in the reader's time zone, ISO 8601)."""
    data: dict[str, Any] = _plain(group_records(group=group))
    return data


def privacy_context(*, user: object) -> dict[str, Any]:
    """What the privacy notice shows: the operator's controller details from the settings,
    and for a signed-in person the organisations their groups belong to."""
    from django.conf import settings

    from booster.accounts.models import User
    from booster.organisations.models import Organisation

    organisations: list[Organisation] = []
    if isinstance(user, User) and user.is_authenticated:
        organisations = list(
            Organisation.objects.filter(
                groups__memberships__user=user,
                groups__memberships__state="active",
            )
            .distinct()
            .order_by("name", "id")
        )
    return {
        "operator": {
            "name": settings.BOOSTER_CONTROLLER_NAME,
            "email": settings.BOOSTER_CONTROLLER_EMAIL,
            "address": settings.BOOSTER_CONTROLLER_ADDRESS,
        },
        "organisations": organisations,
        "default_retention_days": DEFAULT_RETENTION_DAYS,
        "reminder_days": REMINDER_BEFORE.days,
    }
