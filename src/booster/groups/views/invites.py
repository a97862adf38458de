"""Invitations, for conveners and guides: shareable links and e-mails."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from booster.groups import selectors, services
from booster.groups.forms import InviteEmailForm, InviteLinkForm
from booster.groups.permissions import GroupAccess, require_open_group, require_steward
from booster.groups.views._helpers import access_for, add_errors, request_user


def _page(
    request: HttpRequest,
    access: GroupAccess,
    *,
    link_form: InviteLinkForm | None = None,
    email_form: InviteEmailForm | None = None,
) -> HttpResponse:
    group = access.group
    return render(
        request,
        "groups/invites.html",
        {
            "access": access,
            "group": group,
            "invites": selectors.invites_active(group=group),
            "link_form": link_form or InviteLinkForm(prefix="link"),
            "email_form": email_form or InviteEmailForm(prefix="email"),
            "is_closed": group.state == group.State.CLOSED,
        },
    )


@login_required
@require_GET
def invites(request: HttpRequest, group_id: int) -> HttpResponse:
    access = access_for(request, group_id)
    require_steward(access)
    return _page(request, access)


@login_required
@require_POST
def invite_link_create(request: HttpRequest, group_id: int) -> HttpResponse:
    access = access_for(request, group_id)
    require_steward(access)
    require_open_group(access)
    form = InviteLinkForm(request.POST, prefix="link")
    if form.is_valid():
        try:
            services.invite_link_create(
                actor=request_user(request),
                group=access.group,
                days=form.cleaned_data["days"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("A new invitation link is ready. Share it with care."))
            return redirect("groups:invites", group_id=access.group.pk)
    return _page(request, access, link_form=form)


@login_required
@require_POST
def invite_email_send(request: HttpRequest, group_id: int) -> HttpResponse:
    access = access_for(request, group_id)
    require_steward(access)
    require_open_group(access)
    form = InviteEmailForm(request.POST, prefix="email")
    if form.is_valid():
        try:
            sent = services.invite_emails_send(
                actor=request_user(request),
                group=access.group,
                addresses=form.cleaned_data["addresses"],
                days=form.cleaned_data["days"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d invitation is on its way.",
                    "%(count)d invitations are on their way.",
                    len(sent),
                )
                % {"count": len(sent)},
            )
            return redirect("groups:invites", group_id=access.group.pk)
    return _page(request, access, email_form=form)


@login_required
@require_POST
def invite_revoke(request: HttpRequest, group_id: int, invite_id: int) -> HttpResponse:
    access = access_for(request, group_id)
    require_steward(access)
    invite = selectors.invite_of_group(group=access.group, invite_id=invite_id)
    if invite is None:
        raise Http404
    services.invite_revoke(actor=request_user(request), invite=invite)
    messages.success(request, _("The invitation no longer works."))
    return redirect("groups:invites", group_id=access.group.pk)
