"""Reading organisations: whom a person coordinates, an organisation's coordinators and
invitations, and its audit log."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from booster.accounts.models import User
from booster.core.models import AuditEntry
from booster.groups.models import Group, Membership
from booster.organisations.audit import GROUP_ACTIONS_SHOWN
from booster.organisations.models import Coordinator, CoordinatorInvite, Organisation


def organisations_of(user: object) -> QuerySet[Organisation]:
    """The organisations the user coordinates."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(coordinators__user=user).order_by("name", "id")


def coordinates_any(user: object) -> bool:
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    return Coordinator.objects.filter(user=user).exists()


def coordinators_of(*, organisation: Organisation) -> list[Coordinator]:
    return list(
        Coordinator.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__display_name", "id")
    )


def coordinator_of(*, organisation: Organisation, coordinator_id: int) -> Coordinator | None:
    return (
        Coordinator.objects.filter(organisation=organisation, pk=coordinator_id)
        .select_related("user")
        .first()
    )


def invites_active(*, organisation: Organisation) -> list[CoordinatorInvite]:
    """Invitations that can still be accepted, newest first."""
    return list(
        CoordinatorInvite.objects.filter(
            organisation=organisation,
            revoked_at__isnull=True,
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).order_by("-created_at", "-id")
    )


def invite_of(*, organisation: Organisation, invite_id: int) -> CoordinatorInvite | None:
    return CoordinatorInvite.objects.filter(organisation=organisation, pk=invite_id).first()


def invite_by_token(*, token: str) -> CoordinatorInvite | None:
    return CoordinatorInvite.objects.filter(token=token).select_related("organisation").first()


def audit_entries(*, organisation: Organisation) -> QuerySet[AuditEntry]:
    """What was done to the organisation, and what its groups' stewards did there, newest
    first (see ``audit.GROUP_ACTIONS_SHOWN``)."""
    groups = Group.objects.filter(organisation=organisation).values("pk")
    return AuditEntry.objects.filter(
        Q(organisation_id=organisation.pk) | Q(group_id__in=groups, action__in=GROUP_ACTIONS_SHOWN)
    ).order_by("-at", "-id")


def coordinator_names(*, organisation: Organisation) -> dict[int, str]:
    """The display names of the organisation's coordinators, by user id."""
    return dict(
        Coordinator.objects.filter(organisation=organisation).values_list(
            "user_id", "user__display_name"
        )
    )


def group_roles(*, organisation: Organisation, user_ids: set[int]) -> dict[tuple[int, int], str]:
    """(group id, user id) → "convener", "guide", "member" or "former" for these people in
    the organisation's groups."""
    roles: dict[tuple[int, int], str] = {}
    rows = Membership.objects.filter(
        group__organisation=organisation, user_id__in=user_ids
    ).values_list("group_id", "user_id", "role", "is_convener", "state")
    for group_id, user_id, role, is_convener, state in rows:
        if state != Membership.State.ACTIVE:
            label = "former"
        elif role == Membership.Role.GUIDE:
            label = "guide"
        else:
            label = "convener" if is_convener else "member"
        roles.setdefault((group_id, user_id), label)
        if label != "former":
            roles[(group_id, user_id)] = label
    return roles


def group_names(*, organisation: Organisation) -> dict[int, str]:
    return dict(Group.objects.filter(organisation=organisation).values_list("pk", "name"))
