"""Reads of a group's goals, ground rules, practical agreements and theme plan.

Every function is scoped to one group that the caller has already been given access to
(``booster.groups.permissions.group_access``), and runs a small, fixed number of queries
however many members, wishes or versions there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse

from booster.groups.models import Membership
from booster.groups.permissions import GroupAccess
from booster.meetings.models import Meeting
from booster.planning.models import (
    AGREEMENT_FIELDS,
    AGREEMENT_TOPICS,
    AgreementsVersion,
    GoalProposal,
    GoalsRecord,
    GroundRulesVersion,
    RulesAcknowledgement,
    RuleWish,
    ThemePlanVersion,
    ThemePreference,
    agreement_model_field,
)
from booster.programme.schema import Pack, Theme
from booster.programme.selectors import pack_for_version


def group_pack(*, access: GroupAccess) -> Pack:
    """The programme the group pinned when it started."""
    return pack_for_version(version_id=access.group.pack_version_id)


# --- the group's home -------------------------------------------------------------------


def home_section(*, access: GroupAccess) -> dict[str, Any]:
    """What the group's home shows of the planning: the agreed goals, the current ground
    rules and whether the viewer has acknowledged them, and links to the agreements and the
    theme plan (the meetings app shows the path of meetings itself). Three queries."""
    group_id = access.group.pk
    goals = GoalsRecord.objects.filter(group_id=group_id).order_by("-number").first()
    rules = (
        GroundRulesVersion.objects.filter(group_id=group_id)
        .annotate(
            viewer_acknowledged=Exists(
                RulesAcknowledgement.objects.filter(
                    version=OuterRef("pk"), membership=access.membership
                )
            )
        )
        .order_by("-number")
        .first()
    )
    agreements_number = (
        AgreementsVersion.objects.filter(group_id=group_id)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return {
        "goals": list(goals.goals) if goals else [],
        "rules": rules,
        "rules_acknowledged": bool(rules is not None and rules.viewer_acknowledged),
        "has_agreements": agreements_number is not None,
        "urls": planning_urls(group_id=group_id),
    }


def planning_urls(*, group_id: int) -> dict[str, str]:
    """The planning pages of a group, in the active language."""
    names = ("goals", "rules", "rules_acknowledge", "agreements", "agreements_history", "themes")
    return {name: reverse(f"planning:{name}", args=[group_id]) for name in names}


# --- shared goals -----------------------------------------------------------------------


def goals_current(*, group_id: int) -> GoalsRecord | None:
    return (
        GoalsRecord.objects.filter(group_id=group_id)
        .select_related("recorded_by")
        .order_by("-number")
        .first()
    )


def goals_page(*, access: GroupAccess) -> dict[str, Any]:
    """The current goals, every proposal with its author's chosen name, and the history."""
    group_id = access.group.pk
    records = list(
        GoalsRecord.objects.filter(group_id=group_id)
        .select_related("recorded_by")
        .order_by("-number")
    )
    proposals = list(
        GoalProposal.objects.filter(group_id=group_id)
        .select_related("author")
        .order_by("created_at", "id")
    )
    return {
        "current": records[0] if records else None,
        "history": records,
        "proposals": proposals,
    }


# --- ground rules -----------------------------------------------------------------------


def ground_rules_current(*, group_id: int) -> GroundRulesVersion | None:
    """The ground rules in force, shown at the start of every meeting; None before the
    group has written any."""
    return (
        GroundRulesVersion.objects.filter(group_id=group_id)
        .select_related("written_by")
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True)
class AcknowledgementRow:
    display_name: str
    is_guide: bool
    at: Any  # datetime | None

    @property
    def acknowledged(self) -> bool:
        return self.at is not None


def rules_page(*, access: GroupAccess) -> dict[str, Any]:
    """Every wish (withdrawn ones marked), the current rules with who has and who has not
    acknowledged them, and earlier versions."""
    group_id = access.group.pk
    versions = list(
        GroundRulesVersion.objects.filter(group_id=group_id)
        .select_related("written_by")
        .order_by("-number")
    )
    current = versions[0] if versions else None
    wishes = list(
        RuleWish.objects.filter(group_id=group_id)
        .select_related("author")
        .order_by("created_at", "id")
    )
    rows: list[AcknowledgementRow] = []
    viewer_acknowledged = False
    if current is not None:
        acknowledged_at = dict(
            RulesAcknowledgement.objects.filter(version=current).values_list("membership_id", "at")
        )
        viewer_acknowledged = access.membership.pk in acknowledged_at
        rows = [
            AcknowledgementRow(
                display_name=membership.display_name,
                is_guide=membership.is_guide,
                at=acknowledged_at.get(membership.pk),
            )
            for membership in Membership.objects.active().filter(group_id=group_id)
        ]
    return {
        "current": current,
        "history": versions,
        "wishes": wishes,
        "acknowledgements": rows,
        "acknowledged_count": sum(1 for row in rows if row.acknowledged),
        "viewer_acknowledged": viewer_acknowledged,
    }


# --- practical agreements ---------------------------------------------------------------


def agreements_current(*, group_id: int) -> AgreementsVersion | None:
    return (
        AgreementsVersion.objects.filter(group_id=group_id)
        .select_related("changed_by")
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True)
class AgreementItem:
    """One answered question of the agreements, ready to show."""

    name: str
    label: str
    value: str
    changed: bool = False
    previous: str = ""


@dataclass(frozen=True)
class AgreementTopic:
    key: str
    title: str
    items: list[AgreementItem] = field(default_factory=list)


def agreement_value_display(name: str, value: Any) -> str:
    """One answer as people read it: the label of a choice, "" when not agreed yet."""
    if value is None or value == "":
        return ""
    choices = agreement_model_field(name).flatchoices
    if choices:
        return str(dict(choices).get(value, value))
    return str(value)


def agreement_display(version: AgreementsVersion | None, name: str) -> str:
    """The answer to one question of a version ("" when not agreed yet)."""
    if version is None:
        return ""
    return agreement_value_display(name, getattr(version, name))


@dataclass(frozen=True)
class ConflictRow:
    label: str
    newer: str
    yours: str


def agreements_comparison(*, newer: AgreementsVersion, typed: dict[str, Any]) -> list[ConflictRow]:
    """Where what someone typed differs from the newer version saved meanwhile."""
    return [
        ConflictRow(
            label=agreement_label(name),
            newer=agreement_display(newer, name),
            yours=agreement_value_display(name, typed.get(name)),
        )
        for name in AGREEMENT_FIELDS
        if name in typed and typed[name] != getattr(newer, name)
    ]


def agreement_label(name: str) -> str:
    return str(agreement_model_field(name).verbose_name)


def agreement_topics(
    version: AgreementsVersion | None, *, previous: AgreementsVersion | None = None
) -> list[AgreementTopic]:
    """The six topics with their answers; with ``previous``, each answer marked when it
    changed and the earlier answer beside it."""
    changed = set(version.changed_fields) if version is not None else set()
    topics = []
    for key, title, names in AGREEMENT_TOPICS:
        items = [
            AgreementItem(
                name=name,
                label=agreement_label(name),
                value=agreement_display(version, name),
                changed=name in changed,
                previous=agreement_display(previous, name),
            )
            for name in names
        ]
        topics.append(AgreementTopic(key=key, title=str(title), items=items))
    return topics


def agreements_history(*, access: GroupAccess) -> list[dict[str, Any]]:
    """Every version, newest first, with who changed it and the names of what changed."""
    versions = (
        AgreementsVersion.objects.filter(group_id=access.group.pk)
        .select_related("changed_by")
        .order_by("-number")
    )
    return [
        {
            "version": version,
            "changed_labels": [
                agreement_label(name) for name in version.changed_fields if name in AGREEMENT_FIELDS
            ],
        }
        for version in versions
    ]


def agreements_version_pair(
    *, access: GroupAccess, number: int
) -> tuple[AgreementsVersion, AgreementsVersion | None] | None:
    """One version and the one before it, or None when the group has no such version."""
    pair = list(
        AgreementsVersion.objects.filter(group_id=access.group.pk, number__in=(number, number - 1))
        .select_related("changed_by")
        .order_by("-number")
    )
    if not pair or pair[0].number != number:
        return None
    return pair[0], (pair[1] if len(pair) > 1 else None)


# --- the theme plan ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlanEntry:
    number: int
    key: str
    theme: Theme | None  # None only for a key the pinned pack no longer knows
    held: bool = False


def plan_entries(
    *, pack: Pack, theme_keys: list[str], held: dict[int, str] | None = None
) -> list[PlanEntry]:
    themes = {theme.key: theme for theme in pack.themes}
    held = held or {}
    return [
        PlanEntry(number=index, key=key, theme=themes.get(key), held=held.get(index) == key)
        for index, key in enumerate(theme_keys, start=1)
    ]


@dataclass(frozen=True)
class ThemeChoice:
    """An optional theme with the members who marked it."""

    theme: Theme
    names: list[str]
    viewer_prefers: bool

    @property
    def count(self) -> int:
        return len(self.names)


def plan_current(*, group_id: int) -> ThemePlanVersion | None:
    return (
        ThemePlanVersion.objects.filter(group_id=group_id)
        .select_related("recorded_by")
        .order_by("-number")
        .first()
    )


def held_meetings(*, group_id: int) -> dict[int, str]:
    """The theme of each meeting already held, by meeting number: those are fixed."""
    return dict(
        Meeting.objects.filter(group_id=group_id, state=Meeting.State.HELD).values_list(
            "number", "theme_key"
        )
    )


def themes_page(*, access: GroupAccess) -> dict[str, Any]:
    """The optional themes with who prefers them, the current plan and its history."""
    group_id = access.group.pk
    pack = group_pack(access=access)
    preferences = (
        ThemePreference.objects.filter(group_id=group_id, membership__state=Membership.State.ACTIVE)
        .select_related("membership")
        .order_by("membership__display_name", "id")
    )
    names: dict[str, list[str]] = {}
    mine: set[str] = set()
    for preference in preferences:
        names.setdefault(preference.theme_key, []).append(preference.membership.display_name)
        if preference.membership_id == access.membership.pk:
            mine.add(preference.theme_key)
    choices = [
        ThemeChoice(theme=theme, names=names.get(theme.key, []), viewer_prefers=theme.key in mine)
        for theme in pack.optional_themes()
    ]
    plans = list(
        ThemePlanVersion.objects.filter(group_id=group_id)
        .select_related("recorded_by")
        .order_by("-number")
    )
    held = held_meetings(group_id=group_id)
    history = [
        {"version": plan, "entries": plan_entries(pack=pack, theme_keys=plan.theme_keys)}
        for plan in plans
    ]
    current = plans[0] if plans else None
    return {
        "pack": pack,
        "choices": choices,
        "current": current,
        "entries": plan_entries(pack=pack, theme_keys=current.theme_keys, held=held)
        if current
        else [],
        "history": history,
        "held": held,
    }
