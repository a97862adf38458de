"""Who may run a call: the organisation's coordinators and operators (else 404). The public
sign-up page needs no account: its unguessable token is the key."""

from __future__ import annotations

from dataclasses import dataclass

from booster.calls.models import Call
from booster.calls.selectors import call_of
from booster.organisations.permissions import OrganisationAccess, organisation_access


@dataclass(frozen=True)
class CallAccess:
    organisation_access: OrganisationAccess
    call: Call


def call_access(*, user: object, slug: str, call_id: int) -> CallAccess:
    """The call of an organisation the user coordinates, else Http404."""
    access = organisation_access(user=user, slug=slug)
    return CallAccess(
        organisation_access=access, call=call_of(organisation=access.organisation, call_id=call_id)
    )
