"""Calls, sign-ups and coordinators for the calls tests."""

from __future__ import annotations

import itertools
from datetime import date

from booster.accounts.models import User
from booster.calls.models import Call, SignUp
from booster.calls.services import (
    CallDetails,
    SignUpDetails,
    call_create,
    call_set_state,
    signup_submit,
)
from booster.organisations.models import Coordinator, Organisation
from tests.factories import UserFactory

_numbers = itertools.count(1)


def organisation_make(name: str = "") -> Organisation:
    number = next(_numbers)
    return Organisation.objects.create(
        name=name or f"Calling organisation {number}", slug=f"calling-{number}"
    )


def coordinator_make(organisation: Organisation, **fields: object) -> User:
    person: User = UserFactory(**fields)
    Coordinator.objects.create(organisation=organisation, user=person)
    return person


def details(**changes: object) -> CallDetails:
    values: dict[str, object] = {
        "title": "Peer groups for freelancers, spring",
        "description": "Groups for freelancers in the arts.",
        "languages": ["sv", "fi", "en"],
        "remote": True,
        "cities": ["Helsinki", "Turku"],
        "country": "FI",
        "opens_on": None,
        "closes_on": None,
        "retention_days": 30,
    }
    values.update(changes)
    return CallDetails(**values)  # type: ignore[arg-type]


def open_call(organisation: Organisation, coordinator: User, **changes: object) -> Call:
    call = call_create(actor=coordinator, organisation=organisation, details=details(**changes))
    return call_set_state(actor=coordinator, call=call, state=Call.State.OPEN)


def person(**changes: object) -> SignUpDetails:
    number = next(_numbers)
    values: dict[str, object] = {
        "name": f"Person {number}",
        "email": f"person{number}@example.com",
        "language": "en",
        "form": "remote",
        "city": "",
        "slots": ["mon_evening", "wed_evening"],
        "field_of_work": "music",
        "consent": True,
    }
    values.update(changes)
    return SignUpDetails(**values)  # type: ignore[arg-type]


def sign_up(call: Call, *, address: str = "192.0.2.1", **changes: object) -> SignUp:
    signup, _created = signup_submit(call=call, details=person(**changes), client_address=address)
    return signup


def today() -> date:
    return date.today()
