"""Reads of the closing meeting's outcomes: the group's look back and gratitude wall.

Both are made of what members shared from their notebook's evaluation page (the closing
theme's task with the ``evaluation`` worksheet): each shared answer is a frozen copy in a
``SharedSnapshot``, signed (with the member's name in the group) or unsigned (no name).
Only active snapshots of active memberships count, so a withdrawn share, a member who left
and a deleted account's answers disappear at once. One query, however many shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language

from booster.groups.models import Group, Membership
from booster.meetings.models import Meeting
from booster.notebook.models import EntryKind, SharedSnapshot
from booster.notebook.worksheets import writing_questions
from booster.programme.schema import Pack, Task, Theme, WorksheetKind
from booster.programme.selectors import pack_for_version

EVALUATION_WORKSHEET = str(WorksheetKind.EVALUATION)


@dataclass(frozen=True)
class SharedAnswer:
    """One shared answer as the group sees it. ``name`` is None when shared unsigned."""

    text: str
    name: str | None
    snapshot_id: int
    question_index: int
    is_mine: bool = False


def evaluation_task(pack: Pack) -> tuple[Theme, Task] | None:
    """The closing theme's evaluation task (its last question is the message to peers)."""
    for theme in pack.themes:
        for task in theme.tasks():
            if task.worksheet == WorksheetKind.EVALUATION:
                return theme, task
    return None


def evaluation_questions(pack: Pack) -> tuple[str, ...]:
    """The evaluation's questions in the viewer's language (those written alone)."""
    found = evaluation_task(pack)
    if found is None:
        return ()
    language = get_language()
    return tuple(question.get(language) for question in writing_questions(found[1]))


def _sort_key(answer: SharedAnswer) -> tuple[str, int]:
    # By text, not by time or person: the order reveals nothing about who wrote what.
    return (answer.text.casefold(), answer.snapshot_id)


def shared_answers(*, group: Group, viewer: Membership | None = None) -> list[SharedAnswer]:
    """Every answer the group's active members shared from their evaluation page."""
    snapshots = (
        SharedSnapshot.objects.filter(
            membership__group_id=group.pk,
            membership__state=Membership.State.ACTIVE,
            withdrawn_at__isnull=True,
            entry_kind=EntryKind.TASK,
            worksheet_kind=EVALUATION_WORKSHEET,
        )
        .select_related("membership")
        .only(
            "id",
            "content",
            "signed",
            "membership__id",
            "membership__display_name",
        )
    )
    answers: list[SharedAnswer] = []
    for snapshot in snapshots:
        content: Any = snapshot.content
        texts = content.get("answers") if isinstance(content, dict) else None
        if not isinstance(texts, list):
            continue
        for index, text in enumerate(texts):
            if not isinstance(text, str) or not text.strip():
                continue
            answers.append(
                SharedAnswer(
                    text=text.strip(),
                    name=snapshot.membership.display_name if snapshot.signed else None,
                    snapshot_id=snapshot.pk,
                    question_index=index,
                    is_mine=viewer is not None and snapshot.membership_id == viewer.pk,
                )
            )
    answers.sort(key=_sort_key)
    return answers


@dataclass(frozen=True)
class LookBackSection:
    question: str
    answers: list[SharedAnswer]


def look_back(*, group: Group, viewer: Membership | None = None) -> dict[str, Any]:
    """The look back (every question but the last) and the gratitude wall (the last one)."""
    pack = pack_for_version(version_id=group.pack_version_id)
    questions = evaluation_questions(pack)
    answers = shared_answers(group=group, viewer=viewer)
    if not questions:
        return {"sections": [], "gratitude": [], "questions": questions}
    last = len(questions) - 1
    sections = [
        LookBackSection(
            question=question,
            answers=[answer for answer in answers if answer.question_index == index],
        )
        for index, question in enumerate(questions[:last])
    ]
    gratitude = [answer for answer in answers if answer.question_index == last]
    return {"sections": sections, "gratitude": gratitude, "questions": questions}


def closing_records(group: Group) -> dict[str, Any]:
    """The shared look back and gratitude wall as plain data, for the group's records.

    ``{"look_back": [{"question", "answers": [{"text", "name"}]}], "gratitude": [{"text",
    "name"}]}``; ``name`` is None for an unsigned answer.
    """
    data = look_back(group=group)
    return {
        "look_back": [
            {
                "question": section.question,
                "answers": [{"text": a.text, "name": a.name} for a in section.answers],
            }
            for section in data["sections"]
        ],
        "gratitude": [{"text": a.text, "name": a.name} for a in data["gratitude"]],
    }


def closing_started(*, group: Group) -> bool:
    """Whether the closing meeting has begun (or is over), or the group is closed: from
    then on the look back and the feedback are offered. One query."""
    if group.state == Group.State.CLOSED:
        return True
    pack = pack_for_version(version_id=group.pack_version_id)
    found = evaluation_task(pack)
    theme_key = found[0].key if found is not None else pack.last_theme.key
    return (
        Meeting.objects.filter(group_id=group.pk, theme_key=theme_key)
        .exclude(state=Meeting.State.CANCELLED)
        .filter(
            Q(state=Meeting.State.HELD)
            | Q(run__started_at__isnull=False)
            | Q(starts_at__lte=timezone.now())
        )
        .exists()
    )


def my_share_choices(*, membership: Membership) -> dict[str, str]:
    """How the member shares each answer of their evaluation now: index → "signed" or
    "unsigned" (answers not shared are absent). One query."""
    choices: dict[str, str] = {}
    for snapshot in SharedSnapshot.objects.filter(
        membership=membership, worksheet_kind=EVALUATION_WORKSHEET, withdrawn_at__isnull=True
    ).only("id", "content", "signed"):
        content: Any = snapshot.content
        texts = content.get("answers") if isinstance(content, dict) else None
        for index, text in enumerate(texts if isinstance(texts, list) else []):
            if isinstance(text, str) and text.strip():
                choices[str(index)] = "signed" if snapshot.signed else "unsigned"
    return choices
