"""The worksheets: what each kind of notebook page holds, how a submitted form becomes its
content, the limits, and what part of it can be shared.

Content is plain JSON data. Every editor is a plain HTML form whose field names this
module reads back (``answer-0``, ``resources-2-weight``, ``items-5-closeness`` …), so the
same parsing serves the form without JavaScript and the autosave with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from booster.meetings.models import Meeting
from booster.notebook.models import EntryKind
from booster.programme.schema import Task, Theme

MAX_ENTRY_CHARACTERS = 20_000
MAX_LIST_ITEMS = 60
ITEM_TEXT_MAX = 200
ITEM_NOTE_MAX = 500
TITLE_MAX = 120
# Never read more rows than this from one submitted form, whatever it claims.
_MAX_ROWS_READ = 200

ERRORS_ALL = "__all__"


class FormData(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def __iter__(self) -> Iterator[str]: ...


@dataclass(frozen=True)
class Slot:
    """Where an entry belongs: a task of the plan, a meeting's takeaway, or a free note.

    Texts are already in the viewer's language.
    """

    kind: str
    title: str
    worksheet_kind: str = ""
    theme_key: str = ""
    task_key: str = ""
    meeting: Meeting | None = None
    theme: Theme | None = None
    task: Task | None = None
    questions: tuple[str, ...] = ()
    prompts: tuple[str, ...] = ()

    @property
    def is_task(self) -> bool:
        return self.kind == EntryKind.TASK


@dataclass
class Parsed:
    content: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)
    # The same problems keyed by the names the form submitted (rows keep the browser's
    # numbering there), so that the autosave can mark the right field.
    field_errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, message: str, *, submitted: str | None = None) -> None:
        self.errors.setdefault(key, []).append(message)
        self.field_errors.setdefault(submitted or key, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Row:
    """One row of a list editor: its position, its values and its problems. The row
    template that the browser copies has the placeholders ``__INDEX__`` and ``__NUMBER__``."""

    index: int | str
    item: dict[str, Any]
    errors: dict[str, list[str]]
    is_new: bool = False

    @property
    def number(self) -> int | str:
        return self.index + 1 if isinstance(self.index, int) else "__NUMBER__"


def _text(data: FormData, key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        return ""
    # Browsers send \r\n; store \n so that lengths are what the member sees. A NUL is
    # never typed (and PostgreSQL refuses it in text): it is dropped.
    return value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()


def text_length(value: Any) -> int:
    """How many characters of writing the content holds."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Mapping):
        return sum(text_length(item) for item in value.values())
    if isinstance(value, list | tuple):
        return sum(text_length(item) for item in value)
    return 0


def _row_indices(data: FormData, prefix: str) -> list[int]:
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d{{1,4}})-[a-z_]+$")
    found: set[int] = set()
    for key in data:
        match = pattern.match(key)
        if match:
            found.add(int(match.group(1)))
            if len(found) >= _MAX_ROWS_READ:
                break
    return sorted(found)


def _limit(
    parsed: Parsed, key: str, value: str, maximum: int, *, submitted: str | None = None
) -> None:
    if len(value) > maximum:
        parsed.add(
            key,
            _("At most %(max)s characters fit here; this has %(count)s.")
            % {"max": maximum, "count": len(value)},
            submitted=submitted,
        )


@dataclass(frozen=True)
class ListSpec:
    name: str
    label: Any
    item_label: Any
    add_label: Any
    remove_label: Any
    too_many: Any
    note_label: Any = None


class Worksheet:
    """A notebook page of answers to the task's questions, plus free notes."""

    kind: ClassVar[str] = ""
    # Shown beside the editor and redrawn after every autosave (e.g. the presentation card).
    preview_template: ClassVar[str] = ""
    editor_template: ClassVar[str] = "notebook/worksheets/_edit_questions.html"
    show_template: ClassVar[str] = "notebook/worksheets/_show_questions.html"
    lists: ClassVar[tuple[ListSpec, ...]] = ()
    picture: ClassVar[str] = ""  # "scales" or "map" when the page is also drawn

    # --- content ------------------------------------------------------------------------
    def blank(self, slot: Slot) -> dict[str, Any]:
        return {"answers": ["" for _question in slot.questions], "notes": ""}

    def normalise(self, content: Any, slot: Slot) -> dict[str, Any]:
        """Stored content with every key the editor expects (older shapes included)."""
        base = self.blank(slot)
        if isinstance(content, Mapping):
            for key, value in content.items():
                base[key] = value
        answers = list(base.get("answers") or [])
        while len(answers) < len(slot.questions):
            answers.append("")
        base["answers"] = [str(answer) for answer in answers]
        return base

    def parse(self, data: FormData, slot: Slot, *, remove: tuple[str, int] | None = None) -> Parsed:
        count = max(len(slot.questions), len(_row_indices_plain(data, "answer")))
        answers = [_text(data, f"answer-{index}") for index in range(count)]
        parsed = Parsed({"answers": answers, "notes": _text(data, "notes")})
        self._check_total(parsed)
        return parsed

    def _check_total(self, parsed: Parsed) -> None:
        total = text_length(parsed.content)
        if total > MAX_ENTRY_CHARACTERS:
            parsed.add(
                ERRORS_ALL,
                _(
                    "This page is too long to save: it has %(count)s characters and at most "
                    "%(max)s fit on one page. Move some of it to a free note."
                )
                % {"count": total, "max": MAX_ENTRY_CHARACTERS},
            )

    def is_empty(self, content: Mapping[str, Any]) -> bool:
        return text_length(content) == 0

    def shareable(self, content: dict[str, Any]) -> dict[str, Any]:
        """What a shared snapshot of this content holds (everything, for most kinds)."""
        return content

    # --- showing ------------------------------------------------------------------------
    def rows(
        self, content: Mapping[str, Any], errors: Mapping[str, list[str]], *, add: str = ""
    ) -> dict[str, list[Row]]:
        """The list editors' rows, with a blank row where a list is empty or one was asked for."""
        rows: dict[str, list[Row]] = {}
        for spec in self.lists:
            items = list(content.get(spec.name) or [])
            built = [
                Row(index=index, item=item, errors=_row_errors(errors, spec.name, index))
                for index, item in enumerate(items)
            ]
            if not items or add == spec.name:
                built.append(
                    Row(
                        index=len(items),
                        item=self.blank_item(spec.name),
                        errors={},
                        is_new=add == spec.name,
                    )
                )
            rows[spec.name] = built
        return rows

    def blank_item(self, list_name: str) -> dict[str, Any]:
        return {}

    def template_rows(self) -> dict[str, Row]:
        """For each list, the empty row the browser copies when a row is added."""
        return {
            spec.name: Row(index="__INDEX__", item=self.blank_item(spec.name), errors={})
            for spec in self.lists
        }

    def markdown(self, content: Mapping[str, Any], slot: Slot) -> list[str]:
        lines: list[str] = []
        for index, answer in enumerate(content.get("answers") or []):
            if not answer:
                continue
            question = slot.questions[index] if index < len(slot.questions) else _("Answer")
            lines += [f"**{question}**", "", answer, ""]
        if content.get("notes"):
            lines += [f"**{_('Notes')}**", "", content["notes"], ""]
        return lines


def _row_indices_plain(data: FormData, prefix: str) -> list[int]:
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d{{1,3}})$")
    found = sorted({int(m.group(1)) for key in data if (m := pattern.match(key))})
    return found[:_MAX_ROWS_READ]


def _row_errors(
    errors: Mapping[str, list[str]], list_name: str, index: int
) -> dict[str, list[str]]:
    prefix = f"{list_name}-{index}-"
    return {key[len(prefix) :]: value for key, value in errors.items() if key.startswith(prefix)}


class FreeNoteSheet(Worksheet):
    editor_template = "notebook/worksheets/_edit_free.html"
    show_template = "notebook/worksheets/_show_free.html"

    def blank(self, slot: Slot) -> dict[str, Any]:
        return {"title": "", "text": ""}

    def normalise(self, content: Any, slot: Slot) -> dict[str, Any]:
        base = self.blank(slot)
        if isinstance(content, Mapping):
            base.update({key: str(content.get(key) or "") for key in ("title", "text")})
        return base

    def parse(self, data: FormData, slot: Slot, *, remove: tuple[str, int] | None = None) -> Parsed:
        parsed = Parsed({"title": _text(data, "title"), "text": _text(data, "text")})
        _limit(parsed, "title", parsed.content["title"], TITLE_MAX)
        self._check_total(parsed)
        return parsed

    def markdown(self, content: Mapping[str, Any], slot: Slot) -> list[str]:
        return [content["text"], ""] if content.get("text") else []


# --- resources and demands (the scales) ---------------------------------------------------

WEIGHTS = (1, 2, 3, 4, 5)
WEIGHT_LABELS = {
    1: pgettext_lazy("weight", "1 – light"),
    2: pgettext_lazy("weight", "2"),
    3: pgettext_lazy("weight", "3 – middling"),
    4: pgettext_lazy("weight", "4"),
    5: pgettext_lazy("weight", "5 – heavy"),
}


class ResourcesDemandsSheet(Worksheet):
    kind = "resources_demands"
    editor_template = "notebook/worksheets/_edit_resources_demands.html"
    show_template = "notebook/worksheets/_show_resources_demands.html"
    picture = "scales"
    lists = (
        ListSpec(
            "resources",
            gettext_lazy("Resources: what gives me strength"),
            gettext_lazy("Resource %(number)s"),
            gettext_lazy("Add a resource"),
            gettext_lazy("Remove resource %(number)s"),
            gettext_lazy("At most %(max)s resources fit on the scales."),
            gettext_lazy("How I could strengthen it"),
        ),
        ListSpec(
            "demands",
            gettext_lazy("Demands: what takes my strength"),
            gettext_lazy("Demand %(number)s"),
            gettext_lazy("Add a demand"),
            gettext_lazy("Remove demand %(number)s"),
            gettext_lazy("At most %(max)s demands fit on the scales."),
            gettext_lazy("How I could ease it"),
        ),
    )

    def blank(self, slot: Slot) -> dict[str, Any]:
        return {"resources": [], "demands": [], "notes": ""}

    def blank_item(self, list_name: str) -> dict[str, Any]:
        return {"text": "", "weight": 3, "note": ""}

    def normalise(self, content: Any, slot: Slot) -> dict[str, Any]:
        base = self.blank(slot)
        if isinstance(content, Mapping):
            base["notes"] = str(content.get("notes") or "")
            for name in ("resources", "demands"):
                base[name] = [
                    {
                        "text": str(item.get("text") or ""),
                        "weight": _weight(item.get("weight")) or 3,
                        "note": str(item.get("note") or ""),
                    }
                    for item in content.get(name) or []
                    if isinstance(item, Mapping)
                ]
        return base

    def parse(self, data: FormData, slot: Slot, *, remove: tuple[str, int] | None = None) -> Parsed:
        parsed = Parsed({"resources": [], "demands": [], "notes": _text(data, "notes")})
        for spec in self.lists:
            items: list[dict[str, Any]] = parsed.content[spec.name]
            for index in _row_indices(data, spec.name):
                if remove == (spec.name, index):
                    continue
                prefix = f"{spec.name}-{index}-"
                text = _text(data, prefix + "text")
                note = _text(data, prefix + "note")
                raw_weight = _text(data, prefix + "weight")
                if not text and not note:
                    continue
                key = f"{spec.name}-{len(items)}-"
                weight = _weight(raw_weight)
                items.append({"text": text, "weight": weight or raw_weight or 3, "note": note})
                if not text:
                    parsed.add(
                        key + "text",
                        _("Write what this is, or clear its note."),
                        submitted=prefix + "text",
                    )
                if weight is None and raw_weight:
                    parsed.add(
                        key + "weight",
                        _("Choose a weight from 1 to 5."),
                        submitted=prefix + "weight",
                    )
                _limit(parsed, key + "text", text, ITEM_TEXT_MAX, submitted=prefix + "text")
                _limit(parsed, key + "note", note, ITEM_NOTE_MAX, submitted=prefix + "note")
            if len(items) > MAX_LIST_ITEMS:
                parsed.add(spec.name, str(spec.too_many) % {"max": MAX_LIST_ITEMS})
        self._check_total(parsed)
        return parsed

    def markdown(self, content: Mapping[str, Any], slot: Slot) -> list[str]:
        lines: list[str] = []
        balance = scales_balance(content)
        for spec in self.lists:
            note_label = spec.note_label
            items = content.get(spec.name) or []
            lines += [f"**{spec.label}**", ""]
            if not items:
                lines += [_("(none yet)"), ""]
                continue
            for item in items:
                line = f"- {item['text']} — " + _("weight %(weight)s") % {"weight": item["weight"]}
                if item.get("note"):
                    line += f"  \n  {note_label}: {item['note']}"
                lines.append(line)
            lines.append("")
        lines += [balance.description, ""]
        if content.get("notes"):
            lines += [f"**{_('Other thoughts')}**", "", content["notes"], ""]
        return lines


def _weight(value: Any) -> int | None:
    try:
        weight = int(value)
    except (TypeError, ValueError):
        return None
    return weight if weight in WEIGHTS else None


@dataclass(frozen=True)
class Balance:
    resources: int
    demands: int

    @property
    def tilt(self) -> str:
        """Which side goes down: "resources", "demands" or "even"."""
        if self.resources > self.demands:
            return "resources"
        if self.demands > self.resources:
            return "demands"
        return "even"

    @property
    def description(self) -> str:
        values = {"resources": self.resources, "demands": self.demands}
        if self.tilt == "resources":
            return (
                _(
                    "The scales lean towards resources: resources weigh %(resources)s, "
                    "demands %(demands)s."
                )
                % values
            )
        if self.tilt == "demands":
            return (
                _(
                    "The scales lean towards demands: demands weigh %(demands)s, "
                    "resources %(resources)s."
                )
                % values
            )
        return (
            _("The scales are in balance: resources and demands both weigh %(resources)s.") % values
        )


def scales_balance(content: Mapping[str, Any]) -> Balance:
    def total(name: str) -> int:
        return sum(_weight(item.get("weight")) or 0 for item in content.get(name) or [])

    return Balance(resources=total("resources"), demands=total("demands"))


# --- competence ---------------------------------------------------------------------------


class CompetenceSheet(Worksheet):
    kind = "competence"
    editor_template = "notebook/worksheets/_edit_competence.html"
    show_template = "notebook/worksheets/_show_competence.html"
    lists = (
        ListSpec(
            "have",
            gettext_lazy("List 1: competence I have"),
            gettext_lazy("Competence I have, %(number)s"),
            gettext_lazy("Add to what I have"),
            gettext_lazy("Remove competence I have, %(number)s"),
            gettext_lazy("At most %(max)s items fit in one list."),
        ),
        ListSpec(
            "need",
            gettext_lazy("List 2: competence I need"),
            gettext_lazy("Competence I need, %(number)s"),
            gettext_lazy("Add to what I need"),
            gettext_lazy("Remove competence I need, %(number)s"),
            gettext_lazy("At most %(max)s items fit in one list."),
        ),
    )

    def blank(self, slot: Slot) -> dict[str, Any]:
        return {"have": [], "need": [], "notes": ""}

    def blank_item(self, list_name: str) -> dict[str, Any]:
        return {"text": "", "share": False}

    def normalise(self, content: Any, slot: Slot) -> dict[str, Any]:
        base = self.blank(slot)
        if isinstance(content, Mapping):
            base["notes"] = str(content.get("notes") or "")
            for name in ("have", "need"):
                base[name] = [
                    {"text": str(item.get("text") or ""), "share": bool(item.get("share"))}
                    for item in content.get(name) or []
                    if isinstance(item, Mapping)
                ]
        return base

    def parse(self, data: FormData, slot: Slot, *, remove: tuple[str, int] | None = None) -> Parsed:
        parsed = Parsed({"have": [], "need": [], "notes": _text(data, "notes")})
        for spec in self.lists:
            items: list[dict[str, Any]] = parsed.content[spec.name]
            for index in _row_indices(data, spec.name):
                if remove == (spec.name, index):
                    continue
                text = _text(data, f"{spec.name}-{index}-text")
                if not text:
                    continue
                key = f"{spec.name}-{len(items)}-"
                items.append({"text": text, "share": bool(data.get(f"{spec.name}-{index}-share"))})
                _limit(
                    parsed, key + "text", text, ITEM_TEXT_MAX, submitted=f"{spec.name}-{index}-text"
                )
            if len(items) > MAX_LIST_ITEMS:
                parsed.add(spec.name, str(spec.too_many) % {"max": MAX_LIST_ITEMS})
        self._check_total(parsed)
        return parsed

    def shareable(self, content: dict[str, Any]) -> dict[str, Any]:
        """Only the items the member marked for sharing; never the notes."""
        return {
            "have": [item for item in content.get("have") or [] if item.get("share")],
            "need": [item for item in content.get("need") or [] if item.get("share")],
            "notes": "",
        }

    def markdown(self, content: Mapping[str, Any], slot: Slot) -> list[str]:
        lines: list[str] = []
        for spec in self.lists:
            lines += [f"**{spec.label}**", ""]
            items = content.get(spec.name) or []
            lines += [f"- {item['text']}" for item in items] or [_("(none yet)")]
            lines.append("")
        if content.get("notes"):
            lines += [f"**{_('Notes')}**", "", content["notes"], ""]
        return lines


# --- self-presentation, goals -------------------------------------------------------------

PRESENTATION_FIELDS = (
    ("what", gettext_lazy("What I do")),
    ("for_whom", gettext_lazy("For whom")),
    ("why", gettext_lazy("Why I do it")),
)


class SelfPresentationSheet(Worksheet):
    kind = "self_presentation"
    preview_template = "notebook/worksheets/_show_self_presentation.html"
    editor_template = "notebook/worksheets/_edit_self_presentation.html"
    show_template = "notebook/worksheets/_show_self_presentation.html"

    def blank(self, slot: Slot) -> dict[str, Any]:
        return {name: "" for name, _label in PRESENTATION_FIELDS}

    def normalise(self, content: Any, slot: Slot) -> dict[str, Any]:
        base = self.blank(slot)
        if isinstance(content, Mapping):
            base.update({name: str(content.get(name) or "") for name in base})
        return base

    def parse(self, data: FormData, slot: Slot, *, remove: tuple[str, int] | None = None) -> Parsed:
        parsed = Parsed({name: _text(data, name) for name, _label in PRESENTATION_FIELDS})
        for name, _label in PRESENTATION_FIELDS:
            _limit(parsed, name, parsed.content[name], 2000)
        self._check_total(parsed)
        return parsed

    def markdown(self, content: Mapping[str, Any], slot: Slot) -> list[str]:
        lines: list[str] = []
        for name, label in PRESENTATION_FIELDS:
            if content.get(name):
                lines += [f"**{label}**", "", content[name], ""]
        return lines


GOAL_COUNT = 3


class GoalsSheet(Worksheet):
    kind = "goals"
    editor_template = "notebook/worksheets/_edit_goals.html"
    show_template = "notebook/worksheets/_show_goals.html"

    def blank(self, slot: Slot) -> dict[str, Any]:
        return {"goals": ["" for _index in range(GOAL_COUNT)], "notes": ""}

    def normalise(self, content: Any, slot: Slot) -> dict[str, Any]:
        base = self.blank(slot)
        if isinstance(content, Mapping):
            goals = [str(goal or "") for goal in content.get("goals") or []]
            base["goals"] = (goals + [""] * GOAL_COUNT)[:GOAL_COUNT]
            base["notes"] = str(content.get("notes") or "")
        return base

    def parse(self, data: FormData, slot: Slot, *, remove: tuple[str, int] | None = None) -> Parsed:
        goals = [_text(data, f"goal-{index}") for index in range(GOAL_COUNT)]
        parsed = Parsed({"goals": goals, "notes": _text(data, "notes")})
        for index, goal in enumerate(goals):
            _limit(parsed, f"goal-{index}", goal, ITEM_NOTE_MAX)
        self._check_total(parsed)
        return parsed

    def markdown(self, content: Mapping[str, Any], slot: Slot) -> list[str]:
        lines = [f"**{_('My three professional goals')}**", ""]
        lines += [
            f"{number}. {goal}"
            for number, goal in enumerate(content.get("goals") or [], start=1)
            if goal
        ] or [_("(none yet)")]
        lines.append("")
        if content.get("notes"):
            lines += [f"**{_('Notes')}**", "", content["notes"], ""]
        return lines


# --- the network map ----------------------------------------------------------------------

NETWORK_KINDS = (
    ("professional", gettext_lazy("Professional")),
    ("wellbeing", gettext_lazy("Supports my well-being")),
)
CLOSENESS = (
    ("inner", gettext_lazy("Inner circle")),
    ("outer", gettext_lazy("Outer circle")),
    ("reach", gettext_lazy("Want to reach")),
)
NETWORK_NAME_MAX = 120
NETWORK_NOTE_MAX = 300


class NetworkMapSheet(Worksheet):
    kind = "network_map"
    editor_template = "notebook/worksheets/_edit_network_map.html"
    show_template = "notebook/worksheets/_show_network_map.html"
    picture = "map"
    lists = (
        ListSpec(
            "items",
            gettext_lazy("People and organisations"),
            gettext_lazy("Person or organisation %(number)s"),
            gettext_lazy("Add a person or organisation"),
            gettext_lazy("Remove person or organisation %(number)s"),
            gettext_lazy("At most %(max)s people and organisations fit on one map."),
        ),
    )

    def blank(self, slot: Slot) -> dict[str, Any]:
        return {"items": [], "widen": "", "notes": ""}

    def blank_item(self, list_name: str) -> dict[str, Any]:
        return {"name": "", "kind": "professional", "closeness": "inner", "note": ""}

    def normalise(self, content: Any, slot: Slot) -> dict[str, Any]:
        base = self.blank(slot)
        if isinstance(content, Mapping):
            base["widen"] = str(content.get("widen") or "")
            base["notes"] = str(content.get("notes") or "")
            kinds = dict(NETWORK_KINDS)
            closeness = dict(CLOSENESS)
            base["items"] = [
                {
                    "name": str(item.get("name") or ""),
                    "kind": item.get("kind") if item.get("kind") in kinds else "professional",
                    "closeness": item.get("closeness")
                    if item.get("closeness") in closeness
                    else "inner",
                    "note": str(item.get("note") or ""),
                }
                for item in content.get("items") or []
                if isinstance(item, Mapping)
            ]
        return base

    def parse(self, data: FormData, slot: Slot, *, remove: tuple[str, int] | None = None) -> Parsed:
        parsed = Parsed({"items": [], "widen": _text(data, "widen"), "notes": _text(data, "notes")})
        items: list[dict[str, Any]] = parsed.content["items"]
        kinds = dict(NETWORK_KINDS)
        closeness_names = dict(CLOSENESS)
        for index in _row_indices(data, "items"):
            if remove == ("items", index):
                continue
            prefix = f"items-{index}-"
            name = _text(data, prefix + "name")
            note = _text(data, prefix + "note")
            kind = _text(data, prefix + "kind") or "professional"
            closeness = _text(data, prefix + "closeness") or "inner"
            if not name and not note:
                continue
            key = f"items-{len(items)}-"
            items.append({"name": name, "kind": kind, "closeness": closeness, "note": note})
            if not name:
                parsed.add(
                    key + "name", _("Write a name, or clear the note."), submitted=prefix + "name"
                )
            if kind not in kinds:
                parsed.add(
                    key + "kind",
                    _("Choose professional or supports my well-being."),
                    submitted=prefix + "kind",
                )
            if closeness not in closeness_names:
                parsed.add(
                    key + "closeness",
                    _("Choose inner circle, outer circle or want to reach."),
                    submitted=prefix + "closeness",
                )
            _limit(parsed, key + "name", name, NETWORK_NAME_MAX, submitted=prefix + "name")
            _limit(parsed, key + "note", note, NETWORK_NOTE_MAX, submitted=prefix + "note")
        if len(items) > MAX_LIST_ITEMS:
            parsed.add(
                "items",
                _("At most %(max)s people and organisations fit on one map; this has %(count)s.")
                % {"max": MAX_LIST_ITEMS, "count": len(items)},
            )
        self._check_total(parsed)
        return parsed

    def markdown(self, content: Mapping[str, Any], slot: Slot) -> list[str]:
        kinds = dict(NETWORK_KINDS)
        lines: list[str] = []
        for value, label in CLOSENESS:
            members = [item for item in content.get("items") or [] if item["closeness"] == value]
            lines += [f"**{label}**", ""]
            for item in members:
                line = f"- {item['name']} ({kinds.get(item['kind'], item['kind'])})"
                if item.get("note"):
                    line += f" — {item['note']}"
                lines.append(line)
            if not members:
                lines.append(_("(none yet)"))
            lines.append("")
        if content.get("widen"):
            lines += [f"**{_('How I could widen my network')}**", "", content["widen"], ""]
        if content.get("notes"):
            lines += [f"**{_('Notes')}**", "", content["notes"], ""]
        return lines


def network_summary(content: Mapping[str, Any]) -> str:
    """The map in one sentence, for the picture's text alternative."""
    items = content.get("items") or []
    counts = {value: 0 for value, _label in CLOSENESS}
    for item in items:
        if item.get("closeness") in counts:
            counts[item["closeness"]] += 1
    return ngettext(
        "A network map with %(count)s person or organisation: %(inner)s in the inner "
        "circle, %(outer)s in the outer circle, %(reach)s I want to reach.",
        "A network map with %(count)s people and organisations: %(inner)s in the inner "
        "circle, %(outer)s in the outer circle, %(reach)s I want to reach.",
        len(items),
    ) % {"count": len(items), **counts}


# --- which sheet for which page -----------------------------------------------------------

_QUESTIONS = Worksheet()
_FREE = FreeNoteSheet()
_SHEETS: dict[str, Worksheet] = {
    sheet.kind: sheet
    for sheet in (
        ResourcesDemandsSheet(),
        CompetenceSheet(),
        SelfPresentationSheet(),
        GoalsSheet(),
        NetworkMapSheet(),
    )
}


def sheet_for(slot: Slot) -> Worksheet:
    """The editor of a page. Kinds made of answers to the task's questions (expectations,
    recovery day, collaboration, appreciative interview, evaluation, and tasks without a
    worksheet) share the questions editor."""
    if slot.kind == EntryKind.FREE:
        return _FREE
    return _SHEETS.get(slot.worksheet_kind, _QUESTIONS)


def writing_questions(task: Task) -> tuple[Any, ...]:
    """The questions a member writes answers to: those of the phases done alone, else
    (for a worksheet done in pairs, like the appreciative interview) the first phase that
    has questions."""
    alone = tuple(q for phase in task.phases if phase.mode == "alone" for q in phase.questions)
    if alone:
        return alone
    if task.worksheet is not None:
        for phase in task.phases:
            if phase.questions:
                return phase.questions
    return ()


def all_questions(task: Task) -> tuple[Any, ...]:
    return tuple(q for phase in task.phases for q in phase.questions)
