"""The organisation's dashboard: its groups' metadata and released feedback aggregates, as a
page, a CSV file and a PDF report. Coordinators of the organisation and operators only."""

from __future__ import annotations

import csv
import io
import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from booster.core.models import audit_log
from booster.feedback.models import MIN_RESPONDENTS
from booster.groups.models import Group
from booster.organisations.permissions import OrganisationAccess, organisation_access
from booster.organisations.reports import (
    FeedbackView,
    feedback_view,
    group_state,
    group_totals,
    organisation_groups,
)

logger = logging.getLogger(__name__)

PDF_STYLESHEET = "css/dashboard.css"


def _feedback(request: HttpRequest, access: OrganisationAccess) -> FeedbackView:
    return feedback_view(organisation=access.organisation, scope=request.GET.get("scope"))


def _calls_url(slug: str) -> str:
    try:
        return reverse("calls:index", kwargs={"slug": slug})
    except NoReverseMatch:  # the calls pages are not there (yet)
        return ""


def _groups_query(request: HttpRequest, state: str | None) -> str:
    """The query string that keeps the chosen answers and state on every page link."""
    kept = QueryDict(mutable=True)
    scope = request.GET.get("scope")
    if scope:
        kept["scope"] = scope
    if state:
        kept["state"] = state
    return kept.urlencode() + "&" if kept else ""


def _page_links(page: Page) -> list[int | None]:  # type: ignore[type-arg]
    """Page numbers around the current one and at both ends; None for a gap."""
    return [
        number if isinstance(number, int) else None
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]


def _context(request: HttpRequest, access: OrganisationAccess) -> dict[str, Any]:
    totals = group_totals(organisation=access.organisation)
    groups = organisation_groups(
        organisation=access.organisation,
        totals=totals,
        state=group_state(request.GET.get("state")),
        page=request.GET.get("page"),
    )
    slug = access.organisation.slug
    return {
        "organisation": access.organisation,
        "dashboard_url": reverse("dashboard:index", kwargs={"slug": slug}),
        "calls_url": _calls_url(slug),
        "groups": groups.rows,
        "groups_page": groups.page,
        "groups_state": groups.state or "",
        "group_states": Group.State.choices,
        "groups_query": _groups_query(request, groups.state),
        "groups_page_links": _page_links(groups.page),
        "totals": totals,
        "feedback": _feedback(request, access),
        "min_respondents": MIN_RESPONDENTS,
    }


def _exported(access: OrganisationAccess, *, kind: str, feedback: FeedbackView) -> None:
    audit_log(
        actor=access.user,
        action="organisations.report_exported",
        organisation_id=access.organisation.pk,
        format=kind,
        scope=feedback.scope.value if feedback.scope else None,
    )


def _filename(access: OrganisationAccess, extension: str) -> str:
    day = timezone.localdate().isoformat()
    return f"feedback-{access.organisation.slug}-{day}.{extension}"


@never_cache
@login_required
@require_GET
def index(request: HttpRequest, slug: str) -> HttpResponse:
    access = organisation_access(user=request.user, slug=slug)
    context = _context(request, access)
    if context["feedback"].unknown_scope:
        messages.info(request, _("That choice of answers is not available; showing them all."))
    return render(request, "organisations/dashboard.html", context)


@never_cache
@login_required
@require_GET
def csv_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The released aggregates (never a comment, never below five people) as CSV."""
    access = organisation_access(user=request.user, slug=slug)
    feedback = _feedback(request, access)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Organisation"), access.organisation.name])
    if feedback.report is None or feedback.scope is None:
        writer.writerow([_("No feedback has been released yet.")])
    else:
        report = feedback.report
        writer.writerow([_("Answers"), feedback.scope.label])
        writer.writerow([_("People who answered"), report.respondents])
        writer.writerow([])
        writer.writerow(
            [
                _("Statement"),
                *[str(label) for _value, label, _count in report.statements[0].counts],
                _("Answered"),
                _("Agreeing, per cent"),
            ]
        )
        for row in report.statements:
            writer.writerow(
                [
                    str(row.label),
                    *[count for _value, _label, count in row.counts],
                    row.answered,
                    "" if row.agreeing_percent is None else row.agreeing_percent,
                ]
            )
        writer.writerow([])
        writer.writerow([_("Would recommend such a group to a colleague"), _("People")])
        for _choice, label, count in report.recommend:
            writer.writerow([str(label), count])
    _exported(access, kind="csv", feedback=feedback)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(access, "csv")}"'
    return response


@never_cache
@login_required
@require_GET
def pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The same page, printed: groups' metadata and the feedback aggregates with charts."""
    access = organisation_access(user=request.user, slug=slug)
    context = _context(request, access)
    try:
        # Heavy, and needs the system's Pango: loaded only when someone asks for a PDF.
        import weasyprint  # type: ignore[import-untyped,unused-ignore]
    except (ImportError, OSError):
        logger.warning("WeasyPrint is not available; showing the dashboard instead of a PDF")
        messages.error(request, _("The PDF could not be made just now. Please try again later."))
        return render(request, "organisations/dashboard.html", context)
    html = render_to_string("organisations/report_pdf.html", context, request=request)
    stylesheet_path = finders.find(PDF_STYLESHEET)
    try:
        stylesheets = []
        if isinstance(stylesheet_path, str):
            with open(stylesheet_path, encoding="utf-8") as handle:
                stylesheets.append(weasyprint.CSS(string=handle.read()))
        document = weasyprint.HTML(string=html, base_url=None).write_pdf(stylesheets=stylesheets)
    except Exception:  # WeasyPrint can fail in many ways; the coordinator still gets the page
        logger.exception("making a dashboard PDF failed")
        messages.error(request, _("The PDF could not be made just now. Please try again later."))
        return render(request, "organisations/dashboard.html", context)
    _exported(access, kind="pdf", feedback=context["feedback"])
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(access, "pdf")}"'
    return response
