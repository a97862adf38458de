"""Reads of calls for participants, each scoped to the organisation it belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from booster.calls.models import Call, DraftGroup, SignUp
from booster.organisations.models import Organisation


def calls_of(*, organisation: Organisation) -> QuerySet[Call]:
    """The organisation's calls with their sign-up counts (one query however many)."""
    return Call.objects.filter(organisation=organisation).annotate(
        signup_count=Count("signups"),
        placed_count=Count("signups", filter=Q(signups__placed_at__isnull=False)),
    )


def call_of(*, organisation: Organisation, call_id: int) -> Call:
    """The organisation's call, or 404 (another organisation's call is not revealed)."""
    call = Call.objects.filter(organisation=organisation, pk=call_id).first()
    if call is None:
        raise Http404
    return call


def call_by_token(*, token: str) -> Call:
    """The call of a public sign-up page; drafts are not public yet."""
    call = (
        Call.objects.select_related("organisation")
        .filter(token=token)
        .exclude(state=Call.State.DRAFT)
        .first()
    )
    if call is None:
        raise Http404
    return call


def signups_of(*, call: Call) -> list[SignUp]:
    return list(SignUp.objects.filter(call=call).select_related("draft_group").order_by("id"))


@dataclass(frozen=True)
class DraftWithPeople:
    draft: DraftGroup
    people: list[SignUp]
    shared_slots: frozenset[str]


@dataclass(frozen=True)
class Forming:
    """Everything the forming page shows: groups being formed, groups made, the unplaced."""

    drafts: list[DraftWithPeople]
    made: list[DraftWithPeople]
    unplaced: list[SignUp]


def forming_of(*, call: Call) -> Forming:
    drafts = list(DraftGroup.objects.filter(call=call).select_related("group").order_by("number"))
    people: dict[int, list[SignUp]] = {draft.pk: [] for draft in drafts}
    unplaced: list[SignUp] = []
    for signup in SignUp.objects.filter(call=call).order_by("id"):
        if signup.draft_group_id is None:
            if signup.placed_at is None:
                unplaced.append(signup)
        else:
            people.setdefault(signup.draft_group_id, []).append(signup)
    with_people = []
    for draft in drafts:
        group_people = people[draft.pk]
        shared = (
            frozenset.intersection(*(person.slot_set for person in group_people))
            if group_people
            else frozenset()
        )
        with_people.append(DraftWithPeople(draft=draft, people=group_people, shared_slots=shared))
    return Forming(
        drafts=[item for item in with_people if item.draft.group_id is None],
        made=[item for item in with_people if item.draft.group_id is not None],
        unplaced=unplaced,
    )
