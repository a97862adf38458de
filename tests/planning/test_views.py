"""The planning pages as people use them: what they show, forms that fail and keep what
was typed, and two people saving at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from booster.groups.permissions import group_access
from booster.meetings.models import Meeting
from booster.planning import selectors
from booster.planning.models import (
    AgreementsVersion,
    GoalProposal,
    GoalsRecord,
    GroundRulesVersion,
    RuleWish,
    ThemePlanVersion,
)
from tests.factories import GoalProposalFactory, GroundRulesVersionFactory, RuleWishFactory
from tests.personas import World


def url(name: str, world: World, *args: Any) -> str:
    return reverse(f"planning:{name}", args=[world.group.pk, *args])


def logged_in(client: Client, world: World, persona: str) -> Client:
    client.force_login(world.user(persona))
    return client


def html_of(response: Any) -> str:
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "style=" not in html
    assert "<script" not in html
    return html


def agreement_post(base_number: int, **values: Any) -> dict[str, Any]:
    data = {name: "" for name in AgreementsVersion().values()}
    data.update({name: str(value) for name, value in values.items()})
    data["base_number"] = str(base_number)
    return data


# --- goals ------------------------------------------------------------------------------


def test_goals_page_shows_goals_proposals_and_history(client: Client, world: World) -> None:
    GoalsRecord.objects.create(group=world.group, number=1, goals=["Old goal"])
    GoalsRecord.objects.create(
        group=world.group, number=2, goals=["Share tips", "Rest"], recorded_by=world.convener
    )
    GoalProposalFactory(author=world.second_member, text="Learn to negotiate")

    html = html_of(logged_in(client, world, "member").get(url("goals", world)))

    assert "Share tips" in html
    assert "Old goal" in html  # in the earlier versions
    assert "Learn to negotiate" in html
    assert "Sanna" in html
    assert url("goal_propose", world) in html
    assert url("goals_record", world) not in html  # a member does not record


def test_a_failed_proposal_keeps_the_text(client: Client, world: World) -> None:
    too_long = "My goal " + "x" * 600
    response = logged_in(client, world, "member").post(
        url("goal_propose", world), {"text": too_long}
    )
    assert response.status_code == 200
    html = html_of(response)
    assert too_long in html
    assert "field__error" in html
    assert not GoalProposal.objects.exists()


def test_recording_goals_line_by_line(client: Client, world: World) -> None:
    response = logged_in(client, world, "convener").post(
        url("goals_record", world), {"goals": "- Share tips\n\nRest\n", "base_number": "0"}
    )
    assert response.status_code == 302
    assert GoalsRecord.objects.get().goals == ["Share tips", "Rest"]


def test_goals_recorded_meanwhile_are_shown_beside_what_was_typed(
    client: Client, world: World
) -> None:
    GoalsRecord.objects.create(group=world.group, number=1, goals=["The guide's goal"])

    response = logged_in(client, world, "convener").post(
        url("goals_record", world), {"goals": "My own goal", "base_number": "0"}
    )

    assert response.status_code == 200
    html = html_of(response)
    assert "Someone else saved a newer version" in html
    assert "The guide&#x27;s goal" in html
    assert "My own goal" in html
    assert 'name="base_number" value="1"' in html
    assert GoalsRecord.objects.count() == 1


# --- ground rules -----------------------------------------------------------------------


def test_rules_page_shows_wishes_and_who_acknowledged(client: Client, world: World) -> None:
    version = GroundRulesVersionFactory(written_by=world.convener, rules="Listen kindly")
    version.acknowledgements.create(membership=world.second_member)
    RuleWishFactory(author=world.member, text="Phones away")
    withdrawn = RuleWishFactory(author=world.second_member, text="Start on time")
    RuleWish.objects.filter(pk=withdrawn.pk).update(withdrawn_at=version.created_at)

    html = html_of(logged_in(client, world, "member").get(url("rules", world)))

    assert "Listen kindly" in html
    assert "Phones away" in html and "Start on time" in html
    assert "withdrawn" in html
    assert "1 of 4 people have acknowledged." in html
    assert "Sanna" in html and "Gunilla" in html
    assert url("rules_acknowledge", world) in html
    assert url("rules_write", world) not in html
    # Only my own wish can be withdrawn by me.
    own = RuleWish.objects.get(text="Phones away")
    assert url("rule_wish_withdraw", world, own.pk) in html
    assert html.count("/withdraw/") == 1


def test_acknowledging_then_a_new_version_asks_again(client: Client, world: World) -> None:
    GroundRulesVersionFactory(written_by=world.convener)
    member = logged_in(client, world, "member")
    assert member.post(url("rules_acknowledge", world), {"number": "1"}).status_code == 302
    html = html_of(member.get(url("rules", world)))
    assert "You have acknowledged this version." in html

    steward = Client()
    steward.force_login(world.guide.user)
    response = steward.post(
        url("rules_write", world),
        {"rules": "New rules", "conflict_procedure": "Talk", "base_number": "1"},
    )
    assert response.status_code == 302

    html = html_of(member.get(url("rules", world)))
    assert "New rules" in html
    assert "You have acknowledged this version." not in html
    assert "0 of 4 people have acknowledged." in html
    section = selectors.home_section(
        access=group_access(user=world.member.user, group_id=world.group.pk)
    )
    assert not section["rules_acknowledged"]


def test_acknowledging_an_old_version_explains(client: Client, world: World) -> None:
    GroundRulesVersionFactory(written_by=world.convener)
    GroundRulesVersionFactory(written_by=world.convener)
    response = logged_in(client, world, "member").post(
        url("rules_acknowledge", world), {"number": "1"}, follow=True
    )
    assert "The ground rules changed while you were reading" in response.content.decode()


def test_rules_written_meanwhile_are_shown_and_the_text_kept(client: Client, world: World) -> None:
    GroundRulesVersionFactory(written_by=world.guide, rules="The guide's rules")
    response = logged_in(client, world, "convener").post(
        url("rules_write", world),
        {"rules": "My careful rules", "conflict_procedure": "We talk", "base_number": "0"},
    )
    html = html_of(response)
    assert "Someone else saved a newer version" in html
    assert "The guide&#x27;s rules" in html
    assert "My careful rules" in html
    assert GroundRulesVersion.objects.count() == 1


def test_an_empty_wish_is_explained(client: Client, world: World) -> None:
    response = logged_in(client, world, "member").post(url("rule_wish_add", world), {"text": ""})
    assert response.status_code == 200
    assert "field__error" in html_of(response)


# --- agreements -------------------------------------------------------------------------


def test_agreements_edit_history_and_diff(client: Client, world: World) -> None:
    member = logged_in(client, world, "member")
    html = html_of(member.get(url("agreements_edit", world)))
    assert "Not agreed yet" in html
    assert "hybrid" in html.lower()  # the form says it is never hybrid

    first = member.post(
        url("agreements_edit", world),
        agreement_post(0, frequency="fortnightly", meeting_count=6, form="remote"),
    )
    assert first.status_code == 302
    second = member.post(
        url("agreements_edit", world),
        agreement_post(1, frequency="monthly", meeting_count=6, form="remote", channel="board"),
    )
    assert second.status_code == 302

    html = html_of(member.get(url("agreements", world)))
    assert "Every month" in html
    assert "The group&#x27;s board in Booster" in html

    html = html_of(member.get(url("agreements_history", world)))
    assert "How often we meet, Where we keep in touch between meetings" in html
    assert "Mika" in html

    html = html_of(member.get(url("agreements_version", world, 2)))
    assert html.count("planning-changed") == 2
    assert "Before: Every two weeks" in html


def test_two_people_editing_the_agreements_at_once(client: Client, world: World) -> None:
    """Both open the form at version 0; the first saves; the second is told, sees the newer
    values next to what they typed, keeps their text, and nothing is overwritten."""
    first, second = Client(), Client()
    first.force_login(world.member.user)
    second.force_login(world.second_member.user)
    assert (
        'name="base_number" value="0"' in first.get(url("agreements_edit", world)).content.decode()
    )
    assert (
        'name="base_number" value="0"' in second.get(url("agreements_edit", world)).content.decode()
    )

    saved = first.post(
        url("agreements_edit", world),
        agreement_post(0, time_of_day="Tuesdays 17–19", absence_reporting="Tell Mika"),
    )
    assert saved.status_code == 302

    response = second.post(
        url("agreements_edit", world),
        agreement_post(0, time_of_day="Mondays 18–20", absence_reporting="Post on the board"),
    )

    assert response.status_code == 200
    html = html_of(response)
    assert "Someone else saved a newer version" in html
    assert "Where the newer version differs from what you wrote" in html
    assert "Tuesdays 17–19" in html  # the newer value
    assert "Mondays 18–20" in html  # what they typed, kept
    assert "Post on the board</textarea>" in html
    assert 'name="base_number" value="1"' in html
    assert list(AgreementsVersion.objects.values_list("time_of_day", flat=True)) == [
        "Tuesdays 17–19"
    ]

    # Having compared, they can save on top of the newer version on purpose.
    again = second.post(
        url("agreements_edit", world),
        agreement_post(1, time_of_day="Mondays 18–20", absence_reporting="Tell Mika"),
    )
    assert again.status_code == 302
    newest = AgreementsVersion.objects.get(number=2)
    assert newest.changed_fields == ["time_of_day"]
    assert newest.changed_by == world.second_member


def test_a_meeting_length_outside_the_range_warns_but_saves(client: Client, world: World) -> None:
    response = logged_in(client, world, "member").post(
        url("agreements_edit", world), agreement_post(0, meeting_minutes=90), follow=True
    )
    html = html_of(response)
    assert "The agreements are saved" in html
    assert "90 minutes is outside that" in html
    assert AgreementsVersion.objects.get().meeting_minutes == 90


def test_a_wrong_agreement_is_explained_and_kept(client: Client, world: World) -> None:
    response = logged_in(client, world, "member").post(
        url("agreements_edit", world),
        agreement_post(0, form="hybrid", place="The old library", meeting_count=12),
    )
    assert response.status_code == 200
    html = html_of(response)
    assert html.count('class="field__error"') == 2
    assert 'value="The old library"' in html
    assert not AgreementsVersion.objects.exists()


def test_an_unknown_version_is_not_found(client: Client, world: World) -> None:
    response = logged_in(client, world, "member").get(url("agreements_version", world, 3))
    assert response.status_code == 404


# --- themes -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["sv", "fi", "en"])
def test_themes_page_in_each_language(client: Client, world: World, language: str) -> None:
    pack = selectors.group_pack(
        access=group_access(user=world.member.user, group_id=world.group.pk)
    )
    client.force_login(world.convener.user)
    with translation.override(language):
        page = url("themes", world)
    html = html_of(client.get(page))
    for theme in pack.optional_themes():
        assert escape(theme.title.get(language)) in html
    assert html.count('name="meeting_') == 3  # five meetings by default: three to choose


def test_marking_preferences_shows_counts_and_names(client: Client, world: World) -> None:
    for persona in ("member", "second_member"):
        other = Client()
        other.force_login(world.user(persona))
        assert (
            other.post(url("theme_preference_toggle", world), {"theme": "money"}).status_code == 302
        )
    html = html_of(logged_in(client, world, "member").get(url("themes", world)))
    assert "Marked by 2 people: Mika, Sanna" in html
    assert "Take away my mark from" in html


def test_a_guide_sees_the_marks_but_does_not_mark(client: Client, world: World) -> None:
    other = Client()
    other.force_login(world.member.user)
    other.post(url("theme_preference_toggle", world), {"theme": "money"})
    guide = logged_in(client, world, "guide")
    assert guide.post(url("theme_preference_toggle", world), {"theme": "money"}).status_code == 403
    html = html_of(guide.get(url("themes", world)))
    assert "Marked by 1 person: Mika" in html
    assert "The members mark the optional themes" in html
    assert url("theme_preference_toggle", world) not in html
    assert "I would like" not in html
    assert 'name="meeting_' in html  # the guide may still record the plan


def test_choosing_the_number_of_meetings_shows_the_slots(client: Client, world: World) -> None:
    html = html_of(logged_in(client, world, "guide").get(url("themes", world) + "?meetings=8"))
    assert html.count('name="meeting_') == 6
    assert 'name="meetings" value="8"' in html


def test_recording_a_plan_through_the_form(client: Client, world: World) -> None:
    response = logged_in(client, world, "convener").post(
        url("theme_plan_record", world),
        {
            "meetings": "6",
            "base_number": "0",
            "meeting_2": "money",
            "meeting_3": "networks",
            "meeting_4": "competence",
            "meeting_5": "work_ability",
        },
    )
    assert response.status_code == 302
    assert ThemePlanVersion.objects.get().theme_keys == [
        "opening",
        "money",
        "networks",
        "competence",
        "work_ability",
        "closing",
    ]
    html = html_of(client.get(url("themes", world)))
    assert "Meeting 6" in html


def test_a_theme_twice_is_explained_and_the_choices_kept(client: Client, world: World) -> None:
    response = logged_in(client, world, "convener").post(
        url("theme_plan_record", world),
        {
            "meetings": "5",
            "base_number": "0",
            "meeting_2": "money",
            "meeting_3": "networks",
            "meeting_4": "money",
        },
    )
    assert response.status_code == 200
    html = html_of(response)
    assert "Each theme is taken up once" in html
    assert html.count('value="money" selected') == 2
    assert 'value="networks" selected' in html
    assert not ThemePlanVersion.objects.exists()


def test_a_missing_slot_is_explained(client: Client, world: World) -> None:
    response = logged_in(client, world, "convener").post(
        url("theme_plan_record", world),
        {"meetings": "5", "base_number": "0", "meeting_2": "money", "meeting_3": ""},
    )
    html = html_of(response)
    assert html.count("Please choose a theme for this meeting.") == 2


def test_a_wrong_number_of_meetings_is_explained(client: Client, world: World) -> None:
    response = logged_in(client, world, "convener").post(
        url("theme_plan_record", world), {"meetings": "12", "base_number": "0"}, follow=True
    )
    assert "Please choose the number of meetings." in response.content.decode()


def test_a_held_meeting_is_fixed_in_the_form(client: Client, world: World) -> None:
    ThemePlanVersion.objects.create(
        group=world.group,
        number=1,
        theme_keys=["opening", "money", "networks", "competence", "closing"],
    )
    Meeting.objects.create(
        group=world.group, number=1, theme_key="opening", form="remote", state="held"
    )
    Meeting.objects.create(
        group=world.group, number=2, theme_key="money", form="remote", state="held"
    )
    client = logged_in(client, world, "convener")
    html = html_of(client.get(url("themes", world)))
    assert (
        'name="meeting_2" disabled' in html or "disabled" in html.split('name="meeting_2"')[1][:80]
    )

    # Even a forged post cannot change it: the held theme is kept.
    response = client.post(
        url("theme_plan_record", world),
        {
            "meetings": "5",
            "base_number": "1",
            "meeting_2": "self_leadership",
            "meeting_3": "networks",
            "meeting_4": "collaboration",
        },
    )
    assert response.status_code == 302
    assert ThemePlanVersion.objects.get(number=2).theme_keys[1] == "money"


def test_a_plan_recorded_meanwhile_is_shown(client: Client, world: World) -> None:
    ThemePlanVersion.objects.create(
        group=world.group,
        number=1,
        theme_keys=["opening", "networks", "self_leadership", "competence", "closing"],
    )
    response = logged_in(client, world, "convener").post(
        url("theme_plan_record", world),
        {
            "meetings": "5",
            "base_number": "0",
            "meeting_2": "money",
            "meeting_3": "collaboration",
            "meeting_4": "work_ability",
        },
    )
    html = html_of(response)
    assert "Someone else saved a newer version" in html
    assert "The newer plan" in html
    assert 'value="collaboration" selected' in html
    assert ThemePlanVersion.objects.count() == 1


# --- the group's home -------------------------------------------------------------------


def test_home_section_renders(world: World) -> None:
    GoalsRecord.objects.create(group=world.group, number=1, goals=["Share tips"])
    version = GroundRulesVersionFactory(written_by=world.convener, rules="Listen kindly")
    version.acknowledgements.create(membership=world.member)
    ThemePlanVersion.objects.create(
        group=world.group,
        number=1,
        theme_keys=["opening", "money", "networks", "competence", "closing"],
    )
    access = group_access(user=world.member.user, group_id=world.group.pk)

    section = selectors.home_section(access=access)
    html = render_to_string("planning/_home_section.html", {"section": section})

    assert section["goals"] == ["Share tips"]
    assert section["rules_acknowledged"]
    assert "<h2" in html and "Share tips" in html and "Listen kindly" in html
    assert "You have acknowledged these ground rules." in html
    assert url("themes", world) in html
    assert url("agreements", world) in html

    other = group_access(user=world.second_member.user, group_id=world.group.pk)
    html = render_to_string(
        "planning/_home_section.html", {"section": selectors.home_section(access=other)}
    )
    assert "Please read the ground rules and acknowledge them." in html


def test_home_section_of_a_new_group(world: World) -> None:
    access = group_access(user=world.member.user, group_id=world.group.pk)
    section = selectors.home_section(access=access)
    html = render_to_string("planning/_home_section.html", {"section": section})
    assert section["rules"] is None and section["goals"] == []
    assert "has not recorded its goals yet" in html
