"""The coordinator's pages of a call for participants: the list, one call, editing it,
opening and closing it, and forming groups from its sign-ups."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from booster.accounts.models import User
from booster.calls import selectors, services
from booster.calls.forms import (
    CITY_PREFIX,
    REMOTE,
    CallForm,
    CallStateForm,
    DraftAddForm,
    DraftGroupForm,
    MoveForm,
)
from booster.calls.models import DraftGroup, SignUp, slot_label
from booster.calls.permissions import CallAccess, call_access
from booster.groups.models import MeetingForm
from booster.organisations.permissions import organisation_access


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def add_errors(form: Any, error: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (else above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _access(request: HttpRequest, slug: str, call_id: int) -> CallAccess:
    return call_access(user=request.user, slug=slug, call_id=call_id)


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest, slug: str) -> HttpResponse:
    access = organisation_access(user=request.user, slug=slug)
    organisation = access.organisation
    form = CallForm(request.POST or None, initial={"remote": True})
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(
                actor=_user(request), organisation=organisation, details=form.details()
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("The call is ready as a draft. Open it when you want people to sign up.")
            )
            return redirect("calls:detail", slug=slug, call_id=call.pk)
    return render(
        request,
        "calls/index.html",
        {
            "organisation": organisation,
            "calls": list(selectors.calls_of(organisation=organisation)),
            "form": form,
        },
    )


@login_required
@require_GET
def detail(request: HttpRequest, slug: str, call_id: int) -> HttpResponse:
    access = _access(request, slug, call_id)
    call = access.call
    signups = selectors.signups_of(call=call)
    return render(
        request,
        "calls/detail.html",
        {
            "organisation": access.organisation_access.organisation,
            "call": call,
            "signups": signups,
            "placed": sum(1 for signup in signups if signup.placed_at is not None),
            "public_url": request.build_absolute_uri(call_public_path(call.token))
            if call.state != call.State.DRAFT
            else "",
        },
    )


def call_public_path(token: str) -> str:
    from django.urls import reverse

    return reverse("calls_public:signup", kwargs={"token": token})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str, call_id: int) -> HttpResponse:
    access = _access(request, slug, call_id)
    call = access.call
    form = CallForm(request.POST) if request.method == "POST" else CallForm.for_call(call)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(actor=_user(request), call=call, details=form.details())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The call's details are saved."))
            return redirect("calls:detail", slug=slug, call_id=call.pk)
    return render(
        request,
        "calls/edit.html",
        {"organisation": access.organisation_access.organisation, "call": call, "form": form},
    )


@login_required
@require_POST
def set_state(request: HttpRequest, slug: str, call_id: int) -> HttpResponse:
    access = _access(request, slug, call_id)
    form = CallStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to open or close the call."))
        return redirect("calls:detail", slug=slug, call_id=call_id)
    try:
        call = services.call_set_state(
            actor=_user(request), call=access.call, state=form.cleaned_data["state"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if call.state == call.State.OPEN:
            messages.success(request, _("The call is open: people can sign up now."))
        else:
            messages.success(request, _("The call is closed: nobody new can sign up."))
    return redirect("calls:detail", slug=slug, call_id=call_id)


# --- forming groups ---------------------------------------------------------------------


def _where(draft: DraftGroup) -> str:
    if draft.form == MeetingForm.REMOTE:
        return _("remote")
    return _("face to face in %(city)s") % {"city": draft.city}


def _forming_page(
    request: HttpRequest,
    access: CallAccess,
    *,
    bound: dict[int, DraftGroupForm] | None = None,
    add_form: DraftAddForm | None = None,
    send_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    call = access.call
    forming = selectors.forming_of(call=call)
    bound = bound or {}
    targets = [
        {
            "pk": item.draft.pk,
            "label": _("%(group)s (%(language)s, %(where)s)")
            % {
                "group": item.draft.name or _("Group %(number)d") % {"number": item.draft.number},
                "language": item.draft.get_language_display(),
                "where": _where(item.draft),
            },
        }
        for item in forming.drafts
    ]
    rows = []
    for item in forming.drafts:
        people = [(person.pk, person.name) for person in item.people]
        rows.append(
            {
                "item": item,
                "where": _where(item.draft),
                "shared": [slot_label(slot) for slot in sorted(item.shared_slots)],
                "form": bound.get(item.draft.pk) or DraftGroupForm(draft=item.draft, people=people),
            }
        )
    return render(
        request,
        "calls/form_groups.html",
        {
            "organisation": access.organisation_access.organisation,
            "call": call,
            "rows": rows,
            "made": [{"item": item, "where": _where(item.draft)} for item in forming.made],
            "unplaced": [
                {"person": person, "times": ", ".join(slot_label(slot) for slot in person.slots)}
                for person in forming.unplaced
            ],
            "targets": targets,
            "add_form": add_form or DraftAddForm(call=call),
            "send_errors": send_errors or [],
        },
        status=status,
    )


@login_required
@require_GET
def form_groups(request: HttpRequest, slug: str, call_id: int) -> HttpResponse:
    return _forming_page(request, _access(request, slug, call_id))


@login_required
@require_POST
def suggest(request: HttpRequest, slug: str, call_id: int) -> HttpResponse:
    access = _access(request, slug, call_id)
    drafts = services.groups_suggest(actor=_user(request), call=access.call)
    messages.success(
        request,
        ngettext(
            "%(count)d group is suggested. Adjust it as you see fit.",
            "%(count)d groups are suggested. Adjust them as you see fit.",
            len(drafts),
        )
        % {"count": len(drafts)},
    )
    return redirect("calls:form_groups", slug=slug, call_id=call_id)


@login_required
@require_POST
def draft_add(request: HttpRequest, slug: str, call_id: int) -> HttpResponse:
    access = _access(request, slug, call_id)
    form = DraftAddForm(request.POST, call=access.call)
    if form.is_valid():
        place: str = form.cleaned_data["place"]
        try:
            services.draft_group_add(
                actor=_user(request),
                call=access.call,
                language=form.cleaned_data["language"],
                form=MeetingForm.REMOTE if place == REMOTE else MeetingForm.FACE_TO_FACE,
                city="" if place == REMOTE else place.removeprefix(CITY_PREFIX),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("An empty group is added. Move people into it below."))
            return redirect("calls:form_groups", slug=slug, call_id=call_id)
    return _forming_page(request, access, add_form=form, status=400)


@login_required
@require_POST
def move(request: HttpRequest, slug: str, call_id: int) -> HttpResponse:
    access = _access(request, slug, call_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose where to move the person."))
        return redirect("calls:form_groups", slug=slug, call_id=call_id)
    signup = SignUp.objects.filter(call=access.call, pk=form.cleaned_data["signup"]).first()
    target = form.cleaned_data["to"]
    draft = None
    if target != "unplaced":
        draft = (
            DraftGroup.objects.filter(call=access.call, pk=int(target)).first()
            if target.isascii() and target.isdigit() and len(target) < 10
            else None
        )
    if signup is None or (target != "unplaced" and draft is None):
        messages.error(request, _("That person or group is not in this call."))
        return redirect("calls:form_groups", slug=slug, call_id=call_id)
    try:
        services.signup_move(actor=_user(request), signup=signup, draft=draft)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if draft is None:
            messages.success(request, _("%(name)s is now unplaced.") % {"name": signup.name})
        else:
            messages.success(
                request,
                _("%(name)s is moved to %(group)s.")
                % {
                    "name": signup.name,
                    "group": draft.name or _("group %(number)d") % {"number": draft.number},
                },
            )
    return redirect("calls:form_groups", slug=slug, call_id=call_id)


@login_required
@require_POST
def draft_update(request: HttpRequest, slug: str, call_id: int, draft_id: int) -> HttpResponse:
    access = _access(request, slug, call_id)
    draft = DraftGroup.objects.filter(call=access.call, pk=draft_id, group__isnull=True).first()
    if draft is None:
        messages.error(request, _("That group has been made already, or is gone."))
        return redirect("calls:form_groups", slug=slug, call_id=call_id)
    people = [(person.pk, person.name) for person in draft.signups.order_by("id")]
    form = DraftGroupForm(request.POST, draft=draft, people=people)
    if form.is_valid():
        try:
            services.draft_group_update(actor=_user(request), draft=draft, details=form.details())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The group's details are saved."))
            return redirect("calls:form_groups", slug=slug, call_id=call_id)
    return _forming_page(request, access, bound={draft.pk: form}, status=400)


@login_required
@require_POST
def send(request: HttpRequest, slug: str, call_id: int) -> HttpResponse:
    access = _access(request, slug, call_id)
    try:
        made = services.groups_create_and_invite(actor=_user(request), call=access.call)
    except ValidationError as error:
        return _forming_page(request, access, send_errors=error.messages, status=400)
    if made:
        messages.success(
            request,
            ngettext(
                "%(count)d group is made and its invitations are on their way.",
                "%(count)d groups are made and their invitations are on their way.",
                len(made),
            )
            % {"count": len(made)},
        )
    else:
        messages.info(request, _("There was no group left to make: nothing new was sent."))
    return redirect("calls:form_groups", slug=slug, call_id=call_id)
