"""The demo organisation "Kulturverkstan", so that a newcomer can see what a coordinator sees:
its groups, an open call for participants and released programme feedback."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from booster.accounts.models import User
from booster.core.models import audit_log
from booster.groups.models import Group
from booster.organisations.models import Coordinator, Organisation
from booster.organisations.services import organisation_create, organisation_settings_update

DEMO_ORGANISATION_NAME = "Kulturverkstan"
DEMO_ORGANISATION_SLUG = "kulturverkstan"
DEMO_RETENTION_DAYS = 90
# The organisation's own lines on its groups' support card. Only real services, with the
# numbers and hours as the BOOSTER pack gives them (src/booster/packs/booster/crisis.yaml).
DEMO_CRISIS_CONTACTS = (
    "MIELI Kriisipuhelin suomeksi 09 2525 0111 – ympäri vuorokauden, mieli.fi\n"
    "MIELI Kristelefon på svenska 09 2525 0112 – vardagar vid vissa tider, se mieli.fi/sv"
)


@transaction.atomic
def organisation_demo_create(*, coordinator: User, groups: Iterable[Group] = ()) -> Organisation:
    """Kulturverkstan with ``coordinator`` as its coordinator; ``groups`` become its groups."""
    organisation, _invite = organisation_create(
        actor=None, name=DEMO_ORGANISATION_NAME, slug=DEMO_ORGANISATION_SLUG
    )
    # Straight in rather than through an e-mailed invitation: nobody reads the demo's mail.
    Coordinator.objects.create(organisation=organisation, user=coordinator)
    audit_log(
        actor=None,
        action="organisations.coordinator_joined",
        organisation_id=organisation.pk,
        user_id=coordinator.pk,
    )
    organisation = organisation_settings_update(
        actor=coordinator,
        organisation=organisation,
        values={
            "retention_days": DEMO_RETENTION_DAYS,
            "crisis_contacts": DEMO_CRISIS_CONTACTS,
            "controller_name": "Kulturverkstan rf",
            "controller_address": "Esimerkkikatu 1\n00100 Helsinki",
            "controller_email": "tietosuoja@example.invalid",
        },
    )
    organisation_groups_add(organisation=organisation, groups=groups)
    return organisation


def organisation_groups_add(*, organisation: Organisation, groups: Iterable[Group]) -> None:
    """Make ``groups`` the organisation's (as if they had been formed from its call)."""
    Group.objects.filter(pk__in=[group.pk for group in groups]).update(organisation=organisation)
