"""The calls' services: signing up (upsert, rate limit, bad input), forming groups (atomic,
idempotent, the convener), and deleting sign-ups never placed (time-machine)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from booster.accounts.models import User
from booster.calls import services
from booster.calls.models import Call, DraftGroup, SignUp, email_lookup_hash
from booster.calls.services import (
    SIGNUPS_PER_ADDRESS_HOUR,
    CallNotOpenError,
    DraftDetails,
    draft_group_update,
    groups_create_and_invite,
    groups_suggest,
    signup_move,
    signup_submit,
    signups_expired_delete,
)
from booster.core.models import AuditEntry
from booster.groups.models import Group, Invite, Membership
from booster.groups.services import invite_accept
from booster.organisations.models import Organisation
from booster.programme.models import PackVersion
from tests.calls.factories import (
    coordinator_make,
    open_call,
    organisation_make,
    person,
    sign_up,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation() -> Organisation:
    return organisation_make("Union of Freelancers")


@pytest.fixture
def coordinator(organisation: Organisation) -> User:
    return coordinator_make(organisation, display_name="Cora")


@pytest.fixture
def call(organisation: Organisation, coordinator: User) -> Call:
    return open_call(organisation, coordinator)


# --- signing up -------------------------------------------------------------------------


def test_a_sign_up_keeps_name_and_address_encrypted(call: Call) -> None:
    signup = sign_up(call, name="Tove Secretname", email="Tove@Example.com")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, email FROM calls_signup WHERE id = %s", [signup.pk])
        raw_name, raw_email = cursor.fetchone()
    assert "Secretname" not in raw_name and "example" not in raw_email.lower()
    fresh = SignUp.objects.get(pk=signup.pk)
    assert (fresh.name, fresh.email) == ("Tove Secretname", "Tove@Example.com")
    assert fresh.email_hash == email_lookup_hash("tove@example.com")


def test_a_repeated_sign_up_updates_rather_than_duplicates(call: Call) -> None:
    first, created = signup_submit(
        call=call, details=person(email="ann@example.com", language="en"), client_address="x"
    )
    assert created
    again, created_again = signup_submit(
        call=call,
        details=person(email=" ANN@example.com ", language="fi", slots=["fri_morning"]),
        client_address="x",
    )
    assert not created_again
    assert again.pk == first.pk
    assert SignUp.objects.filter(call=call).count() == 1
    stored = SignUp.objects.get(pk=first.pk)
    assert (stored.language, stored.slots) == ("fi", ["fri_morning"])
    # Each time, the address is told (so its owner learns if someone else typed it).
    assert [message.to for message in mail.outbox] == [["ann@example.com"], ["ANN@example.com"]]
    # In the language the new answers chose: Finnish.
    assert "päivitetty" in mail.outbox[1].subject


def test_the_same_address_may_sign_up_to_two_calls(
    organisation: Organisation, coordinator: User, call: Call
) -> None:
    other = open_call(organisation, coordinator, title="Autumn")
    sign_up(call, email="same@example.com")
    sign_up(other, email="same@example.com")
    assert SignUp.objects.count() == 2


def test_sign_ups_from_one_address_are_limited_and_nothing_is_saved_over_it(call: Call) -> None:
    for _ in range(SIGNUPS_PER_ADDRESS_HOUR):
        sign_up(call, address="198.51.100.7")
    with pytest.raises(ValidationError) as refused:
        sign_up(call, address="198.51.100.7", email="one-too-many@example.com")
    assert refused.value.error_list[0].code == "rate_limited"
    assert SignUp.objects.filter(call=call).count() == SIGNUPS_PER_ADDRESS_HOUR
    # Someone else, elsewhere, can still sign up.
    sign_up(call, address="203.0.113.9")


def test_changing_one_sign_up_again_and_again_is_limited_too(call: Call) -> None:
    for _ in range(services.CHANGES_PER_EMAIL_HOUR + 1):
        sign_up(call, email="busy@example.com", address="192.0.2.50")
    with pytest.raises(ValidationError):
        sign_up(call, email="busy@example.com", address="192.0.2.51")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "   "}, "name"),
        ({"email": "not-an-address"}, "email"),
        ({"language": "de"}, "language"),
        ({"form": "face_to_face", "city": "Oulu"}, "place"),
        ({"form": "hybrid"}, "place"),
        ({"slots": []}, "slots"),
        ({"slots": ["mon_night"]}, "slots"),
        ({"field_of_work": "astronaut"}, "field_of_work"),
        ({"consent": False}, "consent"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_nothing_is_saved(
    call: Call, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        sign_up(call, **changes)
    assert field in refused.value.message_dict
    assert not SignUp.objects.exists()


def test_only_offered_languages_and_forms_are_taken(
    organisation: Organisation, coordinator: User
) -> None:
    call = open_call(organisation, coordinator, languages=["sv"], remote=False, cities=["Vaasa"])
    with pytest.raises(ValidationError) as refused:
        sign_up(call, language="en", form="remote")
    assert set(refused.value.message_dict) == {"language", "place"}
    sign_up(call, language="sv", form="face_to_face", city="Vaasa")


def test_drafts_closed_calls_and_calls_past_their_last_day_take_no_sign_ups(
    organisation: Organisation, coordinator: User, call: Call
) -> None:
    services.call_set_state(actor=coordinator, call=call, state=Call.State.CLOSED)
    with pytest.raises(CallNotOpenError):
        sign_up(Call.objects.get(pk=call.pk))
    yesterday = timezone.localdate() - timedelta(days=2)
    ended = open_call(organisation, coordinator, closes_on=yesterday)
    with pytest.raises(CallNotOpenError):
        sign_up(ended)
    later = open_call(organisation, coordinator, opens_on=timezone.localdate() + timedelta(days=3))
    with pytest.raises(CallNotOpenError):
        sign_up(later)
    assert not SignUp.objects.exists()


# --- forming groups ---------------------------------------------------------------------


def _twelve(call: Call) -> list[SignUp]:
    """Six Finnish speakers and six English speakers, all free on Tuesday evenings."""
    return [
        sign_up(call, language="fi" if number < 6 else "en", slots=["tue_evening"])
        for number in range(12)
    ]


def _ready(coordinator: User, drafts: list[DraftGroup], *, guide: str = "") -> None:
    for number, draft in enumerate(drafts, start=1):
        convener = draft.signups.order_by("id").first()
        assert convener is not None
        draft_group_update(
            actor=coordinator,
            draft=draft,
            details=DraftDetails(
                name=f"Group of the call {number}",
                place="",
                video_link="https://meet.example.com/group",
                convener_id=convener.pk,
                guide_email=guide if number == 1 else "",
            ),
        )


def test_suggestions_put_people_of_one_language_together(
    booster_pack: PackVersion, coordinator: User, call: Call
) -> None:
    _twelve(call)
    sign_up(call, language="sv", slots=["tue_evening"])  # the only Swede
    drafts = groups_suggest(actor=coordinator, call=call)
    assert sorted(draft.language for draft in drafts) == ["en", "fi"]
    for draft in drafts:
        assert {signup.language for signup in draft.signups.all()} == {draft.language}
        assert draft.signups.count() == 6
    assert SignUp.objects.filter(call=call, draft_group__isnull=True).count() == 1


def test_nothing_is_made_while_a_group_is_not_ready(
    booster_pack: PackVersion, coordinator: User, call: Call
) -> None:
    _twelve(call)
    groups_suggest(actor=coordinator, call=call)
    mail.outbox.clear()
    with pytest.raises(ValidationError) as refused:
        groups_create_and_invite(actor=coordinator, call=call)
    assert any("needs a name" in message for message in refused.value.messages)
    assert not Group.objects.exists()
    assert not Invite.objects.exists()
    assert not SignUp.objects.filter(placed_at__isnull=False).exists()
    assert mail.outbox == []


def test_making_the_groups_invites_everyone_once_and_a_second_press_makes_nothing(
    booster_pack: PackVersion, organisation: Organisation, coordinator: User, call: Call
) -> None:
    people = _twelve(call)
    drafts = groups_suggest(actor=coordinator, call=call)
    _ready(coordinator, drafts, guide="guide@example.com")
    mail.outbox.clear()
    made = groups_create_and_invite(actor=coordinator, call=call)
    assert len(made) == 2
    assert all(group.organisation_id == organisation.pk for group in made)
    # Nobody is in the groups yet, the coordinator least of all: they join by invitation.
    assert not Membership.objects.filter(group__in=made).exists()
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([p.email for p in people] + ["guide@example.com"])
    assert Invite.objects.filter(role=Membership.Role.GUIDE).count() == 1
    assert SignUp.objects.filter(call=call, placed_at__isnull=True).count() == 0
    assert AuditEntry.objects.filter(action="calls.groups_created").count() == 1
    fi = next(message for message in mail.outbox if message.to == [people[0].email])
    assert "Group of the call" in fi.subject
    # The second press (or a reloaded form sent again) creates and sends nothing more.
    mail.outbox.clear()
    assert groups_create_and_invite(actor=coordinator, call=call) == []
    assert Group.objects.count() == 2
    assert Invite.objects.count() == 13
    assert mail.outbox == []


def test_a_failure_half_way_leaves_nothing_made(
    booster_pack: PackVersion, coordinator: User, call: Call
) -> None:
    _twelve(call)
    _ready(coordinator, groups_suggest(actor=coordinator, call=call))
    real_invite = services._invite
    calls = {"count": 0}

    def failing_invite(**kwargs: object) -> Invite:
        calls["count"] += 1
        if calls["count"] == 8:
            raise RuntimeError("the mail queue fell over")
        return real_invite(**kwargs)  # type: ignore[arg-type]

    with mock.patch.object(services, "_invite", failing_invite), pytest.raises(RuntimeError):
        groups_create_and_invite(actor=coordinator, call=call)
    assert not Group.objects.exists()
    assert not Invite.objects.exists()
    assert not SignUp.objects.filter(placed_at__isnull=False).exists()
    assert DraftGroup.objects.filter(group__isnull=False).count() == 0
    # And it works when pressed again.
    assert len(groups_create_and_invite(actor=coordinator, call=call)) == 2


def test_the_chosen_convener_becomes_convener_on_joining_and_the_others_do_not(
    booster_pack: PackVersion, coordinator: User, call: Call
) -> None:
    _twelve(call)
    drafts = groups_suggest(actor=coordinator, call=call)
    _ready(coordinator, drafts)
    groups_create_and_invite(actor=coordinator, call=call)
    draft = DraftGroup.objects.get(pk=drafts[0].pk)
    chosen = SignUp.objects.get(pk=draft.convener_id)
    other = draft.signups.exclude(pk=chosen.pk).first()
    assert other is not None and other.invite is not None and chosen.invite is not None
    plain = invite_accept(
        invite=other.invite, user=UserFactory(), display_name="Other", principles_accepted=True
    )
    convener = invite_accept(
        invite=chosen.invite, user=UserFactory(), display_name="Chosen", principles_accepted=True
    )
    assert not Membership.objects.get(pk=plain.pk).is_convener
    assert Membership.objects.get(pk=convener.pk).is_convener


def test_moving_people_by_hand(booster_pack: PackVersion, coordinator: User, call: Call) -> None:
    people = _twelve(call)
    drafts = groups_suggest(actor=coordinator, call=call)
    finnish = next(draft for draft in drafts if draft.language == "fi")
    english = next(draft for draft in drafts if draft.language == "en")
    mover = finnish.signups.first()
    assert mover is not None
    signup_move(actor=coordinator, signup=mover, draft=english)
    assert SignUp.objects.get(pk=mover.pk).draft_group_id == english.pk
    signup_move(actor=coordinator, signup=mover, draft=None)
    assert SignUp.objects.get(pk=mover.pk).draft_group_id is None
    # Six English speakers and four more make ten: a group of ten takes nobody more.
    for signup in people[:4]:
        signup_move(actor=coordinator, signup=signup, draft=english)
    assert english.signups.count() == 10
    with pytest.raises(ValidationError) as refused:
        signup_move(actor=coordinator, signup=people[4], draft=english)
    assert refused.value.error_list[0].code == "full"


def test_a_group_of_another_call_cannot_take_this_calls_people(
    booster_pack: PackVersion, organisation: Organisation, coordinator: User, call: Call
) -> None:
    other = open_call(organisation, coordinator, title="Other call")
    _twelve(other)
    other_draft = groups_suggest(actor=coordinator, call=other)[0]
    mine = sign_up(call)
    with pytest.raises(ValidationError):
        signup_move(actor=coordinator, signup=mine, draft=other_draft)


def test_a_convener_must_be_one_of_the_groups_people(
    booster_pack: PackVersion, coordinator: User, call: Call
) -> None:
    people = _twelve(call)
    draft = next(d for d in groups_suggest(actor=coordinator, call=call) if d.language == "fi")
    stranger = next(p for p in people if p.language == "en")
    with pytest.raises(ValidationError) as refused:
        draft_group_update(
            actor=coordinator,
            draft=draft,
            details=DraftDetails(
                name="A", place="", video_link="", convener_id=stranger.pk, guide_email=""
            ),
        )
    assert "convener" in refused.value.message_dict


# --- retention --------------------------------------------------------------------------


def test_unplaced_sign_ups_are_deleted_when_the_retention_period_ends(
    booster_pack: PackVersion, coordinator: User, call: Call
) -> None:
    _twelve(call)
    lonely = sign_up(call, language="sv")
    _ready(coordinator, groups_suggest(actor=coordinator, call=call))
    groups_create_and_invite(actor=coordinator, call=call)
    closed_at = timezone.now()
    with time_machine.travel(closed_at, tick=False):
        services.call_set_state(actor=coordinator, call=call, state=Call.State.CLOSED)
    with time_machine.travel(closed_at + timedelta(days=30) - timedelta(seconds=1), tick=False):
        assert signups_expired_delete() == 0
        assert SignUp.objects.filter(pk=lonely.pk).exists()
    with time_machine.travel(closed_at + timedelta(days=30), tick=False):
        assert signups_expired_delete() == 1
        assert signups_expired_delete() == 0  # run again (a second worker): nothing more
    assert not SignUp.objects.filter(pk=lonely.pk).exists()
    # The people placed in groups stay: their invitations point to them.
    assert SignUp.objects.filter(call=call).count() == 12


def test_a_call_that_ends_on_its_last_day_counts_from_that_day(
    organisation: Organisation, coordinator: User
) -> None:
    last_day = timezone.localdate() + timedelta(days=1)
    call = open_call(organisation, coordinator, closes_on=last_day, retention_days=7)
    signup = sign_up(call)
    expire_at = call.unplaced_expire_at()
    assert expire_at is not None
    with time_machine.travel(expire_at - timedelta(minutes=1), tick=False):
        assert signups_expired_delete() == 0
    with time_machine.travel(expire_at + timedelta(minutes=1), tick=False):
        assert signups_expired_delete() == 1
    assert not SignUp.objects.filter(pk=signup.pk).exists()


def test_an_open_call_without_a_last_day_keeps_its_sign_ups(call: Call) -> None:
    sign_up(call)
    with time_machine.travel(timezone.now() + timedelta(days=3650), tick=False):
        assert signups_expired_delete() == 0
    assert SignUp.objects.count() == 1


def test_the_worker_task_deletes_what_is_due(coordinator: User, call: Call) -> None:
    from booster.calls.tasks import call_signups_sweep

    sign_up(call)
    services.call_set_state(actor=coordinator, call=call, state=Call.State.CLOSED)
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        result = call_signups_sweep.enqueue()
    assert result.return_value == 1
    assert not SignUp.objects.exists()
