"""The rules of the group's goals, ground rules, practical agreements and theme plan."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from booster.core.models import AuditEntry
from booster.groups.models import Group, Membership
from booster.groups.permissions import GroupAccess, group_access
from booster.meetings.models import Meeting
from booster.planning import selectors, services
from booster.planning.models import (
    AgreementsVersion,
    GoalsRecord,
    GroundRulesVersion,
    RulesAcknowledgement,
    RuleWish,
    ThemePlanVersion,
    ThemePreference,
)
from booster.planning.services import VersionConflict
from tests.factories import GroundRulesVersionFactory, RuleWishFactory
from tests.personas import World

PLAN = ["opening", "money", "networks", "competence", "closing"]


def access_of(membership: Membership) -> GroupAccess:
    return group_access(user=membership.user, group_id=membership.group_id)


def codes(error: ValidationError) -> list[str | None]:
    return [item.code for item in error.error_list]


def actions(group: Group) -> list[str]:
    return list(
        AuditEntry.objects.filter(group_id=group.pk).order_by("id").values_list("action", flat=True)
    )


# --- shared goals -----------------------------------------------------------------------


def test_any_member_proposes_a_goal(world: World) -> None:
    proposal = services.goal_propose(access=access_of(world.member), text="  Steadier income  ")

    assert proposal.text == "Steadier income"
    assert proposal.author == world.member
    entry = AuditEntry.objects.get(action="planning.goal_proposed")
    assert entry.data == {"proposal_id": proposal.pk}
    assert "Steadier" not in str(entry.data)


@pytest.mark.parametrize("text", ["", "   ", "x" * 501])
def test_a_goal_proposal_needs_sensible_text(world: World, text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.goal_propose(access=access_of(world.member), text=text)
    assert "text" in caught.value.message_dict


def test_whoever_facilitates_records_goals_as_versions(world: World) -> None:
    access = access_of(world.convener)
    first = services.goals_record(access=access, goals=["Share tips", " ", "Rest"], base_number=0)
    second = services.goals_record(access=access, goals=["Share tips"], base_number=1)

    assert (first.number, first.goals) == (1, ["Share tips", "Rest"])
    assert (second.number, second.goals) == (2, ["Share tips"])
    assert selectors.goals_current(group_id=world.group.pk) == second
    assert actions(world.group) == ["planning.goals_recorded", "planning.goals_recorded"]


def test_goals_from_text_takes_one_goal_per_line() -> None:
    assert services.goals_from_text("- Share tips\n\n* Rest  \n• Grow\n") == [
        "Share tips",
        "Rest",
        "Grow",
    ]


def test_a_member_who_does_not_facilitate_cannot_record_goals(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.goals_record(access=access_of(world.member), goals=["A"], base_number=0)


def test_the_facilitator_of_the_next_meeting_records_goals(world: World) -> None:
    Meeting.objects.create(
        group=world.group, number=1, theme_key="opening", form="remote", facilitator=world.member
    )
    record = services.goals_record(access=access_of(world.member), goals=["A"], base_number=0)
    assert record.recorded_by == world.member


def test_recording_goals_needs_at_least_one(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.goals_record(access=access_of(world.convener), goals=["", " "], base_number=0)
    assert "goals" in caught.value.message_dict
    assert not GoalsRecord.objects.exists()


def test_goals_record_conflict_keeps_the_newer_version(world: World) -> None:
    services.goals_record(access=access_of(world.convener), goals=["Mine"], base_number=0)

    with pytest.raises(VersionConflict) as caught:
        services.goals_record(access=access_of(world.guide), goals=["Theirs"], base_number=0)

    assert caught.value.current.goals == ["Mine"]
    assert list(GoalsRecord.objects.values_list("goals", flat=True)) == [["Mine"]]


# --- ground rules -----------------------------------------------------------------------


def test_wishes_stay_recorded_when_withdrawn(world: World) -> None:
    wish = services.rule_wish_add(access=access_of(world.member), text="We listen")
    services.rule_wish_withdraw(access=access_of(world.member), wish_id=wish.pk)

    wish.refresh_from_db()
    assert wish.is_withdrawn
    page = selectors.rules_page(access=access_of(world.second_member))
    assert [w.pk for w in page["wishes"]] == [wish.pk]
    assert actions(world.group) == ["planning.rule_wish_added", "planning.rule_wish_withdrawn"]


def test_only_the_author_withdraws_a_wish(world: World) -> None:
    wish = RuleWishFactory(author=world.member)
    with pytest.raises(PermissionDenied):
        services.rule_wish_withdraw(access=access_of(world.convener), wish_id=wish.pk)
    other_group_wish = RuleWishFactory(author=world.other_member)
    with pytest.raises(PermissionDenied):
        services.rule_wish_withdraw(access=access_of(world.member), wish_id=other_group_wish.pk)
    assert not RuleWish.objects.filter(withdrawn_at__isnull=False).exists()


def test_ground_rules_need_both_rules_and_a_conflict_procedure(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.ground_rules_write(
            access=access_of(world.convener), rules=" ", conflict_procedure="", base_number=0
        )
    assert set(caught.value.message_dict) == {"rules", "conflict_procedure"}


def test_only_whoever_facilitates_writes_the_ground_rules(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.ground_rules_write(
            access=access_of(world.member), rules="R", conflict_procedure="C", base_number=0
        )


def test_a_new_rules_version_asks_everyone_again(world: World) -> None:
    steward = access_of(world.guide)
    first = services.ground_rules_write(
        access=steward, rules="Listen", conflict_procedure="Talk", base_number=0
    )
    services.rules_acknowledge(access=access_of(world.member), number=1)
    services.rules_acknowledge(access=access_of(world.member), number=1)  # twice is once
    services.rules_acknowledge(access=access_of(world.convener), number=1)
    assert RulesAcknowledgement.objects.filter(version=first).count() == 2

    services.ground_rules_write(
        access=steward, rules="Listen and be kind", conflict_procedure="Talk", base_number=1
    )

    page = selectors.rules_page(access=access_of(world.member))
    assert page["current"].number == 2
    assert not page["viewer_acknowledged"]
    assert page["acknowledged_count"] == 0
    assert {row.display_name: row.acknowledged for row in page["acknowledgements"]} == {
        "Cleo": False,
        "Mika": False,
        "Sanna": False,
        "Gunilla": False,
    }
    # The old version is still the one they acknowledged, and it cannot be acknowledged now.
    with pytest.raises(ValidationError) as caught:
        services.rules_acknowledge(access=access_of(world.member), number=1)
    assert codes(caught.value) == ["changed"]
    services.rules_acknowledge(access=access_of(world.member), number=2)
    page = selectors.rules_page(access=access_of(world.second_member))
    assert {row.display_name for row in page["acknowledgements"] if row.acknowledged} == {"Mika"}


def test_there_is_nothing_to_acknowledge_before_the_rules_are_written(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.rules_acknowledge(access=access_of(world.member), number=1)
    assert codes(caught.value) == ["no_rules"]


def test_ground_rules_current_is_the_newest_version(world: World) -> None:
    assert selectors.ground_rules_current(group_id=world.group.pk) is None
    GroundRulesVersionFactory(written_by=world.convener)
    newest = GroundRulesVersionFactory(written_by=world.convener)
    GroundRulesVersionFactory(written_by=world.other_member)
    assert selectors.ground_rules_current(group_id=world.group.pk) == newest


def test_rules_conflict_saves_nothing(world: World) -> None:
    services.ground_rules_write(
        access=access_of(world.convener), rules="A", conflict_procedure="B", base_number=0
    )
    with pytest.raises(VersionConflict) as caught:
        services.ground_rules_write(
            access=access_of(world.guide), rules="C", conflict_procedure="D", base_number=0
        )
    assert caught.value.current.rules == "A"
    assert list(GroundRulesVersion.objects.values_list("rules", flat=True)) == ["A"]


# --- practical agreements ---------------------------------------------------------------


def agreement_values(**changes: Any) -> dict[str, Any]:
    values = selectors_blank()
    values.update(changes)
    return values


def selectors_blank() -> dict[str, Any]:
    return AgreementsVersion().values()


def test_any_member_changes_the_agreements_and_the_change_is_named(world: World) -> None:
    first = services.agreements_change(
        access=access_of(world.member),
        values=agreement_values(frequency="fortnightly", meeting_count=6, form="remote"),
        base_number=0,
    )
    second = services.agreements_change(
        access=access_of(world.second_member),
        values={**first.values(), "meeting_count": 7, "channel": "board"},
        base_number=1,
    )

    assert first.changed_fields == ["frequency", "meeting_count", "form"]
    assert second.changed_fields == ["meeting_count", "channel"]
    assert (second.frequency, second.meeting_count, second.base_number) == ("fortnightly", 7, 1)
    assert second.changed_by == world.second_member
    entry = AuditEntry.objects.filter(action="planning.agreements_changed").first()
    assert entry is not None
    assert entry.data["changed_fields"] == ["meeting_count", "channel"]


def test_two_people_editing_the_agreements_never_overwrite_each_other(world: World) -> None:
    services.agreements_change(
        access=access_of(world.member),
        values=agreement_values(time_of_day="Tuesdays at five"),
        base_number=0,
    )

    with pytest.raises(VersionConflict) as caught:
        services.agreements_change(
            access=access_of(world.second_member),
            values=agreement_values(time_of_day="Mondays at six"),
            base_number=0,
        )

    assert caught.value.current.time_of_day == "Tuesdays at five"
    assert list(AgreementsVersion.objects.values_list("time_of_day", flat=True)) == [
        "Tuesdays at five"
    ]


def test_saving_unchanged_agreements_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.agreements_change(
            access=access_of(world.member), values=agreement_values(), base_number=0
        )
    assert codes(caught.value) == ["unchanged"]


@pytest.mark.parametrize("count", [4, 10])
def test_the_agreed_number_of_meetings_is_five_to_nine(world: World, count: int) -> None:
    with pytest.raises(ValidationError) as caught:
        services.agreements_change(
            access=access_of(world.member),
            values=agreement_values(meeting_count=count),
            base_number=0,
        )
    assert "meeting_count" in caught.value.message_dict


def test_agreements_are_never_hybrid(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.agreements_change(
            access=access_of(world.member), values=agreement_values(form="hybrid"), base_number=0
        )
    assert "form" in caught.value.message_dict


@pytest.mark.parametrize(
    ("minutes", "warned"), [(90, True), (119, True), (120, False), (180, False), (200, True)]
)
def test_a_meeting_length_outside_two_to_three_hours_is_a_warning(
    world: World, minutes: int, warned: bool
) -> None:
    version = services.agreements_change(
        access=access_of(world.member),
        values=agreement_values(meeting_minutes=minutes),
        base_number=0,
    )
    assert version.meeting_minutes == minutes  # saved either way
    pack = selectors.group_pack(access=access_of(world.member))
    warning = services.meeting_length_warning(pack=pack, minutes=minutes)
    assert (warning is not None) is warned
    if warning:
        assert "120–180" in warning


# --- the theme plan ---------------------------------------------------------------------


def test_a_preference_toggles(world: World) -> None:
    access = access_of(world.member)
    assert services.theme_preference_toggle(access=access, theme_key="money") is True
    assert ThemePreference.objects.filter(membership=world.member).count() == 1
    assert services.theme_preference_toggle(access=access, theme_key="money") is False
    assert not ThemePreference.objects.exists()
    assert actions(world.group) == [
        "planning.theme_preference_marked",
        "planning.theme_preference_unmarked",
    ]


def test_a_guide_does_not_mark_preferences(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.theme_preference_toggle(access=access_of(world.guide), theme_key="money")
    assert not ThemePreference.objects.exists()


@pytest.mark.parametrize("key", ["opening", "closing", "astrology"])
def test_only_optional_themes_can_be_preferred(world: World, key: str) -> None:
    with pytest.raises(ValidationError):
        services.theme_preference_toggle(access=access_of(world.member), theme_key=key)


def test_preferences_are_counted_with_chosen_names(world: World) -> None:
    for membership in (world.member, world.second_member, world.convener):
        services.theme_preference_toggle(access=access_of(membership), theme_key="money")
    services.theme_preference_toggle(access=access_of(world.member), theme_key="networks")

    page = selectors.themes_page(access=access_of(world.member))
    by_key = {choice.theme.key: choice for choice in page["choices"]}
    assert by_key["money"].count == 3
    assert by_key["money"].names == ["Cleo", "Mika", "Sanna"]
    assert by_key["networks"].viewer_prefers
    assert not by_key["competence"].names
    assert len(page["choices"]) == 7


def test_recording_a_plan_creates_its_meetings(world: World) -> None:
    plan = services.theme_plan_record(
        access=access_of(world.convener), theme_keys=PLAN, base_number=0
    )

    assert (plan.number, plan.theme_keys) == (1, PLAN)
    meetings = list(
        Meeting.objects.filter(group=world.group)
        .exclude(state="cancelled")
        .values_list("number", "theme_key")
    )
    assert meetings == list(enumerate(PLAN, start=1))
    assert "planning.theme_plan_recorded" in actions(world.group)


def plan_problem_codes(world: World, keys: list[str]) -> list[str | None]:
    with pytest.raises(ValidationError) as caught:
        services.theme_plan_record(access=access_of(world.guide), theme_keys=keys, base_number=0)
    assert not ThemePlanVersion.objects.exists()
    return codes(caught.value)


def test_a_plan_has_five_to_nine_meetings(world: World) -> None:
    assert plan_problem_codes(world, ["opening", "money", "networks", "closing"]) == [
        "meeting_count"
    ]
    ten = [
        "opening",
        "work_ability",
        "professional_identity",
        "self_leadership",
        "competence",
        "money",
        "collaboration",
        "networks",
        "money",
        "closing",
    ]
    assert "meeting_count" in plan_problem_codes(world, ten)


def test_nine_meetings_take_up_every_optional_theme(world: World) -> None:
    nine = [
        "opening",
        "work_ability",
        "professional_identity",
        "self_leadership",
        "competence",
        "money",
        "collaboration",
        "networks",
        "closing",
    ]
    plan = services.theme_plan_record(access=access_of(world.guide), theme_keys=nine, base_number=0)
    assert plan.meeting_count == 9


def test_the_opening_comes_first(world: World) -> None:
    assert plan_problem_codes(world, ["money", "opening", "networks", "competence", "closing"]) == [
        "first",
        "not_optional",
    ]


def test_the_closing_comes_last(world: World) -> None:
    assert plan_problem_codes(world, ["opening", "money", "networks", "closing", "competence"]) == [
        "last",
        "not_optional",
    ]


def test_no_theme_twice(world: World) -> None:
    assert plan_problem_codes(world, ["opening", "money", "networks", "money", "closing"]) == [
        "twice"
    ]


def test_unknown_themes_are_refused(world: World) -> None:
    assert plan_problem_codes(world, ["opening", "money", "astrology", "networks", "closing"]) == [
        "unknown"
    ]


def test_each_problem_has_its_own_message(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.theme_plan_record(
            access=access_of(world.guide), theme_keys=["money", "money", "x"], base_number=0
        )
    messages = caught.value.messages
    assert len(messages) == len(set(messages)) == 5
    assert any("between 5 and 9" in message for message in messages)
    assert any("first meeting is always" in message for message in messages)


def test_a_held_meeting_keeps_its_theme(world: World) -> None:
    access = access_of(world.convener)
    services.theme_plan_record(access=access, theme_keys=PLAN, base_number=0)
    Meeting.objects.filter(group=world.group, number__in=(1, 2)).update(state="held")

    changed = ["opening", "networks", "money", "competence", "closing"]
    with pytest.raises(ValidationError) as caught:
        services.theme_plan_record(access=access, theme_keys=changed, base_number=1)
    assert codes(caught.value) == ["held"]
    assert "Meeting 2" in caught.value.messages[0]

    # Meetings not yet held can be changed.
    later = ["opening", "money", "competence", "self_leadership", "networks", "closing"]
    plan = services.theme_plan_record(access=access, theme_keys=later, base_number=1)
    assert plan.number == 2
    assert (
        list(
            Meeting.objects.filter(group=world.group)
            .exclude(state="cancelled")
            .order_by("number")
            .values_list("theme_key", flat=True)
        )
        == later
    )


def test_a_plan_cannot_drop_a_held_meeting(world: World) -> None:
    nine = [
        "opening",
        "work_ability",
        "professional_identity",
        "self_leadership",
        "competence",
        "money",
        "collaboration",
        "networks",
        "closing",
    ]
    Meeting.objects.create(
        group=world.group, number=7, theme_key="collaboration", form="remote", state="held"
    )
    services.theme_plan_record(access=access_of(world.convener), theme_keys=nine, base_number=0)
    with pytest.raises(ValidationError) as caught:
        services.theme_plan_record(access=access_of(world.convener), theme_keys=PLAN, base_number=1)
    assert codes(caught.value) == ["held"]


def test_only_whoever_facilitates_records_the_plan(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.theme_plan_record(access=access_of(world.member), theme_keys=PLAN, base_number=0)


def test_the_same_plan_again_is_not_a_new_version(world: World) -> None:
    services.theme_plan_record(access=access_of(world.convener), theme_keys=PLAN, base_number=0)
    with pytest.raises(ValidationError) as caught:
        services.theme_plan_record(access=access_of(world.convener), theme_keys=PLAN, base_number=1)
    assert codes(caught.value) == ["unchanged"]


def test_plan_conflict_saves_nothing(world: World) -> None:
    services.theme_plan_record(access=access_of(world.convener), theme_keys=PLAN, base_number=0)
    other = ["opening", "self_leadership", "networks", "competence", "closing"]
    with pytest.raises(VersionConflict) as caught:
        services.theme_plan_record(access=access_of(world.guide), theme_keys=other, base_number=0)
    assert caught.value.current.theme_keys == PLAN
    assert ThemePlanVersion.objects.count() == 1


# --- a closed group ---------------------------------------------------------------------


def test_nothing_changes_in_a_closed_group(world: World) -> None:
    Group.objects.filter(pk=world.group.pk).update(state="closed")
    member, convener = access_of(world.member), access_of(world.convener)
    calls = [
        lambda: services.goal_propose(access=member, text="A"),
        lambda: services.goals_record(access=convener, goals=["A"], base_number=0),
        lambda: services.rule_wish_add(access=member, text="A"),
        lambda: services.ground_rules_write(
            access=convener, rules="A", conflict_procedure="B", base_number=0
        ),
        lambda: services.agreements_change(
            access=member, values=agreement_values(place="Here"), base_number=0
        ),
        lambda: services.theme_preference_toggle(access=member, theme_key="money"),
        lambda: services.theme_plan_record(access=convener, theme_keys=PLAN, base_number=0),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert not AuditEntry.objects.exists()


def test_a_save_at_the_same_moment_is_a_conflict_too(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between reading the latest version and saving, someone else saves the same number:
    the database's unique number refuses the second, which is told like any conflict."""
    original = GoalsRecord.full_clean

    def someone_else_saves_first(self: GoalsRecord, *args: Any, **kwargs: Any) -> None:
        if not GoalsRecord.objects.exists():
            GoalsRecord.objects.create(group=self.group, number=1, goals=["Theirs"])
        original(self, *args, **kwargs)

    monkeypatch.setattr(GoalsRecord, "full_clean", someone_else_saves_first)

    with pytest.raises(VersionConflict) as caught:
        services.goals_record(access=access_of(world.convener), goals=["Mine"], base_number=0)

    assert caught.value.current.goals == ["Theirs"]
    # (Here the other save shares the test's transaction, so it is rolled back with it.)
    assert ["Mine"] not in list(GoalsRecord.objects.values_list("goals", flat=True))
