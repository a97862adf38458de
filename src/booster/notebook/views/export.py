"""Downloads of the member's whole notebook: Markdown, JSON, PDF, and the print view.

The PDF is made by WeasyPrint from the print view's template, imported only when a PDF
is asked for; without WeasyPrint (or the system's Pango) the member gets the print view
with a clear message instead.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from booster.groups.permissions import GroupAccess, group_access
from booster.notebook import selectors
from booster.notebook.export import export_context, export_json, export_markdown
from booster.notebook.pictures import pictures_for
from booster.notebook.worksheets import sheet_for

logger = logging.getLogger(__name__)

PRINT_STYLESHEET = "css/notebook-print.css"


def _access(request: HttpRequest, group_id: int) -> GroupAccess | None:
    access = group_access(user=request.user, group_id=group_id)
    if selectors.consent_current(access=access) is None:
        return None
    return access


def _filename(access: GroupAccess, extension: str) -> str:
    name = slugify(access.group.name) or "group"
    return f"notebook-{name}.{extension}"


def _download(body: bytes | str, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_GET
def markdown(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _access(request, group_id)
    if access is None:
        return redirect("notebook:consent", group_id=group_id)
    text = export_markdown(export_context(access=access))
    return _download(
        text, content_type="text/markdown; charset=utf-8", filename=_filename(access, "md")
    )


@never_cache
@login_required
@require_GET
def json_export(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _access(request, group_id)
    if access is None:
        return redirect("notebook:consent", group_id=group_id)
    data = export_json(export_context(access=access))
    return _download(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
        filename=_filename(access, "json"),
    )


def _print_context(access: GroupAccess) -> dict[str, Any]:
    context = export_context(access=access)
    pages = []
    for index, page in enumerate(context["pages"]):
        sheet = sheet_for(page.slot)
        pages.append(
            {
                "page": page,
                "sheet": sheet,
                "picture_id": f"picture-{index}",
                **pictures_for(sheet, page.content),
            }
        )
    context["printed"] = pages
    return context


@never_cache
@login_required
@require_GET
def print_view(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _access(request, group_id)
    if access is None:
        return redirect("notebook:consent", group_id=group_id)
    return render(request, "notebook/print.html", _print_context(access))


@never_cache
@login_required
@require_GET
def pdf(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _access(request, group_id)
    if access is None:
        return redirect("notebook:consent", group_id=group_id)
    context = _print_context(access)
    try:
        # Heavy, and needs the system's Pango: loaded only when someone asks for a PDF.
        import weasyprint  # type: ignore[import-untyped,unused-ignore]
    except (ImportError, OSError):
        logger.warning("WeasyPrint is not available; showing the print view instead of a PDF")
        return render(request, "notebook/print.html", {**context, "pdf_unavailable": True})
    html = render_to_string("notebook/export_pdf.html", context, request=request)
    stylesheet_path = finders.find(PRINT_STYLESHEET)
    try:
        stylesheets = []
        if isinstance(stylesheet_path, str):
            with open(stylesheet_path, encoding="utf-8") as handle:
                stylesheets.append(weasyprint.CSS(string=handle.read()))
        # Everything is inline (text, SVG pictures, the stylesheet): nothing is fetched.
        document = weasyprint.HTML(string=html, base_url=None).write_pdf(stylesheets=stylesheets)
    except Exception:  # WeasyPrint can fail in many ways; the member still gets the print view
        logger.exception("making a notebook PDF failed")
        return render(request, "notebook/print.html", {**context, "pdf_unavailable": True})
    return _download(document, content_type="application/pdf", filename=_filename(access, "pdf"))
