"""Writing to organisations: creating one, inviting and removing coordinators, and the
organisation's settings. Every change is audit-logged with identifiers only."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booster.accounts.models import User
from booster.core.duplicates import RESUBMIT_WINDOW, person_lock
from booster.core.email import email_send, site_url_in
from booster.core.models import audit_log
from booster.core.ratelimit import RateLimitExceededError, rate_limit_take
from booster.core.timezones import DEFAULT_TIME_ZONE
from booster.organisations.models import Coordinator, CoordinatorInvite, Organisation

INVITE_DAYS = 14
# Coordinator invitations one person may send in an hour (an operator's script included).
INVITES_PER_HOUR = 20
# Attempts to accept an invitation one person may make in an hour: enough for every honest
# mistake, too few to try tokens.
ACCEPTS_PER_HOUR = 10

SETTINGS_FIELDS = (
    "retention_days",
    "crisis_contacts",
    "controller_name",
    "controller_address",
    "controller_email",
)


class InviteUnusableError(Exception):
    """The invitation cannot make this person a coordinator; ``problem`` says why:
    "revoked", "used", "expired", "wrong_account" or "rate_limited"."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@transaction.atomic
def organisation_create(
    *, actor: User | None, name: str, slug: str, coordinator_email: str = ""
) -> tuple[Organisation, CoordinatorInvite | None]:
    """A new organisation (an operator's act); its first coordinator is invited by e-mail
    when an address is given."""
    organisation = Organisation(name=" ".join(name.split()), slug=slug.strip().lower())
    organisation.full_clean()
    organisation.save()
    audit_log(actor=actor, action="organisations.created", organisation_id=organisation.pk)
    invite = None
    if coordinator_email:
        invite = coordinator_invite_send(
            actor=actor, organisation=organisation, email=coordinator_email
        )
    return organisation, invite


def _take_invites(actor: User | None) -> None:
    if actor is None:
        return
    try:
        rate_limit_take(key=f"organisations:coordinator-invites:{actor.pk}", limit=INVITES_PER_HOUR)
    except RateLimitExceededError as exceeded:
        raise ValidationError(
            {
                "email": _(
                    "You can send at most %(limit)d invitations an hour. Please try again later."
                )
                % {"limit": INVITES_PER_HOUR}
            },
            code="rate_limited",
        ) from exceeded


def coordinator_invite_send(
    *, actor: User | None, organisation: Organisation, email: str
) -> CoordinatorInvite:
    """One single-use invitation, e-mailed in the recipient's language when they have an
    account, else in the inviter's. The same address invited moments ago (a form sent
    twice) gets no second invitation."""
    address = email.strip().lower()
    probe = CoordinatorInvite(organisation=organisation, email=address, expires_at=timezone.now())
    probe.full_clean(exclude=["organisation", "invited_by", "accepted_by"])
    if Coordinator.objects.filter(organisation=organisation, user__email__iexact=address).exists():
        raise ValidationError(
            {"email": _("This person already coordinates the organisation.")}, code="already"
        )
    now = timezone.now()
    with transaction.atomic():
        person_lock(Organisation, organisation.pk)
        twin = CoordinatorInvite.objects.filter(
            organisation=organisation,
            email=address,
            revoked_at__isnull=True,
            accepted_at__isnull=True,
            created_at__gte=now - RESUBMIT_WINDOW,
        ).first()
        if twin is not None:
            return twin
        _take_invites(actor)
        invite = CoordinatorInvite.objects.create(
            organisation=organisation,
            email=address,
            invited_by=actor,
            created_at=now,
            expires_at=now + timedelta(days=INVITE_DAYS),
        )
        audit_log(
            actor=actor,
            action="organisations.coordinator_invited",
            organisation_id=organisation.pk,
            invite_id=invite.pk,
        )
        recipient = User.objects.filter(email__iexact=address).first()
        reader = recipient or actor
        language = reader.language if reader is not None else settings.LANGUAGE_CODE
        time_zone = reader.time_zone if reader is not None else DEFAULT_TIME_ZONE
        email_send(
            to=address,
            template_prefix="organisations/email/coordinator_invite",
            language=language,
            time_zone=time_zone,
            context={
                "organisation": organisation,
                "inviter_name": actor.display_name if actor is not None else "",
                "expires_at": invite.expires_at,
                "url": site_url_in(
                    "organisations:invite_accept", language=language, token=invite.token
                ),
            },
        )
    return invite


@transaction.atomic
def coordinator_invite_revoke(*, actor: User, invite: CoordinatorInvite) -> CoordinatorInvite:
    if invite.revoked_at is None and invite.accepted_at is None:
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at"])
        audit_log(
            actor=actor,
            action="organisations.coordinator_invite_revoked",
            organisation_id=invite.organisation_id,
            invite_id=invite.pk,
        )
    return invite


def invite_is_for(*, invite: CoordinatorInvite, user: User) -> bool:
    """Whether the invitation was sent to one of the person's addresses."""
    if user.email.lower() == invite.email.lower():
        return True
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(
        user=user, email__iexact=invite.email, verified=True
    ).exists()


def coordinator_invite_accept(*, invite: CoordinatorInvite, user: User) -> Coordinator:
    """Make the person a coordinator of the invitation's organisation. The invitation works
    once, before it expires, unless stopped, and only for the address it was sent to."""
    try:
        rate_limit_take(key=f"organisations:invite-accept:{user.pk}", limit=ACCEPTS_PER_HOUR)
    except RateLimitExceededError as exceeded:
        raise InviteUnusableError("rate_limited") from exceeded
    with transaction.atomic():
        locked = CoordinatorInvite.objects.select_for_update().get(pk=invite.pk)
        problem = locked.problem()
        if problem is not None:
            raise InviteUnusableError(problem)
        if not invite_is_for(invite=locked, user=user):
            raise InviteUnusableError("wrong_account")
        coordinator, _created = Coordinator.objects.get_or_create(
            organisation_id=locked.organisation_id, user=user
        )
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        audit_log(
            actor=user,
            action="organisations.coordinator_joined",
            organisation_id=locked.organisation_id,
            invite_id=locked.pk,
        )
    return coordinator


@transaction.atomic
def coordinator_remove(*, actor: User, coordinator: Coordinator) -> None:
    """Remove a coordinator; an organisation always keeps at least one."""
    person_lock(Organisation, coordinator.organisation_id)
    if Coordinator.objects.filter(organisation_id=coordinator.organisation_id).count() <= 1:
        raise ValidationError(
            _("An organisation needs at least one coordinator: invite another one first."),
            code="last",
        )
    organisation_id, coordinator_id = coordinator.organisation_id, coordinator.pk
    removed_user_id = coordinator.user_id
    coordinator.delete()
    audit_log(
        actor=actor,
        action="organisations.coordinator_removed",
        organisation_id=organisation_id,
        coordinator_id=coordinator_id,
        user_id=removed_user_id,
    )


@transaction.atomic
def organisation_settings_update(
    *, actor: User, organisation: Organisation, values: dict[str, object]
) -> Organisation:
    """Change the organisation's settings; nothing is saved unless every value is valid.
    The audit log names the settings that changed, never their text."""
    fresh = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changed = []
    for name in SETTINGS_FIELDS:
        if name in values and getattr(fresh, name) != values[name]:
            setattr(fresh, name, values[name])
            changed.append(name)
    if not changed:
        return fresh
    fresh.full_clean()
    fresh.save(update_fields=changed)
    audit_log(
        actor=actor,
        action="organisations.settings_changed",
        organisation_id=fresh.pk,
        fields=changed,
    )
    return fresh
