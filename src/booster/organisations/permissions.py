"""Who may see an organisation's pages: its coordinators, and operators. Everyone else gets a
404, so that an organisation's pages are not revealed."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from booster.accounts.models import User
from booster.organisations.models import Coordinator, Organisation


@dataclass(frozen=True)
class OrganisationAccess:
    organisation: Organisation
    user: User
    is_operator: bool


def organisation_access(*, user: object, slug: str) -> OrganisationAccess:
    """The user's place as coordinator of the organisation (or an operator), else Http404."""
    if not isinstance(user, User) or not user.is_authenticated:
        raise Http404
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    is_operator = bool(user.is_staff and user.is_superuser)
    if (
        not is_operator
        and not Coordinator.objects.filter(organisation=organisation, user=user).exists()
    ):
        raise Http404
    return OrganisationAccess(organisation=organisation, user=user, is_operator=is_operator)
