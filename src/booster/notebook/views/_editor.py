"""The one editor behind every notebook page: a plain form that saves and redirects, and
the same form's autosave (``X-Notebook-Autosave: 1``) answered with JSON."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from booster.groups.models import Group
from booster.groups.permissions import GroupAccess
from booster.notebook import selectors, services
from booster.notebook.models import MapIdea, NotebookEntry
from booster.notebook.pictures import pictures_for
from booster.notebook.worksheets import (
    CLOSENESS,
    ERRORS_ALL,
    MAX_ENTRY_CHARACTERS,
    MAX_LIST_ITEMS,
    NETWORK_KINDS,
    PRESENTATION_FIELDS,
    WEIGHT_LABELS,
    Slot,
    Worksheet,
    sheet_for,
)

AUTOSAVE_HEADER = "X-Notebook-Autosave"


def is_autosave(request: HttpRequest) -> bool:
    return request.headers.get(AUTOSAVE_HEADER) == "1"


def picture_markup(sheet: Worksheet, content: dict[str, Any], *, picture_id: str) -> str:
    """The page's picture as SVG markup ("" when it has none)."""
    pictures = pictures_for(sheet, content)
    if "scales" in pictures:
        return render_to_string(
            "notebook/pictures/_scales.svg.html",
            {"scales": pictures["scales"], "picture_id": picture_id},
        )
    if "map" in pictures:
        return render_to_string(
            "notebook/pictures/_network_map.svg.html",
            {"map": pictures["map"], "summary": pictures["summary"], "picture_id": picture_id},
        )
    return ""


def _parse_action(action: str) -> tuple[str, str, tuple[str, int] | None]:
    """("save" | "add" | "remove", list name, what to remove)."""
    parts = action.split(":")
    if parts[0] == "add" and len(parts) == 2:
        return "add", parts[1], None
    if parts[0] == "remove" and len(parts) == 3 and parts[2].isdigit():
        return "remove", parts[1], (parts[1], int(parts[2]))
    return "save", "", None


def editor(
    request: HttpRequest,
    *,
    access: GroupAccess,
    slot: Slot,
    entry: NotebookEntry | None,
    url: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    sheet = sheet_for(slot)
    errors: dict[str, list[str]] = {}
    conflict: dict[str, Any] | None = None
    version = entry.version if entry is not None else 0
    status = 200
    if request.method == "POST":
        action, list_name, remove = _parse_action(str(request.POST.get("action", "save")))
        parsed = sheet.parse(request.POST, slot, remove=remove)
        content = parsed.content
        try:
            version = int(str(request.POST.get("version", "")))
        except ValueError:
            version = -1
        if not parsed.ok:
            errors = parsed.errors
            status = 400
            if is_autosave(request):
                return JsonResponse(
                    {
                        "ok": False,
                        "errors": parsed.field_errors,
                        "message": _error_summary(errors),
                    },
                    status=400,
                )
        else:
            try:
                # Every view that shows this editor has checked consent first.
                result = services.entry_save(
                    access=access,
                    slot=slot,
                    entry=entry,
                    content=content,
                    version=version,
                    consent_checked=True,
                )
            except services.EntryConflict as clash:
                newer = clash.newer
                newer_content = sheet.normalise(newer.content, slot)
                conflict = {"entry": newer, "content": newer_content}
                version = newer.version
                status = 409
                if is_autosave(request):
                    return _conflict_json(request, newer, newer_content, sheet, slot)
            else:
                saved = result.entry
                if is_autosave(request):
                    return _saved_json(request, access, saved, sheet, slot)
                if action == "add":
                    return redirect(f"{url}?add={list_name}#{list_name}-new")
                if action == "remove":
                    messages.success(request, _("Removed and saved."))
                else:
                    messages.success(request, _("Saved."))
                return redirect(url)
    else:
        content = sheet.normalise(entry.content, slot) if entry is not None else sheet.blank(slot)
    add = str(request.GET.get("add", "")) if request.method == "GET" else ""
    context = {
        **_sharing_context(access, entry, sheet, slot),
        "group": access.group,
        "access": access,
        "slot": slot,
        "sheet": sheet,
        "entry": entry,
        "content": content,
        "errors": errors,
        "form_errors": errors.get(ERRORS_ALL, []),
        "list_errors": {spec.name: errors.get(spec.name, []) for spec in sheet.lists},
        "rows": sheet.rows(content, errors, add=add),
        "add": add,
        "version": version,
        "conflict": conflict,
        "save_url": url,
        "max_characters": MAX_ENTRY_CHARACTERS,
        "max_items": MAX_LIST_ITEMS,
        "weights": list(WEIGHT_LABELS.items()),
        "network_kinds": NETWORK_KINDS,
        "closeness_choices": CLOSENESS,
        "presentation_fields": PRESENTATION_FIELDS,
        "picture_id": "picture",
        **pictures_for(sheet, content),
        **(extra or {}),
    }
    return render(request, "notebook/editor.html", context, status=status)


def _saved_json(
    request: HttpRequest, access: GroupAccess, saved: NotebookEntry, sheet: Worksheet, slot: Slot
) -> JsonResponse:
    """The autosave's answer: the new version, and the parts of the page drawn from the
    saved content (the picture, the presentation card, the sharing section)."""
    preview = ""
    if sheet.preview_template:
        preview = render_to_string(
            sheet.preview_template, {"content": saved.content, "slot": slot, "sheet": sheet}
        )
    return JsonResponse(
        {
            "ok": True,
            "version": saved.version,
            "saved_at": saved.updated_at.isoformat(),
            "picture": picture_markup(sheet, saved.content, picture_id="picture"),
            "preview": preview,
            "sharing": render_to_string(
                "notebook/_sharing.html",
                _sharing_context(access, saved, sheet, slot),
                request=request,
            ),
        }
    )


def _conflict_json(
    request: HttpRequest,
    newer: NotebookEntry,
    newer_content: dict[str, Any],
    sheet: Worksheet,
    slot: Slot,
) -> JsonResponse:
    """409: the page was saved elsewhere; the newer version, for the member to read."""
    return JsonResponse(
        {
            "ok": False,
            "conflict": True,
            "version": newer.version,
            "updated_at": newer.updated_at.isoformat(),
            "newer_html": render_to_string(
                sheet.show_template,
                {"content": newer_content, "slot": slot, "sheet": sheet},
                request=request,
            ),
        },
        status=409,
    )


def _sharing_context(
    access: GroupAccess, entry: NotebookEntry | None, sheet: Worksheet, slot: Slot
) -> dict[str, Any]:
    """What the page's sharing section shows: whether a copy is shared, and the ideas the
    group left on a shared map."""
    snapshot = selectors.active_snapshot_of(entry=entry) if entry is not None else None
    ideas: list[MapIdea] = []
    if snapshot is not None and sheet.picture == "map":
        ideas = list(snapshot.ideas.select_related("author").order_by("created_at", "id"))
    return {
        "group": access.group,
        "entry": entry,
        "sheet": sheet,
        "slot": slot,
        "snapshot": snapshot,
        "ideas": ideas,
        "is_open": access.group.state != Group.State.CLOSED,
    }


def _error_summary(errors: dict[str, list[str]]) -> str:
    messages_ = [message for values in errors.values() for message in values]
    if len(messages_) == 1:
        return messages_[0]
    return _("Not saved: %(count)s things need fixing (marked below).") % {"count": len(messages_)}
