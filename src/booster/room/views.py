"""The live meeting room's pages: the room (lobby, then the running meeting), its snapshot
as JSON, the command form that works without JavaScript, the presenter screen and the
group's planning tools shown inside the opening meeting's steps.

Every page is for the group's active members and guides (``selectors.room_access``); the
room page also carries the viewer's own private parts — their notebook editors and what
they took with them last time — so it is rendered for that viewer alone and never cached.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from booster.groups.permissions import GroupAccess
from booster.meetings.models import Meeting
from booster.meetings.permissions import is_facilitator
from booster.notebook import selectors as notebook
from booster.notebook.models import NotebookEntry
from booster.notebook.pictures import pictures_for
from booster.notebook.worksheets import (
    CLOSENESS,
    MAX_ENTRY_CHARACTERS,
    MAX_LIST_ITEMS,
    NETWORK_KINDS,
    PRESENTATION_FIELDS,
    WEIGHT_LABELS,
    Slot,
    sheet_for,
)
from booster.planning import selectors as planning
from booster.programme.schema import I18nText, Pack, PhaseMode, ToolKind
from booster.programme.selectors import pack_for_version
from booster.programme.templatetags.programme_tags import mode_name
from booster.room import agenda, permissions, services
from booster.room.errors import CommandError
from booster.room.models import MeetingRun
from booster.room.selectors import room_access
from booster.room.snapshot import snapshot_of
from booster.room.writing import slot_key

# What the command form may ask for; "snapshot" and "ping" only make sense on a socket.
FORM_COMMANDS = frozenset(
    {
        "start",
        "next",
        "back",
        "goto",
        "pause",
        "resume",
        "add_time",
        "end",
        "handover",
        "take_over",
        "agenda_minutes",
        "agenda_skip",
        "agenda_move",
        "agenda_apply_proposal",
        "agenda_rebuild",
        "pairs_shuffle",
        "pairs_move",
        "round_next",
        "round_pass",
        "attendance",
    }
)
INT_ARGS = ("minutes", "index", "member", "group", "to")
BOOL_ARGS = ("skipped", "present")
TEXT_ARGS = ("step",)
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})

TOOL_PAGES = {
    ToolKind.GOALS: "planning:goals",
    ToolKind.GROUND_RULES: "planning:rules",
    ToolKind.AGREEMENTS: "planning:agreements",
    ToolKind.THEME_PLAN: "planning:themes",
}

# The notebook's editors name their fields "nb-<name>"; several editors on one page need
# ids of their own, or a label would point at a field in another step.
_NOTEBOOK_IDS = re.compile(r'\b(id|for|aria-describedby|aria-labelledby)="nb-')


# --- who may come in ----------------------------------------------------------------------


def _enter(request: HttpRequest, group_id: int, meeting_id: int) -> tuple[GroupAccess, Meeting]:
    """The viewer's access and the meeting; Http404 for anyone who is not an active member
    or guide of the group, and for a cancelled meeting."""
    return room_access(user=request.user, group_id=group_id, meeting_id=meeting_id)


def _room_url(meeting: Meeting) -> str:
    return reverse("room:room", kwargs={"group_id": meeting.group_id, "meeting_id": meeting.pk})


# --- the room -----------------------------------------------------------------------------


@dataclass
class StepView:
    """One step of the agenda as the viewer sees it, with their own private parts."""

    step: dict[str, Any]
    content: agenda.StepContent
    number: int
    position: str = "ahead"  # "past", "current" or "ahead" of the current step
    can_move_up: bool = False
    starts_at: datetime | None = None
    tool: str = ""
    tool_data: dict[str, Any] = field(default_factory=dict)
    editor: SafeString | None = None
    needs_consent: bool = False
    guide_watches: bool = False
    notebook_url: str = ""
    earlier: SafeString | None = None
    principles: bool = False

    @property
    def id(self) -> str:
        return str(self.step["id"])

    @property
    def kind(self) -> str:
        return str(self.step.get("kind", ""))

    @property
    def mode(self) -> str:
        return str(self.step.get("mode", ""))

    @property
    def minutes(self) -> int:
        return int(self.step.get("minutes", 0))

    @property
    def skipped(self) -> bool:
        return bool(self.step.get("skipped"))

    @property
    def label(self) -> str:
        """The title in the viewer's language; a task's phases say how people work in them
        ("Set shared goals · In pairs"), since they share the task's title."""
        title = self.content.title.get(get_language())
        return f"{title} · {mode_name(self.mode)}" if self.kind == "task" else title


@never_cache
@login_required
@require_GET
def room(request: HttpRequest, group_id: int, meeting_id: int) -> HttpResponse:
    access, meeting = _enter(request, group_id, meeting_id)
    run = services.run_get_or_create(meeting=meeting)
    snapshot = snapshot_of(run)
    pack = pack_for_version(version_id=access.group.pack_version_id)
    if request.GET.get("part") == "agenda":
        # The lobby's agenda alone, fetched again by room.js when the agenda changes.
        steps = _steps(access, meeting, pack, snapshot, private=None, tools=False)
        return render(
            request, "room/_agenda.html", _agenda_context(access, meeting, run, snapshot, steps)
        )
    steps = _steps(access, meeting, pack, snapshot, private=request, tools=True)
    context = {
        **_agenda_context(access, meeting, run, snapshot, steps),
        **_live_context(access, snapshot, steps),
        "pack": pack,
        "crisis_country": pack.crisis.countries.get(access.group.country),
        "theme_title": _theme_title(pack, meeting),
    }
    return render(request, "room/room.html", context)


@never_cache
@login_required
@require_GET
def presenter(request: HttpRequest, group_id: int, meeting_id: int) -> HttpResponse:
    """One shared screen for a room of people: the step, its questions and the timer, in
    large type. Nothing private and no controls."""
    access, meeting = _enter(request, group_id, meeting_id)
    run = services.run_get_or_create(meeting=meeting)
    snapshot = snapshot_of(run)
    pack = pack_for_version(version_id=access.group.pack_version_id)
    steps = _steps(access, meeting, pack, snapshot, private=None, tools=False)
    context = {
        **_base_context(access, meeting, snapshot),
        **_live_context(access, snapshot, steps),
        "steps": steps,
        "theme_title": _theme_title(pack, meeting),
        "mode": "presenter",
        "pack": pack,
    }
    return render(request, "room/presenter.html", context)


@never_cache
@login_required
@require_GET
def state(request: HttpRequest, group_id: int, meeting_id: int) -> JsonResponse:
    _access, meeting = _enter(request, group_id, meeting_id)
    run = services.run_get_or_create(meeting=meeting)
    return JsonResponse(snapshot_of(run))


@never_cache
@login_required
@require_POST
def command(request: HttpRequest, group_id: int, meeting_id: int) -> HttpResponse:
    """The controls without JavaScript: one command, then back to the room."""
    access, meeting = _enter(request, group_id, meeting_id)
    back = _room_url(meeting)
    name = str(request.POST.get("type", ""))
    if name not in FORM_COMMANDS:
        messages.error(request, _("That is not something the room can do."))
        return redirect(back)
    if name == "end" and request.POST.get("confirm") != "yes":
        messages.error(request, _("To end the meeting, tick the box that confirms it first."))
        return redirect(back)
    try:
        args = command_args(request.POST)
    except ValueError:
        messages.error(request, _("Something in the form was not understood. Please try again."))
        return redirect(back)
    run = services.run_get_or_create(meeting=meeting)
    try:
        services.command(run_id=run.pk, actor=access.membership, name=name, args=args)
    except CommandError as error:
        messages.error(request, error.message)
    return redirect(back)


def command_args(data: QueryDict) -> dict[str, Any]:
    """A command's arguments from a submitted form, typed as the socket sends them."""
    args: dict[str, Any] = {}
    for name in TEXT_ARGS:
        if name in data:
            args[name] = str(data.get(name, ""))
    for name in INT_ARGS:
        if name in data:
            args[name] = int(str(data.get(name, "")))
    for name in BOOL_ARGS:
        if name in data:
            args[name] = str(data.get(name, "")).lower() in TRUE_WORDS
    return args


@never_cache
@login_required
@require_GET
def tool(request: HttpRequest, group_id: int, meeting_id: int, tool: str) -> HttpResponse:
    """The group's goals, ground rules, agreements or theme plan, read-only, as a fragment
    that the room shows inside a step and fetches again when the planning changes."""
    access, _meeting = _enter(request, group_id, meeting_id)
    try:
        kind = ToolKind(tool)
    except ValueError:
        raise Http404 from None
    pack = pack_for_version(version_id=access.group.pack_version_id)
    return render(
        request,
        "room/_tool.html",
        {"tool": str(kind), "data": _tool_data(access, pack, kind), "group": access.group},
    )


# --- building the page --------------------------------------------------------------------


def _theme_title(pack: Pack, meeting: Meeting) -> Any:
    try:
        return pack.theme(meeting.theme_key).title
    except KeyError:
        return None


def _base_context(
    access: GroupAccess, meeting: Meeting, snapshot: dict[str, Any]
) -> dict[str, Any]:
    urls = {
        "room": _room_url(meeting),
        "state": reverse("room:state", args=[meeting.group_id, meeting.pk]),
        "command": reverse("room:command", args=[meeting.group_id, meeting.pk]),
        "presenter": reverse("room:presenter", args=[meeting.group_id, meeting.pk]),
        "socket": f"/ws/room/{meeting.pk}/",
    }
    return {
        "group": access.group,
        "access": access,
        "meeting": meeting,
        "snapshot": snapshot,
        # For room.js to start counting at once; the page is the viewer's and holds no
        # one else's writing, and the snapshot never holds any.
        "snapshot_json": json.dumps(snapshot, separators=(",", ":")),
        "state": snapshot.get("state", "lobby"),
        "urls": urls,
        "me": access.membership.pk,
        "is_remote": snapshot.get("form", meeting.form) == "remote",
        "mode": "room",
    }


def _agenda_context(
    access: GroupAccess,
    meeting: Meeting,
    run: MeetingRun,
    snapshot: dict[str, Any],
    steps: list[StepView],
) -> dict[str, Any]:
    fit = snapshot.get("fit") or {}
    titles = {view.id: view for view in steps}
    proposal = [titles[step_id] for step_id in fit.get("proposal_steps", []) if step_id in titles]
    # A task done outside the meeting is named once, however many phases it has.
    proposal_parts: list[StepView] = []
    for view in proposal:
        if view.step.get("part") not in {other.step.get("part") for other in proposal_parts}:
            proposal_parts.append(view)
    return {
        **_base_context(access, meeting, snapshot),
        "run": run,
        "steps": steps,
        "fit": fit,
        "at_minimum": [titles[i] for i in fit.get("at_minimum", []) if i in titles],
        "proposal_parts": proposal_parts,
        "proposal_applied": bool(proposal) and all(view.skipped for view in proposal),
        "is_driver": permissions.can_drive(access, run),
        "can_take_over": permissions.can_take_over(access, run),
        # What room.js needs to show "take over" when the lead changes hands live.
        "always_may_take_over": access.is_steward or is_facilitator(access, meeting),
        "open_lead": meeting.facilitator_id is None,
    }


def _steps(
    access: GroupAccess,
    meeting: Meeting,
    pack: Pack,
    snapshot: dict[str, Any],
    *,
    private: HttpRequest | None,
    tools: bool,
) -> list[StepView]:
    """Every step of the agenda with its content in the viewer's language and its planned
    start; with ``tools``, the planning tools its steps show; with the viewer's request as
    ``private``, their own notebook parts too."""
    raw_steps: list[dict[str, Any]] = list(snapshot.get("steps") or [])
    views = [
        StepView(step=step, content=_content_of(pack, step), number=number)
        for number, step in enumerate(raw_steps, start=1)
    ]
    _place(views, snapshot)
    _plan_times(views, meeting, snapshot)
    tool_cache: dict[str, dict[str, Any]] = {}
    for view in views:
        task = view.content.task
        tool_kind = ""
        if view.kind == "rules":
            tool_kind = ToolKind.GROUND_RULES
        elif task is not None and task.tool is not None:
            tool_kind = str(task.tool)
        if tool_kind and tools:
            if tool_kind not in tool_cache:
                tool_cache[tool_kind] = _tool_data(access, pack, tool_kind)
            view.tool = tool_kind
            view.tool_data = tool_cache[tool_kind]
        view.principles = view.kind == "principles"
    if private is not None:
        _private_parts(private, access, meeting, pack, views)
    return views


def _content_of(pack: Pack, step: dict[str, Any]) -> agenda.StepContent:
    """The step's texts; a step the pinned pack does not know still shows, untitled."""
    try:
        return agenda.step_content(pack=pack, step=step)
    except KeyError:
        title = I18nText({get_language() or pack.first_language: _("A step of the meeting")})
        return agenda.StepContent(
            title=title,
            text=None,
            instructions=None,
            questions=(),
            theme=None,
            task=None,
            part_title=None,
        )


def _place(views: list[StepView], snapshot: dict[str, Any]) -> None:
    """Which steps are behind, at and ahead of the current one; only steps ahead move."""
    current = snapshot.get("current")
    ids = [view.id for view in views]
    index = ids.index(current) if current in ids else -1
    if snapshot.get("state") == "ended":
        index = len(views)
    for number, view in enumerate(views):
        view.position = "past" if number < index else "current" if number == index else "ahead"
        view.can_move_up = number - 1 > index


def _plan_times(views: list[StepView], meeting: Meeting, snapshot: dict[str, Any]) -> None:
    """When each step is planned to start: from the meeting's start before it begins, from
    the current step's deadline while it runs."""
    state = snapshot.get("state")
    current = snapshot.get("current")
    clock: datetime | None = None
    started = False
    if state == "lobby":
        clock = meeting.starts_at
        started = True
    for view in views:
        if state in ("running", "paused") and view.id == current:
            clock = _current_end(snapshot)
            started = True
            continue
        if not started or clock is None or view.skipped:
            continue
        view.starts_at = clock
        clock = clock + timedelta(minutes=view.minutes)


def _current_end(snapshot: dict[str, Any]) -> datetime | None:
    if snapshot.get("state") == "running" and snapshot.get("deadline"):
        return datetime.fromtimestamp(int(snapshot["deadline"]) / 1000, tz=UTC)
    if snapshot.get("state") == "paused" and snapshot.get("remaining") is not None:
        return timezone.now() + timedelta(seconds=int(snapshot["remaining"]))
    return None


def _private_parts(
    request: HttpRequest, access: GroupAccess, meeting: Meeting, pack: Pack, views: list[StepView]
) -> None:
    """The viewer's own writing: their notebook editors in the steps done alone and in the
    closing round, and what they took with them last time at the check-in. Nobody else's."""
    has_consent = notebook.consent_current(access=access) is not None
    consent_url = reverse("notebook:consent", args=[access.group.pk])
    edited: set[str] = set()
    for view in views:
        slot, entry, url = _writing_for(access, meeting, pack, view, edited)
        if slot is None:
            if view.kind == "checkin" and has_consent and permissions.can_write(access):
                view.earlier = _earlier_takeaway(access, meeting, pack)
            continue
        if not permissions.can_write(access):
            view.guide_watches = True
        elif not has_consent:
            view.needs_consent = True
            view.notebook_url = consent_url
        else:
            view.editor = _editor_markup(request, access, slot, entry(), url, scope=view.id)
            view.notebook_url = url


def _writing_for(
    access: GroupAccess,
    meeting: Meeting,
    pack: Pack,
    view: StepView,
    edited: set[str],
) -> tuple[Slot | None, Callable[[], NotebookEntry | None], str]:
    """The notebook page this step writes in, if any: (slot, a loader of the viewer's entry,
    the page's URL). A task's page is offered once, in its first writing phase."""
    group_id = access.group.pk
    if view.kind == "lessons":
        return (
            notebook.takeaway_slot(pack=pack, meeting=meeting),
            lambda: notebook.entry_for_takeaway(access=access, meeting=meeting),
            notebook.takeaway_url(group_id, meeting.pk),
        )
    task = view.content.task
    theme = view.content.theme
    if view.kind != "task" or task is None or theme is None or task.worksheet is None:
        return None, _nothing, ""
    phase_index = view.step.get("phase")
    has_alone = any(phase.mode == PhaseMode.ALONE for phase in task.phases)
    if has_alone:
        writes_here = view.mode == PhaseMode.ALONE
    else:  # e.g. the appreciative interview: written in its first phase with questions
        first = next((i for i, phase in enumerate(task.phases) if phase.questions), 0)
        writes_here = phase_index == first
    if not writes_here or task.key in edited:
        return None, _nothing, ""
    edited.add(task.key)
    slot = notebook.task_slot(pack=pack, theme_key=theme.key, task_key=task.key)
    if slot is None:
        return None, _nothing, ""
    return (
        slot,
        lambda: notebook.entry_for_task(access=access, theme_key=theme.key, task_key=task.key),
        notebook.task_url(group_id, theme.key, task.key),
    )


def _nothing() -> None:
    return None


def _editor_markup(
    request: HttpRequest,
    access: GroupAccess,
    slot: Slot,
    entry: NotebookEntry | None,
    url: str,
    *,
    scope: str,
) -> SafeString:
    """The notebook's editor for one page, as the notebook page draws it, with ids of its
    own so that several editors can share the room page."""
    sheet = sheet_for(slot)
    content = sheet.normalise(entry.content, slot) if entry is not None else sheet.blank(slot)
    context = {
        "group": access.group,
        "access": access,
        "slot": slot,
        "sheet": sheet,
        "entry": entry,
        "content": content,
        "errors": {},
        "form_errors": [],
        "list_errors": {spec.name: [] for spec in sheet.lists},
        "rows": sheet.rows(content, {}),
        "add": "",
        "version": entry.version if entry is not None else 0,
        "save_url": url,
        "max_characters": MAX_ENTRY_CHARACTERS,
        "max_items": MAX_LIST_ITEMS,
        "weights": list(WEIGHT_LABELS.items()),
        "network_kinds": NETWORK_KINDS,
        "closeness_choices": CLOSENESS,
        "presentation_fields": PRESENTATION_FIELDS,
        "picture_id": f"room-{scope}-picture",
        "scope": scope,
        "room_key": slot_key(slot),
        **pictures_for(sheet, content),
    }
    markup = render_to_string("room/_writing.html", context, request=request)
    # Only fixed attribute names are rewritten and the scope is a step id: no user text.
    return mark_safe(_NOTEBOOK_IDS.sub(rf'\1="nb-{scope}-', markup))  # noqa: S308


def _earlier_takeaway(access: GroupAccess, meeting: Meeting, pack: Pack) -> SafeString | None:
    """What the viewer wrote to take with them at the group's previous meeting."""
    previous = (
        Meeting.objects.filter(
            group_id=access.group.pk, state=Meeting.State.HELD, number__lt=meeting.number
        )
        .order_by("-number")
        .first()
    )
    if previous is None:
        return None
    entry = notebook.entry_for_takeaway(access=access, meeting=previous)
    if entry is None:
        return None
    slot = notebook.takeaway_slot(pack=pack, meeting=previous)
    sheet = sheet_for(slot)
    content = sheet.normalise(entry.content, slot)
    if sheet.is_empty(content):
        return None
    return mark_safe(  # noqa: S308 - a template's own escaped output
        render_to_string(sheet.show_template, {"content": content, "slot": slot, "sheet": sheet})
    )


def _tool_data(access: GroupAccess, pack: Pack, tool: str) -> dict[str, Any]:
    """What one planning tool shows in the room: the current version, read-only."""
    group_id = access.group.pk
    data: dict[str, Any] = {"url": reverse(TOOL_PAGES[ToolKind(tool)], args=[group_id])}
    if tool == ToolKind.GOALS:
        record = planning.goals_current(group_id=group_id)
        data["goals"] = list(record.goals) if record is not None else []
    elif tool == ToolKind.GROUND_RULES:
        data["rules"] = planning.ground_rules_current(group_id=group_id)
    elif tool == ToolKind.AGREEMENTS:
        current = planning.agreements_current(group_id=group_id)
        data["current"] = current
        data["topics"] = planning.agreement_topics(current) if current is not None else []
    elif tool == ToolKind.THEME_PLAN:
        plan = planning.plan_current(group_id=group_id)
        data["entries"] = (
            planning.plan_entries(
                pack=pack,
                theme_keys=list(plan.theme_keys),
                held=planning.held_meetings(group_id=group_id),
            )
            if plan is not None
            else []
        )
    return data


# --- the live parts, drawn once by the server and then by room.js -------------------------


def _live_context(
    access: GroupAccess, snapshot: dict[str, Any], steps: list[StepView]
) -> dict[str, Any]:
    people: dict[str, dict[str, Any]] = snapshot.get("people") or {}
    me = access.membership.pk
    by_id = {view.id: view for view in steps}
    current_id = snapshot.get("current") or ""
    current = by_id.get(current_id)
    next_view = _next_step(steps, current_id)

    def name(person_id: Any) -> str:
        person = people.get(str(person_id))
        return str(person["name"]) if person else _("someone who left")

    pairs: list[list[int]] = [list(group) for group in snapshot.get("pairs") or []]
    mine = next((group for group in pairs if me in group), None)
    partners = [name(other) for other in mine if other != me] if mine else []
    round_ = snapshot.get("round") or None
    speaking = round_.get("current") if round_ else None
    order = list(round_.get("order", [])) if round_ else []
    return {
        "people": people,
        "person_rows": [
            {
                "id": int(key),
                "name": value["name"],
                "guide": value.get("guide", False),
                "present": int(key) in (snapshot.get("present") or []),
            }
            for key, value in people.items()
        ],
        "present_names": [
            {"name": name(pid), "guide": people.get(str(pid), {}).get("guide", False)}
            for pid in snapshot.get("present") or []
        ],
        "current": current,
        "next_step": next_view,
        "first_step": next((view for view in steps if not view.skipped), None),
        "timer": _timer_text(snapshot),
        "planned_end": _from_ms(snapshot.get("planned_end")),
        "facilitator_name": name(snapshot["facilitator"]) if snapshot.get("facilitator") else "",
        "is_facilitating": snapshot.get("facilitator") == me,
        "pairs": [_join([name(person) for person in group]) for group in pairs],
        "pair_options": list(range(1, len(pairs) + 1)),
        "pair_members": [
            {"id": person, "name": name(person)} for group in pairs for person in group
        ],
        "partners": _join(partners),
        "partner_count": len(partners),
        "in_pairs": mine is not None,
        "pairs_text": "\n".join(
            _("Room %(number)s: %(names)s")
            % {"number": index, "names": ", ".join(name(p) for p in group)}
            for index, group in enumerate(pairs, start=1)
        ),
        "round": round_,
        "speaking": name(speaking) if speaking else "",
        "speaking_next": name(_round_next(round_)) if round_ and _round_next(round_) else "",
        "round_rows": [
            {
                "name": name(pid),
                "state": "now"
                if pid == speaking
                else "passed"
                if pid in round_.get("passed", [])
                else "done"
                if pid in round_.get("done", [])
                else "waiting",
            }
            for pid in order
        ]
        if round_
        else [],
        "i_speak": speaking == me,
    }


def _next_step(steps: list[StepView], current_id: str) -> StepView | None:
    index = next((i for i, view in enumerate(steps) if view.id == current_id), -1)
    return next((view for view in steps[index + 1 :] if not view.skipped), None)


def _round_next(round_: dict[str, Any]) -> int | None:
    order = list(round_.get("order", []))
    finished = set(round_.get("passed", [])) | set(round_.get("done", []))
    current = round_.get("current")
    start = order.index(current) + 1 if current in order else 0
    return next((pid for pid in order[start:] if pid not in finished and pid != current), None)


def _timer_text(snapshot: dict[str, Any]) -> str:
    if snapshot.get("state") == "running" and snapshot.get("deadline"):
        seconds = max(0, int(snapshot["deadline"]) // 1000 - int(timezone.now().timestamp()))
    elif snapshot.get("state") == "paused" and snapshot.get("remaining") is not None:
        seconds = max(0, int(snapshot["remaining"]))
    else:
        return "–:––"
    return f"{seconds // 60}:{seconds % 60:02d}"


def _from_ms(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromtimestamp(int(value) / 1000, tz=UTC)


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}
