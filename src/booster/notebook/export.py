"""The whole notebook as Markdown and as JSON, for the member to keep."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from booster.groups.permissions import GroupAccess
from booster.notebook import selectors
from booster.notebook.models import NotebookConsent, SharedSnapshot
from booster.notebook.worksheets import sheet_for

EXPORT_FORMAT = "booster-notebook"
EXPORT_FORMAT_VERSION = 1


def export_context(*, access: GroupAccess) -> dict[str, Any]:
    """Everything an export shows: the pages in notebook order and what is shared."""
    pack = selectors.group_pack(access=access)
    snapshots = selectors.my_active_snapshots(access=access)
    shared = []
    for snapshot in snapshots:
        slot = selectors.slot_for_entry(pack=pack, entry=snapshot)
        shared.append(
            {
                "snapshot": snapshot,
                "slot": slot,
                "content": sheet_for(slot).normalise(snapshot.content, slot),
            }
        )
    return {
        "group": access.group,
        "member_name": access.membership.display_name,
        "consent": selectors.consent_current(access=access),
        "pages": selectors.export_pages(access=access),
        "shared": shared,
        "exported_at": timezone.now(),
    }


def export_markdown(context: dict[str, Any]) -> str:
    group = context["group"]
    lines = [
        "# " + _("My notebook in %(group)s") % {"group": group.name},
        "",
        _("%(name)s · exported %(when)s")
        % {
            "name": context["member_name"],
            "when": date_format(timezone.localtime(context["exported_at"]), "DATETIME_FORMAT"),
        },
        "",
        _("Private: only you could read this notebook in Booster."),
        "",
    ]
    if not context["pages"]:
        lines += [_("The notebook is empty."), ""]
    for page in context["pages"]:
        sheet = sheet_for(page.slot)
        lines += [f"## {page.heading}", ""]
        body = sheet.markdown(page.content, page.slot)
        lines += body or [_("(nothing written yet)"), ""]
    if context["shared"]:
        lines += ["## " + _("Shared with the group"), ""]
        for item in context["shared"]:
            lines.append(
                "- "
                + _("%(title)s, shared %(when)s")
                % {
                    "title": item["slot"].title,
                    "when": date_format(
                        timezone.localtime(item["snapshot"].shared_at), "DATETIME_FORMAT"
                    ),
                }
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def export_json(context: dict[str, Any]) -> dict[str, Any]:
    consent: NotebookConsent | None = context["consent"]
    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": context["exported_at"].isoformat(),
        "group": {"id": context["group"].pk, "name": context["group"].name},
        "member": context["member_name"],
        "consent": {"given_at": consent.given_at.isoformat(), "text_version": consent.text_version}
        if consent
        else None,
        "entries": [
            {
                "heading": page.heading,
                "kind": page.entry.kind,
                "theme": page.entry.theme_key or None,
                "task": page.entry.task_key or None,
                "meeting_number": page.entry.meeting.number if page.entry.meeting else None,
                "worksheet": page.entry.worksheet_kind or None,
                "title": page.slot.title,
                "questions": list(page.slot.questions),
                "version": page.entry.version,
                "created_at": page.entry.created_at.isoformat(),
                "updated_at": page.entry.updated_at.isoformat(),
                "content": page.content,
            }
            for page in context["pages"]
        ],
        "shared": [_snapshot_json(item["snapshot"], item["content"]) for item in context["shared"]],
    }


def _snapshot_json(snapshot: SharedSnapshot, content: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": snapshot.entry_kind,
        "theme": snapshot.theme_key or None,
        "task": snapshot.task_key or None,
        "worksheet": snapshot.worksheet_kind or None,
        "shared_at": snapshot.shared_at.isoformat(),
        "content": content,
    }
