"""The meeting on paper: the facilitator's guide and the member handouts, each as a print
page and as a PDF download.

Both are built from the run's agenda (so the facilitator's changes show) and the group's
pinned pack. They hold the programme's texts, the group's ground rules and the crisis
contacts — never anything a member wrote in a notebook or on the board.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from booster.groups.permissions import GroupAccess
from booster.meetings.models import Meeting
from booster.meetings.selectors import meeting_item
from booster.planning.selectors import ground_rules_current
from booster.programme.schema import I18nText, Pack, PhaseMode, Task
from booster.programme.selectors import pack_for_version
from booster.room.agenda import Step, StepContent, agenda_report, step_content
from booster.room.selectors import room_access
from booster.room.services import run_get_or_create

logger = logging.getLogger(__name__)

PRINT_STYLESHEET = "css/room-print.css"

# Ruled lines under each question of a handout: more where members write alone.
LINES_ALONE = 7
LINES_TOGETHER = 3


def _mode_label(step: Step) -> str:
    """How people work in a step, in words (the same words as the programme pages)."""
    if step["kind"] == "break":
        return pgettext("phase mode", "Break")
    names = {
        PhaseMode.ALONE: pgettext("phase mode", "Alone"),
        PhaseMode.PAIRS: pgettext("phase mode", "In pairs"),
        PhaseMode.GROUP: pgettext("phase mode", "Whole group"),
        PhaseMode.ROUND: pgettext("phase mode", "Round"),
    }
    try:
        return names[PhaseMode(step["mode"])]
    except ValueError:
        return names[PhaseMode.GROUP]


# --- the facilitator's guide ----------------------------------------------------------


@dataclass(frozen=True)
class GuideStep:
    """One step of the agenda as the guide prints it."""

    step: Step
    content: StepContent
    mode: str
    minutes: int
    # Minutes from the meeting's start; None for a step done outside the meeting.
    offset: int | None
    starts_at: datetime | None
    ends_at: datetime | None

    @property
    def id(self) -> str:
        return self.step["id"]

    @property
    def kind(self) -> str:
        return self.step["kind"]

    @property
    def phase_of(self) -> tuple[int, int] | None:
        """(this phase's number, the task's number of phases) when the task has several."""
        task = self.content.task
        phase = self.step.get("phase")
        if task is None or phase is None or len(task.phases) < 2:
            return None
        return phase + 1, len(task.phases)

    @property
    def offset_clock(self) -> str:
        return "" if self.offset is None else _clock(self.offset)

    @property
    def show_text(self) -> bool:
        """A task's text is printed once, with its first phase; other steps print theirs."""
        if self.content.text is None:
            return False
        phase = self.step.get("phase")
        return self.kind != "task" or not phase


def _clock(offset: int) -> str:
    """Minutes from the start as hours and minutes, e.g. ``1:05``."""
    hours, minutes = divmod(offset, 60)
    return f"{hours}:{minutes:02d}"


def _content(pack: Pack, step: Step) -> StepContent | None:
    """The step's texts; None (and a warning) for a step the pinned pack does not know,
    so that one odd step cannot keep the whole guide from printing."""
    try:
        return step_content(pack=pack, step=step)
    except KeyError:
        logger.warning("step %s is not in the group's pack; left out of the print", step["id"])
        return None


def guide_steps(*, pack: Pack, steps: list[Step], starts_at: datetime | None) -> list[GuideStep]:
    """Every step in agenda order with its planned start: the meeting's start plus the
    minutes of the steps before it. Skipped steps take no time and get no start."""
    rows: list[GuideStep] = []
    offset = 0
    for step in steps:
        minutes = int(step["minutes"])
        skipped = bool(step.get("skipped"))
        begins = None if skipped else offset
        if not skipped:
            offset += minutes
        content = _content(pack, step)
        if content is None:
            continue
        rows.append(
            GuideStep(
                step=step,
                content=content,
                mode=_mode_label(step),
                minutes=minutes,
                offset=begins,
                starts_at=None
                if starts_at is None or begins is None
                else starts_at + timedelta(minutes=begins),
                ends_at=None
                if starts_at is None or begins is None
                else starts_at + timedelta(minutes=begins + minutes),
            )
        )
    return rows


def _part_titles(pack: Pack, theme_key: str, keys: list[str]) -> list[I18nText]:
    try:
        theme = pack.theme(theme_key)
    except KeyError:
        return []
    return [part.title for part in theme.parts if part.key in set(keys)]


def guide_context(*, access: GroupAccess, meeting: Meeting) -> dict[str, Any]:
    """Everything the facilitator's guide prints. A fixed handful of queries: the run,
    the ground rules (and the pack once per process)."""
    group = access.group
    pack = pack_for_version(version_id=group.pack_version_id)
    run = run_get_or_create(meeting=meeting)
    steps: list[Step] = list(run.agenda)
    rows = guide_steps(pack=pack, steps=steps, starts_at=meeting.starts_at)
    report = agenda_report(pack=pack, steps=steps, length=meeting.duration_minutes)
    planned = [row for row in rows if row.offset is not None]
    first_meeting = any(row.kind == "principles" for row in rows)
    return {
        "access": access,
        "group": group,
        "meeting": meeting,
        "item": meeting_item(meeting=meeting, pack=pack),
        "pack": pack,
        "rows": rows,
        "planned": planned,
        "outside": [row for row in rows if row.offset is None],
        "planned_end": _planned_end(meeting, report.planned),
        "planned_clock": _clock(report.planned),
        "report": report,
        "at_minimum": [row for row in rows if row.id in set(report.at_minimum)],
        "proposal_parts": _part_titles(pack, meeting.theme_key, list(report.proposal_parts)),
        "first_meeting": first_meeting,
        "ground_rules": None if first_meeting else ground_rules_current(group_id=group.pk),
        "crisis_notice": pack.crisis.notice,
        "crisis_country": pack.crisis.countries.get(group.country),
    }


def _planned_end(meeting: Meeting, planned: int) -> datetime | None:
    if meeting.starts_at is None:
        return None
    return meeting.starts_at + timedelta(minutes=planned)


# --- the member handouts --------------------------------------------------------------


@dataclass(frozen=True)
class HandoutPhase:
    """One phase of a task on a handout: who works with whom, what to do, what to ask."""

    mode: str
    minutes: int
    skipped: bool
    instructions: I18nText | None
    questions: tuple[I18nText, ...]
    lines: int
    drawing: bool

    @property
    def line_range(self) -> range:
        return range(self.lines)


@dataclass
class Handout:
    """One task of the meeting, on its own sheet."""

    task: Task
    number: int
    phases: list[HandoutPhase] = field(default_factory=list)

    @property
    def outside(self) -> bool:
        """Every phase was moved outside the meeting."""
        return all(phase.skipped for phase in self.phases)

    @property
    def minutes(self) -> int:
        return sum(phase.minutes for phase in self.phases if not phase.skipped)


def _handout_phase(step: Step, content: StepContent) -> HandoutPhase:
    alone = step["mode"] == PhaseMode.ALONE
    task = content.task
    drawing = bool(alone and task is not None and task.worksheet == "network_map")
    return HandoutPhase(
        mode=_mode_label(step),
        minutes=int(step["minutes"]),
        skipped=bool(step.get("skipped")),
        instructions=content.instructions,
        questions=tuple(content.questions),
        lines=LINES_ALONE if alone else LINES_TOGETHER,
        drawing=drawing,
    )


def handouts_of(*, pack: Pack, steps: list[Step]) -> list[Handout]:
    """The meeting's tasks in agenda order, each with its phases as the agenda has them."""
    handouts: dict[tuple[str, str], Handout] = {}
    for step in steps:
        if step["kind"] != "task":
            continue
        content = _content(pack, step)
        task = content.task if content is not None else None
        if content is None or task is None:
            continue
        key = (step["theme"], step["part"])
        handout = handouts.get(key)
        if handout is None:
            handout = handouts[key] = Handout(task=task, number=len(handouts) + 1)
        handout.phases.append(_handout_phase(step, content))
    return list(handouts.values())


def handouts_context(*, access: GroupAccess, meeting: Meeting) -> dict[str, Any]:
    """Everything the member handouts print: the tasks' texts and questions, nothing else."""
    group = access.group
    pack = pack_for_version(version_id=group.pack_version_id)
    run = run_get_or_create(meeting=meeting)
    return {
        "access": access,
        "group": group,
        "meeting": meeting,
        "item": meeting_item(meeting=meeting, pack=pack),
        "handouts": handouts_of(pack=pack, steps=list(run.agenda)),
    }


# --- views ----------------------------------------------------------------------------


def _filename(kind: str, access: GroupAccess, meeting: Meeting) -> str:
    """E.g. ``handouts-lantern-group-3.pdf``: ASCII only, safe in any header."""
    name = slugify(access.group.name) or "group"
    return f"{slugify(kind) or 'meeting'}-{name}-{meeting.number}.pdf"


def _pdf(
    request: HttpRequest,
    *,
    page_template: str,
    pdf_template: str,
    context: dict[str, Any],
    filename: str,
) -> HttpResponse:
    """The page as a PDF download, or the print page with an explanation when no PDF can
    be made here (WeasyPrint or the system's Pango missing or failing)."""
    try:
        # Heavy, and needs the system's Pango: loaded only when someone asks for a PDF.
        import weasyprint  # type: ignore[import-untyped,unused-ignore]
    except (ImportError, OSError):
        logger.warning("WeasyPrint is not available; showing the print page instead of a PDF")
        return render(request, page_template, {**context, "pdf_unavailable": True})
    html = render_to_string(pdf_template, context, request=request)
    try:
        stylesheets = []
        path = finders.find(PRINT_STYLESHEET)
        if isinstance(path, str):
            with open(path, encoding="utf-8") as handle:
                stylesheets.append(weasyprint.CSS(string=handle.read()))
        # Everything is in the HTML and the stylesheet: nothing is fetched.
        document = weasyprint.HTML(string=html, base_url=None).write_pdf(stylesheets=stylesheets)
    except Exception:  # WeasyPrint can fail in many ways; the print page still works
        logger.exception("making a meeting PDF failed")
        return render(request, page_template, {**context, "pdf_unavailable": True})
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_GET
def guide(request: HttpRequest, group_id: int, meeting_id: int) -> HttpResponse:
    access, meeting = room_access(user=request.user, group_id=group_id, meeting_id=meeting_id)
    context = guide_context(access=access, meeting=meeting)
    return render(request, "room/print_guide.html", context)


@never_cache
@login_required
@require_GET
def guide_pdf(request: HttpRequest, group_id: int, meeting_id: int) -> HttpResponse:
    access, meeting = room_access(user=request.user, group_id=group_id, meeting_id=meeting_id)
    return _pdf(
        request,
        page_template="room/print_guide.html",
        pdf_template="room/print_guide_pdf.html",
        context=guide_context(access=access, meeting=meeting),
        filename=_filename(pgettext("file name", "facilitators-guide"), access, meeting),
    )


@never_cache
@login_required
@require_GET
def handouts(request: HttpRequest, group_id: int, meeting_id: int) -> HttpResponse:
    access, meeting = room_access(user=request.user, group_id=group_id, meeting_id=meeting_id)
    context = handouts_context(access=access, meeting=meeting)
    return render(request, "room/print_handouts.html", context)


@never_cache
@login_required
@require_GET
def handouts_pdf(request: HttpRequest, group_id: int, meeting_id: int) -> HttpResponse:
    access, meeting = room_access(user=request.user, group_id=group_id, meeting_id=meeting_id)
    return _pdf(
        request,
        page_template="room/print_handouts.html",
        pdf_template="room/print_handouts_pdf.html",
        context=handouts_context(access=access, meeting=meeting),
        filename=_filename(pgettext("file name", "handouts"), access, meeting),
    )
