"""The group's records: a page, a JSON download and a PDF, for its members and guides."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from booster.groups.permissions import GroupAccess, group_access
from booster.lifecycle import selectors

logger = logging.getLogger(__name__)


def _filename(access: GroupAccess, extension: str) -> str:
    return f"records-{slugify(access.group.name) or 'group'}.{extension}"


def _download(body: bytes | str, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _context(access: GroupAccess) -> dict[str, Any]:
    group = access.group
    deleted = group.content_deleted_at is not None
    return {
        "access": access,
        "group": group,
        "notice": selectors.home_section(access=access),
        "deleted": deleted,
        "records": None if deleted else selectors.group_records(group=group),
    }


@never_cache
@login_required
@require_GET
def records(request: HttpRequest, group_id: int) -> HttpResponse:
    access = group_access(user=request.user, group_id=group_id)
    return render(request, "lifecycle/records.html", _context(access))


@never_cache
@login_required
@require_GET
def records_json(request: HttpRequest, group_id: int) -> HttpResponse:
    access = group_access(user=request.user, group_id=group_id)
    data = (
        {}
        if access.group.content_deleted_at is not None
        else selectors.group_records_json(group=access.group)
    )
    return _download(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
        filename=_filename(access, "json"),
    )


@never_cache
@login_required
@require_GET
def records_pdf(request: HttpRequest, group_id: int) -> HttpResponse:
    access = group_access(user=request.user, group_id=group_id)
    context = _context(access)
    if context["deleted"]:
        return render(request, "lifecycle/records.html", context)
    try:
        # Heavy, and needs the system's Pango: loaded only when someone asks for a PDF.
        import weasyprint  # type: ignore[import-untyped,unused-ignore]
    except (ImportError, OSError):
        logger.warning("WeasyPrint is not available; showing the records page instead")
        return render(request, "lifecycle/records.html", {**context, "pdf_unavailable": True})
    html = render_to_string("lifecycle/records_pdf.html", context, request=request)
    try:
        document = weasyprint.HTML(string=html, base_url=None).write_pdf()
    except Exception:  # WeasyPrint can fail in many ways; the member still gets the page
        logger.exception("making a records PDF failed")
        return render(request, "lifecycle/records.html", {**context, "pdf_unavailable": True})
    return _download(document, content_type="application/pdf", filename=_filename(access, "pdf"))
