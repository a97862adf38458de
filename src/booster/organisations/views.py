"""The organisation pages for its coordinators (and operators): my organisations, an
organisation's home, settings, coordinators and audit log, and accepting an invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from booster.accounts.models import User
from booster.organisations import selectors, services
from booster.organisations.audit import audit_lines
from booster.organisations.forms import CoordinatorInviteForm, OrganisationSettingsForm
from booster.organisations.nav import remember_coordination
from booster.organisations.permissions import OrganisationAccess, organisation_access

AUDIT_PAGE_SIZE = 50


def _access(request: HttpRequest, slug: str) -> OrganisationAccess:
    return organisation_access(user=request.user, slug=slug)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _optional_url(name: str, slug: str) -> str:
    """A page another part of Booster provides (the dashboard, calls), when it exists."""
    try:
        return reverse(name, kwargs={"slug": slug})
    except NoReverseMatch:
        return ""


def _context(access: OrganisationAccess, **extra: object) -> dict[str, object]:
    """What every organisation page shows: the organisation and its menu."""
    slug = access.organisation.slug
    return {
        "access": access,
        "organisation": access.organisation,
        "dashboard_url": _optional_url("dashboard:index", slug),
        "calls_url": _optional_url("calls:index", slug),
        **extra,
    }


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisations = list(selectors.organisations_of(user))
    remember_coordination(request, coordinates=bool(organisations))
    return render(request, "organisations/mine.html", {"organisations": organisations})


@login_required
@require_GET
def home(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "organisations/home.html", _context(_access(request, slug)))


@login_required
@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest, slug: str) -> HttpResponse:
    access = _access(request, slug)
    organisation = access.organisation
    initial = {name: getattr(organisation, name) for name in services.SETTINGS_FIELDS}
    form = OrganisationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_settings_update(
                actor=_user(request), organisation=organisation, values=form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("organisations:settings", slug=organisation.slug)
    return render(request, "organisations/settings.html", _context(access, form=form))


def _add_errors(
    form: OrganisationSettingsForm | CoordinatorInviteForm, error: ValidationError
) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _coordinators_page(
    request: HttpRequest,
    access: OrganisationAccess,
    *,
    form: CoordinatorInviteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    organisation = access.organisation
    return render(
        request,
        "organisations/coordinators.html",
        _context(
            access,
            coordinators=selectors.coordinators_of(organisation=organisation),
            invites=selectors.invites_active(organisation=organisation),
            form=form or CoordinatorInviteForm(),
        ),
        status=status,
    )


@login_required
@require_GET
def coordinators(request: HttpRequest, slug: str) -> HttpResponse:
    return _coordinators_page(request, _access(request, slug))


@login_required
@require_POST
def coordinator_invite(request: HttpRequest, slug: str) -> HttpResponse:
    access = _access(request, slug)
    form = CoordinatorInviteForm(request.POST)
    if form.is_valid():
        try:
            services.coordinator_invite_send(
                actor=_user(request),
                organisation=access.organisation,
                email=form.cleaned_data["email"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The invitation is on its way."))
            return redirect("organisations:coordinators", slug=access.organisation.slug)
    return _coordinators_page(request, access, form=form)


@login_required
@require_POST
def invite_revoke(request: HttpRequest, slug: str, invite_id: int) -> HttpResponse:
    access = _access(request, slug)
    invite = selectors.invite_of(organisation=access.organisation, invite_id=invite_id)
    if invite is None:
        raise Http404
    services.coordinator_invite_revoke(actor=_user(request), invite=invite)
    messages.success(request, _("The invitation no longer works."))
    return redirect("organisations:coordinators", slug=access.organisation.slug)


@login_required
@require_POST
def coordinator_remove(request: HttpRequest, slug: str, coordinator_id: int) -> HttpResponse:
    access = _access(request, slug)
    coordinator = selectors.coordinator_of(
        organisation=access.organisation, coordinator_id=coordinator_id
    )
    if coordinator is None:
        raise Http404
    removed_self = coordinator.user_id == request.user.pk
    try:
        services.coordinator_remove(actor=_user(request), coordinator=coordinator)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("organisations:coordinators", slug=access.organisation.slug)
    if removed_self and not access.is_operator:
        remember_coordination(request, coordinates=selectors.coordinates_any(request.user))
        messages.success(request, _("You no longer coordinate this organisation."))
        return redirect("organisations:mine")
    messages.success(request, _("The coordinator has been removed."))
    return redirect("organisations:coordinators", slug=access.organisation.slug)


@login_required
@require_GET
def audit(request: HttpRequest, slug: str) -> HttpResponse:
    access = _access(request, slug)
    organisation = access.organisation
    paginator = Paginator(selectors.audit_entries(organisation=organisation), AUDIT_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    entries = list(page.object_list)
    lines = audit_lines(
        entries,
        group_names=selectors.group_names(organisation=organisation),
        coordinator_names=selectors.coordinator_names(organisation=organisation),
        group_roles=selectors.group_roles(
            organisation=organisation,
            user_ids={entry.actor_id for entry in entries if entry.actor_id is not None},
        ),
    )
    return render(
        request,
        "organisations/audit.html",
        _context(access, page=page, lines=lines),
    )


PROBLEMS = {
    "revoked": 410,
    "used": 410,
    "expired": 410,
    "wrong_account": 403,
    "rate_limited": 429,
}


@login_required
@require_http_methods(["GET", "POST"])
def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    invite = selectors.invite_by_token(token=token)
    if invite is None:
        raise Http404
    user = _user(request)
    organisation = invite.organisation
    already = organisation.coordinators.filter(user=user).exists()
    if already:
        # A second click on the e-mail's link after accepting: go to the organisation.
        remember_coordination(request, coordinates=True)
        return redirect("organisations:home", slug=organisation.slug)
    problem = invite.problem()
    if problem is None and not services.invite_is_for(invite=invite, user=user):
        problem = "wrong_account"
    if request.method == "POST" and problem is None:
        try:
            services.coordinator_invite_accept(invite=invite, user=user)
        except services.InviteUnusableError as error:
            problem = error.problem
        else:
            remember_coordination(request, coordinates=True)
            messages.success(
                request,
                _("Welcome: you now coordinate %(organisation)s.")
                % {"organisation": organisation.name},
            )
            return redirect("organisations:home", slug=organisation.slug)
    return render(
        request,
        "organisations/invite_accept.html",
        {"invite": invite, "organisation": organisation, "problem": problem},
        status=PROBLEMS.get(problem or "", 200),
    )
