"""A call for the security sweep and the form fuzzer: open, with one sign-up in a group
being formed, so that every call page has something to show and every form a target."""

from __future__ import annotations

from booster.accounts.models import User
from booster.calls.models import Call, DraftGroup, SignUp
from booster.calls.services import (
    CallDetails,
    SignUpDetails,
    call_create,
    call_set_state,
    draft_group_add,
    signup_move,
    signup_submit,
)
from booster.organisations.models import Organisation


def call_with_a_signup(
    *, organisation: Organisation, coordinator: User, name: str = "Signed-up Sam"
) -> tuple[Call, DraftGroup, SignUp]:
    call = call_create(
        actor=coordinator,
        organisation=organisation,
        details=CallDetails(
            title="Peer groups this spring",
            description="",
            languages=["en", "fi"],
            remote=True,
            cities=["Turku"],
            country="FI",
            opens_on=None,
            closes_on=None,
            retention_days=30,
        ),
    )
    call = call_set_state(actor=coordinator, call=call, state=Call.State.OPEN)
    signup, _created = signup_submit(
        call=call,
        details=SignUpDetails(
            name=name,
            email="signed-up@example.org",
            language="en",
            form="remote",
            city="",
            slots=["tue_evening"],
            field_of_work="music",
            consent=True,
        ),
        client_address="192.0.2.10",
    )
    draft = draft_group_add(actor=coordinator, call=call, language="en", form="remote", city="")
    signup = signup_move(actor=coordinator, signup=signup, draft=draft)
    return call, draft, signup
