"""Changes to a group's goals, ground rules, practical agreements and theme plan.

Records the group agrees are versioned: each change adds version ``n + 1`` and names the
version it was based on. When someone else saved a newer version in the meantime, nothing
is saved and :class:`VersionConflict` carries the newer version, so the person can compare
it with what they wrote. The unique ``(group, number)`` constraint makes this hold even
when two people press save at the same moment.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from booster.core.duplicates import person_lock, recent_twin
from booster.core.models import audit_log
from booster.groups.models import Membership
from booster.groups.permissions import GroupAccess
from booster.meetings.services import meetings_sync_to_plan
from booster.planning.models import (
    AGREEMENT_FIELDS,
    TEXT_MAX,
    AgreementsVersion,
    GoalProposal,
    GoalsRecord,
    GroundRulesVersion,
    RulesAcknowledgement,
    RuleWish,
    ThemePlanVersion,
    ThemePreference,
)
from booster.planning.permissions import (
    require_mark_preferences,
    require_record,
    require_take_part,
)
from booster.planning.selectors import group_pack, held_meetings
from booster.programme.schema import Pack, ThemeKind

MAX_GOALS = 20

Versioned = TypeVar(
    "Versioned", GoalsRecord, GroundRulesVersion, AgreementsVersion, ThemePlanVersion
)


class VersionConflict(ValidationError):
    """Someone saved a newer version while this person was editing; nothing was saved."""

    def __init__(self, current: models.Model) -> None:
        self.current: Any = current
        super().__init__(
            _(
                "Someone else saved a newer version while you were editing. Nothing was "
                "saved, and what you wrote is still in the form: compare it with the newer "
                "version, then save again."
            ),
            code="conflict",
        )


P = ParamSpec("P")
R = TypeVar("R")


def _notifies_room(function: Callable[P, R]) -> Callable[P, R]:
    """After a change to the group's goals, rules, agreements or plan, open meeting rooms
    of the group refresh the panels that show them."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        result = function(*args, **kwargs)
        access = kwargs.get("access")
        if isinstance(access, GroupAccess):
            from booster.room.services import tools_changed

            tools_changed(group_id=access.group.pk)
        return result

    return wrapper


def _clean_text(text: str, *, field: str, required_message: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({field: required_message}, code="required")
    if len(text) > TEXT_MAX:
        raise ValidationError(
            {
                field: ngettext(
                    "Please keep it to %(max)d character.",
                    "Please keep it to %(max)d characters.",
                    TEXT_MAX,
                )
                % {"max": TEXT_MAX}
            },
            code="max_length",
        )
    return text


def _save_next_version(
    model: type[Versioned], *, access: GroupAccess, base_number: int, **values: Any
) -> Versioned:
    """Save ``values`` as the version after ``base_number``, or raise VersionConflict."""
    group_id = access.group.pk
    latest = model.objects.filter(group_id=group_id).order_by("-number").first()
    latest_number = latest.number if latest is not None else 0
    if latest is not None and base_number != latest_number:
        raise VersionConflict(latest)
    version = model(group_id=group_id, number=latest_number + 1, **values)
    if isinstance(version, AgreementsVersion):
        version.base_number = base_number
    # The number is checked by the database: a concurrent save of the same number fails.
    version.full_clean(exclude=["number"])
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError:
        newer = model.objects.filter(group_id=group_id).order_by("-number").first()
        if newer is None:
            raise
        raise VersionConflict(newer) from None
    return version


# --- shared goals -----------------------------------------------------------------------


@_notifies_room
@transaction.atomic
def goal_propose(*, access: GroupAccess, text: str) -> GoalProposal:
    """Any member proposes a goal for the group."""
    require_take_part(access)
    text = _clean_text(text, field="text", required_message=_("Please write the goal."))
    person_lock(Membership, access.membership.pk)
    twin = recent_twin(
        GoalProposal.objects.filter(group=access.group, author=access.membership), text=text
    )
    if twin is not None:
        return twin  # the same form sent twice
    proposal = GoalProposal(group=access.group, author=access.membership, text=text)
    proposal.full_clean()
    proposal.save()
    audit_log(
        actor=access.user,
        action="planning.goal_proposed",
        group_id=access.group.pk,
        proposal_id=proposal.pk,
    )
    return proposal


def goals_from_text(text: str) -> list[str]:
    """One goal per line; empty lines and list bullets are left out."""
    goals = []
    for line in text.splitlines():
        goal = line.strip().lstrip("-*•").strip()
        if goal:
            goals.append(goal)
    return goals


@_notifies_room
@transaction.atomic
def goals_record(*, access: GroupAccess, goals: Sequence[str], base_number: int) -> GoalsRecord:
    """Whoever facilitates records the goals the group agreed, as a new version."""
    require_record(access)
    cleaned = [goal.strip() for goal in goals if goal.strip()]
    if not cleaned:
        raise ValidationError(
            {"goals": _("Please write at least one goal, one per line.")}, code="required"
        )
    if len(cleaned) > MAX_GOALS:
        raise ValidationError(
            {"goals": _("Please write at most %(max)d goals.") % {"max": MAX_GOALS}},
            code="too_many",
        )
    if any(len(goal) > TEXT_MAX for goal in cleaned):
        raise ValidationError(
            {"goals": _("Please keep each goal to %(max)d characters.") % {"max": TEXT_MAX}},
            code="max_length",
        )
    record = _save_next_version(
        GoalsRecord,
        access=access,
        base_number=base_number,
        goals=cleaned,
        recorded_by=access.membership,
    )
    audit_log(
        actor=access.user,
        action="planning.goals_recorded",
        group_id=access.group.pk,
        record_id=record.pk,
        number=record.number,
        goal_count=len(cleaned),
    )
    return record


# --- ground rules -----------------------------------------------------------------------


@_notifies_room
@transaction.atomic
def rule_wish_add(*, access: GroupAccess, text: str) -> RuleWish:
    """Every member adds their wishes for how the group works together."""
    require_take_part(access)
    text = _clean_text(text, field="text", required_message=_("Please write your wish."))
    person_lock(Membership, access.membership.pk)
    twin = recent_twin(
        RuleWish.objects.filter(
            group=access.group, author=access.membership, withdrawn_at__isnull=True
        ),
        text=text,
    )
    if twin is not None:
        return twin  # the same form sent twice
    wish = RuleWish(group=access.group, author=access.membership, text=text)
    wish.full_clean()
    wish.save()
    audit_log(
        actor=access.user,
        action="planning.rule_wish_added",
        group_id=access.group.pk,
        wish_id=wish.pk,
    )
    return wish


@_notifies_room
@transaction.atomic
def rule_wish_withdraw(*, access: GroupAccess, wish_id: int) -> RuleWish:
    """The author withdraws their own wish. It stays recorded, marked as withdrawn."""
    require_take_part(access)
    wish = (
        RuleWish.objects.select_for_update()
        .filter(group=access.group, pk=wish_id, author=access.membership)
        .first()
    )
    if wish is None:
        raise PermissionDenied
    if wish.withdrawn_at is None:
        wish.withdrawn_at = timezone.now()
        wish.save(update_fields=["withdrawn_at"])
        audit_log(
            actor=access.user,
            action="planning.rule_wish_withdrawn",
            group_id=access.group.pk,
            wish_id=wish.pk,
        )
    return wish


@_notifies_room
@transaction.atomic
def ground_rules_write(
    *, access: GroupAccess, rules: str, conflict_procedure: str, base_number: int
) -> GroundRulesVersion:
    """Whoever facilitates writes the agreed rules and the conflict procedure from the
    wishes. A new version asks everyone to acknowledge it again."""
    require_record(access)
    errors = {}
    if not rules.strip():
        errors["rules"] = _("Please write the ground rules the group agreed.")
    if not conflict_procedure.strip():
        errors["conflict_procedure"] = _("Please write what the group does if a conflict arises.")
    if errors:
        raise ValidationError(errors, code="required")
    version = _save_next_version(
        GroundRulesVersion,
        access=access,
        base_number=base_number,
        rules=rules.strip(),
        conflict_procedure=conflict_procedure.strip(),
        written_by=access.membership,
    )
    audit_log(
        actor=access.user,
        action="planning.rules_version_created",
        group_id=access.group.pk,
        version_id=version.pk,
        number=version.number,
    )
    return version


@transaction.atomic
def rules_acknowledge(*, access: GroupAccess, number: int) -> RulesAcknowledgement:
    """The person has read version ``number`` of the ground rules. Only the current
    version can be acknowledged: when the rules changed meanwhile, they are asked to read
    the new ones."""
    require_take_part(access)
    current = GroundRulesVersion.objects.filter(group=access.group).order_by("-number").first()
    if current is None:
        raise ValidationError(_("The group has no ground rules yet."), code="no_rules")
    if current.number != number:
        raise ValidationError(
            _("The ground rules changed while you were reading. Please read the new version."),
            code="changed",
        )
    acknowledgement, created = RulesAcknowledgement.objects.get_or_create(
        version=current, membership=access.membership
    )
    if created:
        audit_log(
            actor=access.user,
            action="planning.rules_acknowledged",
            group_id=access.group.pk,
            version_id=current.pk,
            number=current.number,
        )
    return acknowledgement


# --- practical agreements ---------------------------------------------------------------


def meeting_length_warning(*, pack: Pack, minutes: int | None) -> str | None:
    """The model counts on 2–3 hours: outside that, a warning (never a refusal)."""
    if minutes is None:
        return None
    planned = pack.rules.meeting_minutes
    if planned.min <= minutes <= planned.max:
        return None
    return _(
        "The model plans %(min)d–%(max)d minutes for a meeting; %(minutes)d minutes is "
        "outside that. It is your choice, but check that there is time for the theme, "
        "the start, the close and breaks."
    ) % {"min": planned.min, "max": planned.max, "minutes": minutes}


def _blank_agreements() -> dict[str, Any]:
    blank = AgreementsVersion()
    return {name: getattr(blank, name) for name in AGREEMENT_FIELDS}


@_notifies_room
@transaction.atomic
def agreements_change(
    *, access: GroupAccess, values: Mapping[str, Any], base_number: int
) -> AgreementsVersion:
    """Anyone in the group changes the practical agreements, as a new version that names
    what changed. ``values`` holds every field of :data:`AGREEMENT_FIELDS`."""
    require_take_part(access)
    unknown = set(values) - set(AGREEMENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown agreement fields: {sorted(unknown)}")
    pack = group_pack(access=access)
    count = values.get("meeting_count")
    if count is not None and not (pack.rules.min_meetings <= count <= pack.rules.max_meetings):
        raise ValidationError(
            {
                "meeting_count": _(
                    "A group meets between %(min)d and %(max)d times, the opening and the "
                    "closing meeting included."
                )
                % {"min": pack.rules.min_meetings, "max": pack.rules.max_meetings}
            },
            code="meeting_count",
        )
    latest = AgreementsVersion.objects.filter(group=access.group).order_by("-number").first()
    before = latest.values() if latest is not None else _blank_agreements()
    after = {**before, **values}
    changed = [name for name in AGREEMENT_FIELDS if after[name] != before[name]]
    if latest is not None and base_number != latest.number:
        raise VersionConflict(latest)
    if not changed:
        raise ValidationError(
            _("Nothing was changed, so there is no new version to save."), code="unchanged"
        )
    version = _save_next_version(
        AgreementsVersion,
        access=access,
        base_number=base_number,
        changed_by=access.membership,
        changed_fields=changed,
        **after,
    )
    audit_log(
        actor=access.user,
        action="planning.agreements_changed",
        group_id=access.group.pk,
        version_id=version.pk,
        number=version.number,
        changed_fields=changed,
    )
    return version


# --- the theme plan ---------------------------------------------------------------------


@_notifies_room
@transaction.atomic
def theme_preference_toggle(*, access: GroupAccess, theme_key: str) -> bool:
    """Mark an optional theme as one the person would like, or take the mark away.
    Returns whether the theme is now marked. Only members mark; guides are not members."""
    require_mark_preferences(access)
    pack = group_pack(access=access)
    if theme_key not in {theme.key for theme in pack.optional_themes()}:
        raise ValidationError(_("Only the optional themes can be marked."), code="not_optional")
    deleted, _rows = ThemePreference.objects.filter(
        membership=access.membership, theme_key=theme_key
    ).delete()
    if not deleted:
        ThemePreference.objects.create(
            group=access.group, membership=access.membership, theme_key=theme_key
        )
    audit_log(
        actor=access.user,
        action="planning.theme_preference_marked"
        if not deleted
        else "planning.theme_preference_unmarked",
        group_id=access.group.pk,
        theme_key=theme_key,
    )
    return not deleted


def theme_plan_problems(
    *, pack: Pack, theme_keys: Sequence[str], held: Mapping[int, str]
) -> list[ValidationError]:
    """Everything wrong with a plan under the pack's rules, each with its own message."""
    rules = pack.rules
    themes = {theme.key: theme for theme in pack.themes}
    title = {key: theme.title.get(get_language()) for key, theme in themes.items()}
    problems: list[ValidationError] = []
    count = len(theme_keys)
    if count < rules.min_meetings or count > rules.max_meetings:
        problems.append(
            ValidationError(
                _(
                    "A group meets between %(min)d and %(max)d times, the opening and the "
                    "closing meeting included; this plan has %(count)d."
                ),
                code="meeting_count",
                params={"min": rules.min_meetings, "max": rules.max_meetings, "count": count},
            )
        )
    unknown = [key for key in theme_keys if key not in themes]
    if unknown:
        problems.append(
            ValidationError(
                _("These themes are not in the group's programme: %(keys)s."),
                code="unknown",
                params={"keys": ", ".join(unknown)},
            )
        )
    if not theme_keys or theme_keys[0] != rules.first_theme:
        problems.append(
            ValidationError(
                _("The first meeting is always %(theme)s."),
                code="first",
                params={"theme": title.get(rules.first_theme, rules.first_theme)},
            )
        )
    if not theme_keys or theme_keys[-1] != rules.last_theme:
        problems.append(
            ValidationError(
                _("The last meeting is always %(theme)s."),
                code="last",
                params={"theme": title.get(rules.last_theme, rules.last_theme)},
            )
        )
    middle = list(theme_keys[1:-1])
    not_optional = [
        key for key in middle if key in themes and themes[key].kind is not ThemeKind.OPTIONAL
    ]
    if not_optional:
        problems.append(
            ValidationError(
                _("Between the first and the last meeting, choose optional themes only."),
                code="not_optional",
            )
        )
    if rules.unique_themes:
        seen: set[str] = set()
        twice = []
        for key in theme_keys:
            if key in seen and key not in twice:
                twice.append(key)
            seen.add(key)
        if twice:
            problems.append(
                ValidationError(
                    _("Each theme is taken up once; chosen more than once: %(themes)s."),
                    code="twice",
                    params={"themes": ", ".join(title.get(key, key) for key in twice)},
                )
            )
    for number, key in sorted(held.items()):
        if number > count or theme_keys[number - 1] != key:
            problems.append(
                ValidationError(
                    _(
                        "Meeting %(number)d has already been held on %(theme)s; it stays in "
                        "the plan as it was."
                    ),
                    code="held",
                    params={"number": number, "theme": title.get(key, key)},
                )
            )
    return problems


@_notifies_room
@transaction.atomic
def theme_plan_record(
    *, access: GroupAccess, theme_keys: Sequence[str], base_number: int
) -> ThemePlanVersion:
    """Whoever facilitates records the plan the group decided: the themes of its meetings
    in order. Meetings already held keep their themes."""
    require_record(access)
    keys = [str(key) for key in theme_keys]
    problems = theme_plan_problems(
        pack=group_pack(access=access),
        theme_keys=keys,
        held=held_meetings(group_id=access.group.pk),
    )
    if problems:
        raise ValidationError(problems)
    latest = ThemePlanVersion.objects.filter(group=access.group).order_by("-number").first()
    if latest is not None and base_number == latest.number and latest.theme_keys == keys:
        raise ValidationError(
            _("This is the plan already recorded, so there is nothing new to save."),
            code="unchanged",
        )
    plan = _save_next_version(
        ThemePlanVersion,
        access=access,
        base_number=base_number,
        theme_keys=keys,
        recorded_by=access.membership,
    )
    audit_log(
        actor=access.user,
        action="planning.theme_plan_recorded",
        group_id=access.group.pk,
        plan_id=plan.pk,
        number=plan.number,
        theme_keys=keys,
    )
    # The meetings follow the plan: new ones are created, dropped ones cancelled.
    meetings_sync_to_plan(group=access.group, theme_keys=keys, actor=access.user)
    return plan
