"""Reads of the notebook. Every function takes the requesting person's access and returns
only their own entries, or what their group shared; each runs a small, fixed number of
queries however many entries, meetings or snapshots there are."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from booster.groups.models import Membership
from booster.groups.permissions import GroupAccess
from booster.meetings.models import Meeting
from booster.notebook.models import (
    EntryKind,
    MapIdea,
    NotebookConsent,
    NotebookEntry,
    SharedSnapshot,
)
from booster.notebook.pictures import pictures_for
from booster.notebook.worksheets import Slot, all_questions, sheet_for, writing_questions
from booster.planning.selectors import plan_current
from booster.programme.schema import Pack, Task, Theme, WorksheetKind
from booster.programme.selectors import pack_for_version

SPECIAL_KINDS = frozenset(
    {"resources_demands", "competence", "self_presentation", "goals", "network_map"}
)


def group_pack(*, access: GroupAccess) -> Pack:
    return pack_for_version(version_id=access.group.pack_version_id)


def consent_current(*, access: GroupAccess) -> NotebookConsent | None:
    """The member's agreement to keep a notebook here, None when not (or no longer) given."""
    consent = NotebookConsent.objects.filter(membership=access.membership).first()
    return consent if consent is not None and consent.is_current else None


# --- slots: where an entry belongs --------------------------------------------------------


def _text(value: Any) -> str:
    return value.get(get_language()) if value is not None else ""


def task_slot(*, pack: Pack, theme_key: str, task_key: str) -> Slot | None:
    """The page of one task of the pack, None when the pack has no such task."""
    try:
        theme = pack.theme(theme_key)
    except KeyError:
        return None
    task = next((task for task in theme.tasks() if task.key == task_key), None)
    if task is None:
        return None
    return _slot_for_task(theme, task)


def _slot_for_task(theme: Theme, task: Task) -> Slot:
    kind = str(task.worksheet) if task.worksheet is not None else ""
    writing = tuple(_text(q) for q in writing_questions(task))
    prompts = writing if kind in SPECIAL_KINDS else ()
    if not writing:
        prompts = tuple(_text(q) for q in all_questions(task))
    return Slot(
        kind=EntryKind.TASK,
        title=_text(task.title),
        worksheet_kind=kind,
        theme_key=theme.key,
        task_key=task.key,
        theme=theme,
        task=task,
        questions=() if kind in SPECIAL_KINDS else writing,
        prompts=prompts,
    )


def takeaway_slot(*, pack: Pack, meeting: Meeting) -> Slot:
    """ "What I take with me" from one meeting: answers to the closing round's questions."""
    try:
        theme: Theme | None = pack.theme(meeting.theme_key)
    except KeyError:
        theme = None
    return Slot(
        kind=EntryKind.TAKEAWAY,
        title=_("What I take with me"),
        theme_key=meeting.theme_key,
        meeting=meeting,
        theme=theme,
        questions=tuple(_text(q) for q in pack.meeting.close.lessons.questions),
    )


def free_slot() -> Slot:
    return Slot(kind=EntryKind.FREE, title=_("Free note"))


def slot_for_entry(*, pack: Pack, entry: NotebookEntry | SharedSnapshot) -> Slot:
    """The slot of a stored entry (or snapshot), even when the pack no longer has its task."""
    kind = entry.kind if isinstance(entry, NotebookEntry) else entry.entry_kind
    if kind == EntryKind.TASK:
        slot = task_slot(pack=pack, theme_key=entry.theme_key, task_key=entry.task_key)
        if slot is not None:
            return slot
        return Slot(
            kind=EntryKind.TASK,
            title=entry.task_key,
            worksheet_kind=entry.worksheet_kind,
            theme_key=entry.theme_key,
            task_key=entry.task_key,
        )
    if kind == EntryKind.TAKEAWAY:
        if entry.meeting is not None:
            return takeaway_slot(pack=pack, meeting=entry.meeting)
        return Slot(  # a shared copy whose meeting is gone
            kind=EntryKind.TAKEAWAY,
            title=_("What I take with me"),
            questions=tuple(_text(q) for q in pack.meeting.close.lessons.questions),
        )
    return free_slot()


def expectations_slot(*, pack: Pack) -> Slot | None:
    """The opening meeting's expectations worksheet, shown again at the closing meeting."""
    for theme in pack.themes:
        for task in theme.tasks():
            if task.worksheet == WorksheetKind.EXPECTATIONS:
                return _slot_for_task(theme, task)
    return None


# --- one entry ----------------------------------------------------------------------------


def entry_for_task(*, access: GroupAccess, theme_key: str, task_key: str) -> NotebookEntry | None:
    return NotebookEntry.objects.filter(
        membership=access.membership, kind=EntryKind.TASK, theme_key=theme_key, task_key=task_key
    ).first()


def entry_for_takeaway(*, access: GroupAccess, meeting: Meeting) -> NotebookEntry | None:
    return NotebookEntry.objects.filter(
        membership=access.membership, kind=EntryKind.TAKEAWAY, meeting=meeting
    ).first()


def meeting_of_group(*, access: GroupAccess, meeting_id: int) -> Meeting | None:
    return (
        Meeting.objects.filter(group_id=access.group.pk, pk=meeting_id)
        .exclude(state=Meeting.State.CANCELLED)
        .first()
    )


def active_snapshot_of(*, entry: NotebookEntry) -> SharedSnapshot | None:
    return entry.snapshots.filter(withdrawn_at__isnull=True).order_by("-shared_at").first()


# --- the notebook page --------------------------------------------------------------------


@dataclass
class PageRow:
    slot: Slot
    entry: NotebookEntry | None
    url: str
    shared: bool = False

    @property
    def started(self) -> bool:
        return self.entry is not None and not sheet_for(self.slot).is_empty(self.entry.content)


@dataclass
class ThemeSection:
    number: int | None
    theme: Theme | None
    title: str
    meetings: list[Meeting] = field(default_factory=list)
    rows: list[PageRow] = field(default_factory=list)
    takeaways: list[PageRow] = field(default_factory=list)


def theme_order(*, access: GroupAccess, pack: Pack) -> list[str]:
    """The group's themes in meeting order: its current theme plan, else the pack's order."""
    plan = plan_current(group_id=access.group.pk)
    if plan is not None and plan.theme_keys:
        return list(plan.theme_keys)
    return [theme.key for theme in pack.themes]


def notebook_sections(*, access: GroupAccess) -> dict[str, Any]:
    """The whole notebook in meeting order: for every theme of the plan its tasks and the
    takeaway of its meeting, then pages whose task left the plan, then free notes."""
    pack = group_pack(access=access)
    group_id = access.group.pk
    entries = list(
        NotebookEntry.objects.filter(membership=access.membership).select_related("meeting")
    )
    shared_entry_ids = set(
        SharedSnapshot.objects.filter(
            membership=access.membership, withdrawn_at__isnull=True, entry__isnull=False
        ).values_list("entry_id", flat=True)
    )
    meetings = list(
        Meeting.objects.filter(group_id=group_id)
        .exclude(state=Meeting.State.CANCELLED)
        .order_by("number")
    )
    by_task = {(e.theme_key, e.task_key): e for e in entries if e.kind == EntryKind.TASK}
    by_meeting = {e.meeting_id: e for e in entries if e.kind == EntryKind.TAKEAWAY}
    order = theme_order(access=access, pack=pack)
    sections: list[ThemeSection] = []
    placed: set[int] = set()
    placed_meetings: set[int] = set()

    def row(slot: Slot, entry: NotebookEntry | None, url: str) -> PageRow:
        if entry is not None:
            placed.add(entry.pk)
        return PageRow(
            slot=slot,
            entry=entry,
            url=url,
            shared=entry is not None and entry.pk in shared_entry_ids,
        )

    for number, key in enumerate(order, start=1):
        try:
            theme: Theme | None = pack.theme(key)
        except KeyError:
            theme = None
        section = ThemeSection(
            number=number, theme=theme, title=_text(theme.title) if theme else key
        )
        if theme is not None:
            for task in theme.tasks():
                slot = _slot_for_task(theme, task)
                section.rows.append(
                    row(
                        slot,
                        by_task.get((theme.key, task.key)),
                        task_url(group_id, theme.key, task.key),
                    )
                )
        section.meetings = [
            m for m in meetings if m.theme_key == key and m.pk not in placed_meetings
        ]
        for meeting in section.meetings:
            placed_meetings.add(meeting.pk)
            section.takeaways.append(
                row(
                    takeaway_slot(pack=pack, meeting=meeting),
                    by_meeting.get(meeting.pk),
                    takeaway_url(group_id, meeting.pk),
                )
            )
        sections.append(section)

    # Meetings of themes no longer in the plan, and pages of tasks that left it: never hidden.
    extra = ThemeSection(number=None, theme=None, title=_("Other pages"))
    for meeting in meetings:
        if meeting.pk not in placed_meetings:
            extra.takeaways.append(
                row(
                    takeaway_slot(pack=pack, meeting=meeting),
                    by_meeting.get(meeting.pk),
                    takeaway_url(group_id, meeting.pk),
                )
            )
    for entry in entries:
        if entry.kind == EntryKind.TASK and entry.pk not in placed:
            slot = slot_for_entry(pack=pack, entry=entry)
            extra.rows.append(row(slot, entry, task_url(group_id, entry.theme_key, entry.task_key)))
    if extra.rows or extra.takeaways:
        sections.append(extra)

    notes = [
        row(free_slot(), entry, note_url(group_id, entry.pk))
        for entry in sorted(
            (e for e in entries if e.kind == EntryKind.FREE), key=lambda e: (e.created_at, e.pk)
        )
    ]
    return {"pack": pack, "sections": sections, "notes": notes, "entry_count": len(entries)}


def task_url(group_id: int, theme_key: str, task_key: str) -> str:
    return reverse("notebook:task", args=[group_id, theme_key, task_key])


def takeaway_url(group_id: int, meeting_id: int) -> str:
    return reverse("notebook:takeaway", args=[group_id, meeting_id])


def note_url(group_id: int, entry_id: int) -> str:
    return reverse("notebook:note", args=[group_id, entry_id])


def entry_url(group_id: int, entry: NotebookEntry) -> str:
    if entry.kind == EntryKind.TASK:
        return task_url(group_id, entry.theme_key, entry.task_key)
    if entry.kind == EntryKind.TAKEAWAY and entry.meeting_id is not None:
        return takeaway_url(group_id, entry.meeting_id)
    return note_url(group_id, entry.pk)


# --- export -------------------------------------------------------------------------------


@dataclass
class ExportPage:
    heading: str
    slot: Slot
    entry: NotebookEntry
    content: dict[str, Any]


def export_pages(*, access: GroupAccess) -> list[ExportPage]:
    """Every entry of the member's notebook, in notebook order, with normalised content."""
    data = notebook_sections(access=access)
    pages: list[ExportPage] = []
    for section in data["sections"]:
        prefix = f"{section.number}. {section.title}" if section.number else section.title
        for page_row in [*section.rows, *section.takeaways]:
            if page_row.entry is None:
                continue
            slot = page_row.slot
            heading = f"{prefix} — {slot.title}"
            if slot.meeting is not None:
                heading = f"{prefix} — " + _("Meeting %(number)s: what I take with me") % {
                    "number": slot.meeting.number
                }
            pages.append(_export_page(heading, slot, page_row.entry))
    for page_row in data["notes"]:
        assert page_row.entry is not None
        title = (
            page_row.entry.content.get("title") if isinstance(page_row.entry.content, dict) else ""
        )
        heading = _("Free note") + (f": {title}" if title else "")
        pages.append(_export_page(heading, page_row.slot, page_row.entry))
    return pages


def _export_page(heading: str, slot: Slot, entry: NotebookEntry) -> ExportPage:
    sheet = sheet_for(slot)
    return ExportPage(
        heading=heading, slot=slot, entry=entry, content=sheet.normalise(entry.content, slot)
    )


def my_active_snapshots(*, access: GroupAccess) -> list[SharedSnapshot]:
    return list(
        SharedSnapshot.objects.filter(membership=access.membership, withdrawn_at__isnull=True)
        .select_related("meeting")
        .order_by("shared_at", "id")
    )


# --- what the group shared ----------------------------------------------------------------


@dataclass
class SharedItem:
    snapshot: SharedSnapshot
    slot: Slot
    content: dict[str, Any]
    is_mine: bool
    ideas: list[MapIdea] = field(default_factory=list)
    pictures: dict[str, Any] = field(default_factory=dict)

    @property
    def owner_name(self) -> str:
        if not self.snapshot.signed:
            return _("shared without a name")
        return self.snapshot.membership.display_name

    @property
    def sheet(self) -> Any:
        return sheet_for(self.slot)

    @property
    def picture_id(self) -> str:
        return f"shared-{self.snapshot.pk}-picture"


def shared_page(*, access: GroupAccess) -> dict[str, Any]:
    """Every active snapshot of the group's active members and guides, with the ideas left
    on network maps: the competence lists side by side, the maps, and other pages."""
    pack = group_pack(access=access)
    snapshots = (
        SharedSnapshot.objects.filter(
            membership__group_id=access.group.pk,
            membership__state=Membership.State.ACTIVE,
            withdrawn_at__isnull=True,
        )
        # The closing evaluation's answers are shown on the group's look back, where shares
        # without a name are mixed so that neither order nor time tells whose they are.
        .exclude(worksheet_kind="evaluation")
        .select_related("membership", "meeting")
        .prefetch_related(
            Prefetch(
                "ideas",
                queryset=MapIdea.objects.filter(author__state=Membership.State.ACTIVE)
                .select_related("author")
                .order_by("created_at", "id"),
            )
        )
        .order_by("shared_at", "id")
    )
    competence: list[SharedItem] = []
    maps: list[SharedItem] = []
    others: list[SharedItem] = []
    for snapshot in snapshots:
        slot = slot_for_entry(pack=pack, entry=snapshot)
        sheet = sheet_for(slot)
        content = sheet.normalise(snapshot.content, slot)
        item = SharedItem(
            snapshot=snapshot,
            slot=slot,
            content=content,
            is_mine=snapshot.membership_id == access.membership.pk,
            ideas=list(snapshot.ideas.all()),
            pictures=pictures_for(sheet, content),
        )
        if snapshot.worksheet_kind == "competence":
            competence.append(item)
        elif snapshot.worksheet_kind == "network_map":
            maps.append(item)
        else:
            others.append(item)
    return {"competence": competence, "maps": maps, "others": others}


def home_section(*, access: GroupAccess) -> dict[str, Any]:
    """What the group's home shows of the notebook: links, whether the viewer has started
    one, and how many pages the group shares. Two queries."""
    group_id = access.group.pk
    return {
        "has_consent": consent_current(access=access) is not None,
        "shared_count": SharedSnapshot.objects.filter(
            membership__group_id=group_id,
            membership__state=Membership.State.ACTIVE,
            withdrawn_at__isnull=True,
        ).count(),
        "urls": {
            "notebook": reverse("notebook:index", args=[group_id]),
            "shared": reverse("notebook:shared", args=[group_id]),
        },
    }
