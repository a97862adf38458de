"""Writing in the room over its socket: the member's own notebook page of the current step.

During a task's phase done alone (and in the closing round's "what I take with me") each
member writes in that page's notebook editor. With the socket open, room.js sends each
autosave as a ``write`` message instead of an HTTP request; the semantics are the HTTP
autosave's (``notebook.views._editor``): the page names the version it loaded, a newer
stored page is a conflict (nothing is overwritten), invalid content is answered with the
form's errors, and the text is stored encrypted in the notebook like any other save.

What the consumer knows already (who the member is) is not asked again. What the current
step writes in, and whether the member may write (not a guide, notebook consent given), is
found once per socket and step (``writing_target``) and kept by the consumer until the
step changes. Each save is then one conditional UPDATE that also requires current consent,
so a withdrawn consent or a removed member stops the next save at once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connections, models, router
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from booster.groups.permissions import GroupAccess
from booster.meetings.models import Meeting
from booster.notebook import selectors as notebook
from booster.notebook import services as notebook_services
from booster.notebook.models import CONSENT_TEXT_VERSION, NotebookConsent, NotebookEntry
from booster.notebook.worksheets import Slot, Worksheet, sheet_for
from booster.programme.schema import Pack, PhaseMode
from booster.room import agenda
from booster.room.errors import CommandError
from booster.room.models import MeetingRun
from booster.room.permissions import can_write
from booster.room.selectors import run_pack

WRITING_STATES = (MeetingRun.State.RUNNING, MeetingRun.State.PAUSED)


def slot_key(slot: Slot) -> str:
    """The name of a notebook page in ``write`` messages (the editor's data-room-key)."""
    if slot.meeting is not None:
        return f"takeaway:{slot.meeting.pk}"
    return f"task:{slot.theme_key}:{slot.task_key}"


def step_slot(*, pack: Pack, meeting: Meeting, step: dict[str, Any]) -> Slot | None:
    """The notebook page a step is written in, if any: the closing round's takeaway, or a
    task's page in its phases done alone (a task without such a phase, like the
    appreciative interview, in its first phase with questions)."""
    kind = str(step.get("kind", ""))
    if kind == "lessons":
        return notebook.takeaway_slot(pack=pack, meeting=meeting)
    if kind != "task":
        return None
    try:
        content = agenda.step_content(pack=pack, step=step)
    except KeyError:
        return None
    task, theme = content.task, content.theme
    if task is None or theme is None or task.worksheet is None:
        return None
    if any(phase.mode == PhaseMode.ALONE for phase in task.phases):
        writes_here = step.get("mode") == PhaseMode.ALONE
    else:
        first = next((i for i, phase in enumerate(task.phases) if phase.questions), 0)
        writes_here = step.get("phase") == first
    if not writes_here:
        return None
    return notebook.task_slot(pack=pack, theme_key=theme.key, task_key=task.key)


@dataclass
class WritingTarget:
    """What the current step of a room writes in, for one member: found once per step."""

    step: str
    slot: Slot
    key: str
    entry_id: int | None


def writing_target(*, run_id: int, access: GroupAccess) -> WritingTarget:
    """The current step's page for this member; CommandError when they cannot write now."""
    if not can_write(access):
        raise CommandError("forbidden", _("Guides follow the meeting without writing."))
    run = MeetingRun.objects.select_related("meeting__group").filter(pk=run_id).first()
    if run is None:
        raise CommandError("unknown", _("This meeting room no longer exists."))
    if run.state not in WRITING_STATES:
        raise CommandError("step", _("Nothing is written in the room at this point."))
    step = next((step for step in run.agenda if step["id"] == run.current), None)
    slot = step_slot(pack=run_pack(run), meeting=run.meeting, step=step) if step else None
    if slot is None:
        raise CommandError("step", _("Nothing is written in this step."))
    if notebook.consent_current(access=access) is None:
        raise CommandError(
            "consent", _("Agree to keep a notebook first: your writing is kept there.")
        )
    entry = _entry_of(access, slot)
    return WritingTarget(
        step=run.current, slot=slot, key=slot_key(slot), entry_id=entry.pk if entry else None
    )


def _entry_of(access: GroupAccess, slot: Slot) -> NotebookEntry | None:
    if slot.meeting is not None:
        return notebook.entry_for_takeaway(access=access, meeting=slot.meeting)
    return notebook.entry_for_task(access=access, theme_key=slot.theme_key, task_key=slot.task_key)


def write(
    *, access: GroupAccess, target: WritingTarget, fields: dict[str, str], version: int
) -> dict[str, Any]:
    """Save the page; the answer has the HTTP autosave's fields and its ``status``
    (200 saved, 400 invalid, 409 conflict). CommandError("consent") when consent is gone."""
    sheet = sheet_for(target.slot)
    parsed = sheet.parse(fields, target.slot)
    if not parsed.ok:
        from booster.notebook.views._editor import _error_summary

        return {
            "status": 400,
            "ok": False,
            "errors": parsed.field_errors,
            "message": _error_summary(parsed.errors),
        }
    content = parsed.content
    now = timezone.now()
    # The usual save: one statement, which also requires the member's current consent
    # (a withdrawn consent deletes the page, and leaving the group the consent).
    if (
        target.entry_id is not None
        and version > 0
        and _save_if_current(target.entry_id, version, content, now)
    ):
        return _saved(sheet, target, content, version + 1, now)
    # The first save of the page, a conflict, or a page gone: the notebook's own save,
    # which checks consent and tells a conflict from a new page.
    entry = _entry_of(access, target.slot)
    try:
        result = notebook_services.entry_save(
            access=access, slot=target.slot, entry=entry, content=content, version=version
        )
    except notebook_services.EntryConflict as clash:
        newer = clash.newer
        target.entry_id = newer.pk
        newer_content = sheet.normalise(newer.content, target.slot)
        return {
            "status": 409,
            "ok": False,
            "conflict": True,
            "version": newer.version,
            "updated_at": newer.updated_at.isoformat(),
            "newer_html": render_to_string(
                sheet.show_template,
                {"content": newer_content, "slot": target.slot, "sheet": sheet},
            ),
        }
    except PermissionDenied:
        raise CommandError(
            "consent", _("Agree to keep a notebook first: your writing is kept there.")
        ) from None
    saved = result.entry
    target.entry_id = saved.pk
    return _saved(sheet, target, saved.content, saved.version, saved.updated_at)


@functools.cache
def _save_sql(alias: str) -> str:
    """The usual save's statement, written once per process (and database): the
    ORM would build and compile the same query again for every save, most of a save's CPU
    time. Names come from the models' metadata, values are parameters."""
    quote = connections[alias].ops.quote_name
    entry, consent = NotebookEntry._meta, NotebookConsent._meta

    def column(meta: Any, name: str) -> str:
        field = meta.get_field(name)
        assert isinstance(field, models.Field) and field.column
        return str(quote(field.column))

    def col(meta: Any, name: str) -> str:
        return f"{quote(meta.db_table)}.{column(meta, name)}"

    def bare(name: str) -> str:
        return column(entry, name)

    return (
        f"UPDATE {quote(entry.db_table)} "  # noqa: S608 - names from the models' metadata
        f"SET {bare('content')} = %s, {bare('version')} = %s, {bare('updated_at')} = %s "
        f"WHERE {col(entry, 'id')} = %s AND {col(entry, 'version')} = %s "
        f"AND EXISTS (SELECT 1 FROM {quote(consent.db_table)} "
        f"WHERE {col(consent, 'membership')} = {col(entry, 'membership')} "
        f"AND {col(consent, 'text_version')} >= %s)"
    )


def _save_if_current(entry_id: int, version: int, content: dict[str, Any], now: Any) -> bool:
    """Store ``content`` as ``version + 1`` of the page if it is still at ``version`` and
    its member's notebook consent is current; whether it was stored. The statement is
    ``NotebookEntry.objects.filter(pk=…, version=…).filter(Exists(current consent))
    .update(content=…, version=…, updated_at=…)``; the values go through the fields'
    own conversion (the content is encrypted by its field)."""
    connection = connections[router.db_for_write(NotebookEntry)]
    fields = NotebookEntry._meta
    params = [
        fields.get_field("content").get_db_prep_save(content, connection),
        version + 1,
        fields.get_field("updated_at").get_db_prep_save(now, connection),
        entry_id,
        version,
        CONSENT_TEXT_VERSION,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_save_sql(connection.alias), params)
        return bool(cursor.rowcount)


def _saved(
    sheet: Worksheet, target: WritingTarget, content: dict[str, Any], version: int, when: Any
) -> dict[str, Any]:
    """The answer to a save: the new version, and the parts of the page drawn from the
    saved content (the picture and the presentation card, for the sheets that have them)."""
    answer: dict[str, Any] = {
        "status": 200,
        "ok": True,
        "version": version,
        "saved_at": when.isoformat(),
    }
    if sheet.picture or sheet.preview_template:
        from booster.notebook.views._editor import picture_markup

        content = sheet.normalise(content, target.slot)
        answer["picture"] = picture_markup(sheet, content, picture_id=f"room-{target.step}-picture")
        if sheet.preview_template:
            answer["preview"] = render_to_string(
                sheet.preview_template, {"content": content, "slot": target.slot, "sheet": sheet}
            )
    return answer
