"""Changes to calls for participants: the call itself, people signing up, forming groups
from the sign-ups and inviting everyone, and deleting sign-ups never placed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booster.accounts.models import Language, User
from booster.calls.grouping import Candidate, suggest_groups
from booster.calls.models import SLOTS, Call, DraftGroup, FieldOfWork, SignUp, email_lookup_hash
from booster.core.duplicates import person_lock
from booster.core.email import email_send, site_url_in
from booster.core.models import audit_log
from booster.core.ratelimit import RateLimitExceededError, rate_limit_take
from booster.groups.models import Group, Invite, MeetingForm, Membership
from booster.groups.services import GroupDetails, group_details_apply, membership_make_convener
from booster.meetings.models import Meeting
from booster.organisations.models import Organisation
from booster.programme.selectors import pack_for_version, pack_version_current

# One address (a home, an office) may sign up this many people an hour to one call, and
# one e-mail address may change its sign-up this often: enough for real use, too little
# to fill a call with junk.
SIGNUPS_PER_ADDRESS_HOUR = 20
CHANGES_PER_EMAIL_HOUR = 5
# A call's dates are this century's (a typo such as the year 20255 is refused kindly).
MIN_YEAR = 2000
MAX_YEAR = 2099
# How long the invitations a call sends work (the most a convener may choose too).
INVITATION_DAYS = 30


@dataclass(frozen=True)
class CallDetails:
    title: str
    description: str
    languages: list[str]
    remote: bool
    cities: list[str]
    country: str
    opens_on: date | None
    closes_on: date | None
    retention_days: int


def parse_cities(text: str) -> list[str]:
    """One city a line (or separated by commas); each once, in the order written."""
    cities: list[str] = []
    for part in text.replace(",", "\n").splitlines():
        city = " ".join(part.split())
        if city and city.casefold() not in {known.casefold() for known in cities}:
            cities.append(city)
    return cities


def _apply_call_details(call: Call, details: CallDetails) -> None:
    call.title = " ".join(details.title.split())
    call.description = details.description.strip()
    call.languages = [code for code in Language.values if code in details.languages]
    call.remote = details.remote
    call.cities = details.cities
    call.country = details.country
    call.opens_on = details.opens_on
    call.closes_on = details.closes_on
    call.retention_days = details.retention_days
    errors: dict[str, list[str]] = {}
    if not call.languages:
        errors["languages"] = [str(_("Offer at least one language."))]
    if not call.remote and not call.cities:
        errors["cities"] = [
            str(_("Offer remote groups, or name at least one city for face-to-face groups."))
        ]
    if any(len(city) > 80 for city in call.cities):
        errors["cities"] = [str(_("A city's name can have at most 80 characters."))]
    for name in ("opens_on", "closes_on"):
        day = getattr(call, name)
        if day is not None and not MIN_YEAR <= day.year <= MAX_YEAR:
            errors[name] = [
                str(
                    _("Choose a date between %(min)d and %(max)d.")
                    % {"min": MIN_YEAR, "max": MAX_YEAR}
                )
            ]
    if call.opens_on and call.closes_on and call.closes_on < call.opens_on:
        errors["closes_on"] = [str(_("Sign-up cannot close before it opens."))]
    if errors:
        raise ValidationError(errors)
    call.full_clean(exclude=["organisation", "created_by", "languages", "cities"])


@transaction.atomic
def call_create(*, actor: User, organisation: Organisation, details: CallDetails) -> Call:
    """A new call, as a draft: nobody can sign up before the coordinator opens it."""
    call = Call(organisation=organisation, created_by=actor)
    _apply_call_details(call, details)
    call.save()
    audit_log(
        actor=actor, action="calls.call_created", organisation_id=organisation.pk, call_id=call.pk
    )
    return call


@transaction.atomic
def call_update(*, actor: User, call: Call, details: CallDetails) -> Call:
    call = Call.objects.select_for_update().get(pk=call.pk)
    _apply_call_details(call, details)
    call.save()
    audit_log(
        actor=actor,
        action="calls.call_updated",
        organisation_id=call.organisation_id,
        call_id=call.pk,
    )
    return call


CALL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Call.State.DRAFT: (Call.State.OPEN,),
    Call.State.OPEN: (Call.State.CLOSED,),
    Call.State.CLOSED: (Call.State.OPEN,),
}


@transaction.atomic
def call_set_state(*, actor: User, call: Call, state: str) -> Call:
    """Open a draft, close an open call, or open a closed one again. Closing starts the
    retention period of the sign-ups that were never placed."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.state == state:
        return call  # the same button pressed twice
    if state not in CALL_TRANSITIONS.get(call.state, ()):
        raise ValidationError(_("A call can be opened, closed, and opened again."), code="state")
    previous = call.state
    call.state = state
    call.closed_at = timezone.now() if state == Call.State.CLOSED else None
    call.save(update_fields=["state", "closed_at"])
    audit_log(
        actor=actor,
        action="calls.state_changed",
        organisation_id=call.organisation_id,
        call_id=call.pk,
        previous=previous,
        state=state,
    )
    return call


# --- signing up -------------------------------------------------------------------------


@dataclass(frozen=True)
class SignUpDetails:
    name: str
    email: str
    language: str
    form: str
    city: str
    slots: list[str]
    field_of_work: str
    consent: bool


class CallNotOpenError(Exception):
    """The call does not take sign-ups now."""


def _rate_limited(what: str) -> ValidationError:
    return ValidationError(
        _(
            "Too many sign-ups have come from here in the last hour (%(what)s). What you "
            "wrote is kept below: please send it again a little later."
        )
        % {"what": what},
        code="rate_limited",
    )


def _check_signup(call: Call, details: SignUpDetails) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    name = " ".join(details.name.split())
    if not name:
        errors["name"] = [str(_("Please write your name."))]
    elif len(name) > 100:
        errors["name"] = [str(_("A name can have at most 100 characters."))]
    try:
        validate_email(details.email.strip())
    except ValidationError:
        errors["email"] = [str(_("Please write an e-mail address, such as name@example.com."))]
    if details.language not in call.languages:
        errors["language"] = [str(_("Choose one of the languages this call offers."))]
    if details.form == MeetingForm.REMOTE:
        if not call.remote:
            errors["place"] = [str(_("This call has face-to-face groups only."))]
    elif details.form == MeetingForm.FACE_TO_FACE:
        if details.city not in call.cities:
            errors["place"] = [str(_("Choose one of the cities this call offers."))]
    else:
        errors["place"] = [str(_("Choose remote or a city."))]
    if not details.slots or any(slot not in SLOTS for slot in details.slots):
        errors["slots"] = [str(_("Tick at least one time that suits you."))]
    if details.field_of_work not in FieldOfWork.values:
        errors["field_of_work"] = [str(_("Choose your field of work, or “Other”."))]
    if not details.consent:
        errors["consent"] = [
            str(_("Please tick the box: we can only place you in a group if we may contact you."))
        ]
    return errors


def signup_submit(
    *, call: Call, details: SignUpDetails, client_address: str
) -> tuple[SignUp, bool]:
    """Sign up to the call, or update the earlier sign-up of the same e-mail address.

    Returns the sign-up and whether it was new. Raises ValidationError (with the field of
    each problem) or CallNotOpenError; nothing is saved then."""
    if not call.accepts_signups():
        raise CallNotOpenError
    errors = _check_signup(call, details)
    if errors:
        raise ValidationError(errors)
    email = details.email.strip()
    email_hash = email_lookup_hash(email)
    slots = [slot for slot in SLOTS if slot in details.slots]
    now = timezone.now()
    with transaction.atomic():
        existing = (
            SignUp.objects.select_for_update().filter(call=call, email_hash=email_hash).first()
        )
        try:
            if existing is None:
                rate_limit_take(
                    key=f"calls:signup:{call.pk}:{client_address}", limit=SIGNUPS_PER_ADDRESS_HOUR
                )
            else:
                rate_limit_take(
                    key=f"calls:signup-change:{call.pk}:{email_hash}",
                    limit=CHANGES_PER_EMAIL_HOUR,
                )
        except RateLimitExceededError as exceeded:
            raise _rate_limited(str(_("the hour's limit is reached"))) from exceeded
        signup = existing or SignUp(call=call, email_hash=email_hash, created_at=now)
        signup.name = " ".join(details.name.split())
        signup.email = email
        signup.language = details.language
        signup.form = details.form
        signup.city = details.city if details.form == MeetingForm.FACE_TO_FACE else ""
        signup.slots = slots
        signup.field_of_work = details.field_of_work
        signup.consent_at = now
        signup.updated_at = now
        try:
            with transaction.atomic():
                signup.save()
        except IntegrityError:
            # The same address signed up at the same moment in another request: update that.
            other = SignUp.objects.get(call=call, email_hash=email_hash)
            signup.pk = other.pk
            signup.created_at = other.created_at
            signup._state.adding = False
            signup.save()
            existing = other
        # A confirmation, so that the person knows, and so that the owner of an address
        # someone else typed learns of it.
        email_send(
            to=email,
            template_prefix="calls/email/signup_received",
            language=signup.language,
            time_zone=call.time_zone,
            context={
                "call": call,
                "organisation": call.organisation,
                "updated": existing is not None,
            },
        )
    return signup, existing is None


# --- forming groups ---------------------------------------------------------------------


def _candidate(signup: SignUp) -> Candidate:
    return Candidate(
        id=signup.pk,
        language=signup.language,
        form=signup.form,
        city=signup.city,
        slots=signup.slot_set,
    )


def _max_members() -> int:
    version = pack_version_current()
    if version is None:
        return 10
    return min(pack_for_version(version_id=version.pk).rules.max_members, 10)


@transaction.atomic
def groups_suggest(*, actor: User, call: Call) -> list[DraftGroup]:
    """Replace the groups being formed with fresh suggestions from every unplaced sign-up.
    Groups already made and their people stay as they are."""
    person_lock(Call, call.pk)
    DraftGroup.objects.filter(call=call, group__isnull=True).delete()
    waiting = list(SignUp.objects.filter(call=call, placed_at__isnull=True).order_by("id"))
    SignUp.objects.filter(pk__in=[signup.pk for signup in waiting]).update(draft_group=None)
    suggestions = suggest_groups(
        (_candidate(signup) for signup in waiting), max_size=_max_members()
    )
    number = (
        DraftGroup.objects.filter(call=call)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    )
    drafts: list[DraftGroup] = []
    for suggestion in suggestions.groups:
        number += 1
        language, form, city = suggestion.kind
        draft = DraftGroup.objects.create(
            call=call,
            number=number,
            language=language,
            form=form,
            city=city,
            place=city,
        )
        SignUp.objects.filter(pk__in=suggestion.ids).update(draft_group=draft)
        drafts.append(draft)
    audit_log(
        actor=actor,
        action="calls.groups_suggested",
        organisation_id=call.organisation_id,
        call_id=call.pk,
        groups=len(drafts),
        unplaced=len(suggestions.unplaced),
    )
    return drafts


@transaction.atomic
def draft_group_add(*, actor: User, call: Call, language: str, form: str, city: str) -> DraftGroup:
    """An empty group to move people into by hand."""
    person_lock(Call, call.pk)
    errors: dict[str, list[str]] = {}
    if language not in call.languages:
        errors["language"] = [str(_("Choose one of the call's languages."))]
    if form == MeetingForm.FACE_TO_FACE and city not in call.cities:
        errors["city"] = [str(_("Choose one of the call's cities."))]
    if form not in MeetingForm.values:
        errors["form"] = [str(_("Choose remote or face to face."))]
    if errors:
        raise ValidationError(errors)
    number = (
        DraftGroup.objects.filter(call=call)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    ) + 1
    return DraftGroup.objects.create(
        call=call,
        number=number,
        language=language,
        form=form,
        city=city if form == MeetingForm.FACE_TO_FACE else "",
        place=city if form == MeetingForm.FACE_TO_FACE else "",
    )


@transaction.atomic
def signup_move(*, actor: User, signup: SignUp, draft: DraftGroup | None) -> SignUp:
    """Move a person into a group being formed, or out of every group (``draft`` None).

    The coordinator may put anyone anywhere (they know things the suggestion does not),
    but never into a full group, a group already made, or a group of another call."""
    person_lock(Call, signup.call_id)
    signup = SignUp.objects.get(pk=signup.pk)
    if signup.placed_at is not None:
        raise ValidationError(_("This person has already been invited to a group."), code="placed")
    if draft is not None:
        draft = DraftGroup.objects.get(pk=draft.pk)
        if draft.call_id != signup.call_id or draft.group_id is not None:
            raise ValidationError(_("That group cannot take people any more."), code="made")
        if draft.signups.exclude(pk=signup.pk).count() >= _max_members():
            raise ValidationError(
                _("That group is full: a group has at most %(max)d members.")
                % {"max": _max_members()},
                code="full",
            )
    left = signup.draft_group_id
    if left is not None and (draft is None or draft.pk != left):
        # A convener who moves away no longer convenes the group they left.
        DraftGroup.objects.filter(pk=left, convener=signup).update(convener=None)
    signup.draft_group = draft
    signup.save(update_fields=["draft_group"])
    return signup


@dataclass(frozen=True)
class DraftDetails:
    name: str
    place: str
    video_link: str
    convener_id: int | None
    guide_email: str


@transaction.atomic
def draft_group_update(*, actor: User, draft: DraftGroup, details: DraftDetails) -> DraftGroup:
    """The coordinator names the group, says where it meets, and chooses its convener (one of
    its people) or a guide (by e-mail)."""
    person_lock(Call, draft.call_id)
    draft = DraftGroup.objects.get(pk=draft.pk)
    if draft.group_id is not None:
        raise ValidationError(_("This group has already been made."), code="made")
    errors: dict[str, list[str]] = {}
    convener = None
    if details.convener_id is not None:
        convener = draft.signups.filter(pk=details.convener_id).first()
        if convener is None:
            errors["convener"] = [str(_("The convener must be one of the group's people."))]
    guide_email = details.guide_email.strip().lower()
    if guide_email:
        try:
            validate_email(guide_email)
        except ValidationError:
            errors["guide_email"] = [str(_("Please write the guide's e-mail address."))]
    draft.name = " ".join(details.name.split())
    draft.place = details.place.strip()
    draft.video_link = details.video_link.strip()
    draft.convener = convener
    draft.guide_email = guide_email
    if errors:
        raise ValidationError(errors)
    draft.full_clean(exclude=["call", "convener", "group", "guide_email"])
    draft.save()
    return draft


def _draft_problems(draft: DraftGroup, people: list[SignUp], names: set[str]) -> list[str]:
    problems = []
    label = draft.name or str(_("Group %(number)d") % {"number": draft.number})
    if not draft.name:
        problems.append(str(_("%(group)s needs a name.") % {"group": label}))
    elif draft.name.casefold() in names:
        problems.append(str(_("Two groups are called %(group)s.") % {"group": label}))
    if not people:
        problems.append(str(_("%(group)s has nobody in it.") % {"group": label}))
    if draft.convener_id is None and not draft.guide_email:
        problems.append(str(_("%(group)s needs a convener or a guide.") % {"group": label}))
    if draft.form == MeetingForm.REMOTE and not draft.video_link:
        problems.append(str(_("%(group)s needs its video-meeting link.") % {"group": label}))
    if draft.form == MeetingForm.FACE_TO_FACE and not draft.place:
        problems.append(str(_("%(group)s needs its meeting place.") % {"group": label}))
    return problems


def _group_make(*, actor: User, call: Call, draft: DraftGroup) -> Group:
    """The group, on the current programme, with its opening meeting waiting for a date poll.
    Nobody is in it yet: the people join through their invitations."""
    version = pack_version_current()
    if version is None:
        raise ValidationError(_("The programme has not been loaded yet."), code="no_pack")
    group = Group(
        pack_version=version,
        created_by=actor,
        organisation_id=call.organisation_id,
        created_at=timezone.now(),
    )
    group_details_apply(
        group,
        GroupDetails(
            name=draft.name,
            language=draft.language,
            form=draft.form,
            place=draft.place if draft.form == MeetingForm.FACE_TO_FACE else "",
            video_link=draft.video_link if draft.form == MeetingForm.REMOTE else "",
            country=call.country,
            time_zone=call.time_zone,
            description="",
            allow_late_joining=True,
        ),
    )
    group.save()
    pack = pack_for_version(version_id=version.pk)
    Meeting.objects.create(
        group=group,
        number=1,
        theme_key=pack.rules.first_theme,
        starts_at=None,
        form=group.form,
        place=group.place,
        video_link=group.video_link,
    )
    audit_log(
        actor=actor,
        action="groups.group_created",
        group_id=group.pk,
        pack_version_id=version.pk,
        opening="poll",
        call_id=call.pk,
    )
    return group


def _invite(
    *,
    actor: User,
    group: Group,
    email: str,
    role: str,
    language: str,
    call: Call,
    as_convener: bool,
) -> Invite:
    invite = Invite.objects.create(
        group=group,
        kind=Invite.Kind.EMAIL,
        role=role,
        email=email.lower(),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        max_uses=1,
    )
    email_send(
        to=email,
        template_prefix="calls/email/invitation",
        language=language,
        time_zone=call.time_zone,
        context={
            "call": call,
            "organisation": call.organisation,
            "group": group,
            "as_guide": role == Membership.Role.GUIDE,
            "as_convener": as_convener,
            "expires_at": invite.expires_at,
            "url": site_url_in("groups:join", language=language, token=invite.token),
        },
    )
    return invite


def groups_create_and_invite(*, actor: User, call: Call) -> list[Group]:
    """Make every group being formed and e-mail an invitation to each of its people (and
    its guide). All or nothing: when any group is not ready, nothing is made; a second
    press finds nothing left to make. Returns the groups made now."""
    with transaction.atomic():
        person_lock(Call, call.pk)
        call = Call.objects.select_related("organisation").get(pk=call.pk)
        drafts = list(DraftGroup.objects.filter(call=call, group__isnull=True).order_by("number"))
        people: dict[int, list[SignUp]] = {draft.pk: [] for draft in drafts}
        for signup in SignUp.objects.filter(
            draft_group__in=drafts, placed_at__isnull=True
        ).order_by("id"):
            assert signup.draft_group_id is not None
            people[signup.draft_group_id].append(signup)
        problems: list[str] = []
        names: set[str] = set()
        for draft in drafts:
            problems.extend(_draft_problems(draft, people[draft.pk], names))
            names.add(draft.name.casefold())
        if problems:
            raise ValidationError(problems, code="not_ready")
        made: list[Group] = []
        now = timezone.now()
        for draft in drafts:
            group = _group_make(actor=actor, call=call, draft=draft)
            draft.group = group
            draft.save(update_fields=["group"])
            for signup in people[draft.pk]:
                signup.invite = _invite(
                    actor=actor,
                    group=group,
                    email=signup.email,
                    role=Membership.Role.MEMBER,
                    language=signup.language,
                    call=call,
                    as_convener=signup.pk == draft.convener_id,
                )
                signup.placed_at = now
                signup.save(update_fields=["invite", "placed_at"])
            if draft.guide_email:
                _invite(
                    actor=actor,
                    group=group,
                    email=draft.guide_email,
                    role=Membership.Role.GUIDE,
                    language=draft.language,
                    call=call,
                    as_convener=False,
                )
            made.append(group)
        if made:
            audit_log(
                actor=actor,
                action="calls.groups_created",
                organisation_id=call.organisation_id,
                call_id=call.pk,
                group_ids=[group.pk for group in made],
                invited=sum(len(people[draft.pk]) for draft in drafts),
            )
    return made


def call_invite_accepted(*, invite: Invite, membership: Membership) -> None:
    """Someone joined through a call's invitation: the one the coordinator chose as
    convener becomes the group's convener."""
    signup = SignUp.objects.filter(invite=invite).select_related("draft_group").first()
    if signup is None or signup.draft_group is None:
        return
    if signup.draft_group.convener_id == signup.pk and not membership.is_convener:
        membership_make_convener(
            actor=signup.call.created_by or membership.user, membership=membership
        )


# --- retention --------------------------------------------------------------------------


def signups_expired_delete(*, now: datetime | None = None) -> int:
    """Delete the sign-ups never placed in a group whose call's retention period is over.
    Safe to run again at any time (after a crash, a second worker): each run deletes what
    is due and nothing else. Returns how many were deleted."""
    now = now or timezone.now()
    deleted = 0
    calls = Call.objects.filter(signups__placed_at__isnull=True).distinct().order_by("id")
    for call in calls:
        expire_at = call.unplaced_expire_at()
        if expire_at is None or expire_at > now:
            continue
        with transaction.atomic():
            count, _detail = SignUp.objects.filter(call=call, placed_at__isnull=True).delete()
            DraftGroup.objects.filter(call=call, group__isnull=True).delete()
        if count:
            audit_log(
                actor=None,
                action="calls.unplaced_signups_deleted",
                organisation_id=call.organisation_id,
                call_id=call.pk,
                count=count,
            )
        deleted += count
    return deleted
