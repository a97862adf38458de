"""The people of a group: the list, removal, naming a convener, leaving."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from booster.groups import selectors, services
from booster.groups.forms import RemoveForm
from booster.groups.permissions import require_open_group, require_steward
from booster.groups.views._helpers import access_for, add_errors, request_user


@login_required
@require_GET
def members(request: HttpRequest, group_id: int) -> HttpResponse:
    access = access_for(request, group_id)
    group = access.group
    people = selectors.group_members(group=group)
    return render(
        request,
        "groups/members.html",
        {
            "access": access,
            "group": group,
            "members": people,
            "member_count": sum(1 for person in people if not person.is_guide),
            "waiting_list": (
                selectors.group_waiting_list(group=group) if access.is_steward else []
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, group_id: int, membership_id: int) -> HttpResponse:
    access = access_for(request, group_id)
    require_steward(access)
    require_open_group(access)
    target = selectors.group_membership(access=access, membership_id=membership_id)
    if target is None or target.pk == access.membership.pk:
        raise Http404
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_remove(
                actor=request_user(request), membership=target, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is no longer in the group.") % {"name": target.display_name},
            )
            return redirect("groups:members", group_id=access.group.pk)
    return render(
        request,
        "groups/member_remove.html",
        {"access": access, "group": access.group, "target": target, "form": form},
    )


@login_required
@require_POST
def member_make_convener(request: HttpRequest, group_id: int, membership_id: int) -> HttpResponse:
    access = access_for(request, group_id)
    require_steward(access)
    require_open_group(access)
    target = selectors.group_membership(access=access, membership_id=membership_id)
    if target is None:
        raise Http404
    try:
        services.membership_make_convener(actor=request_user(request), membership=target)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is now a convener.") % {"name": target.display_name})
    return redirect("groups:members", group_id=access.group.pk)


@login_required
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest, group_id: int) -> HttpResponse:
    """Leaving is never blocked, in any state of the group."""
    access = access_for(request, group_id)
    if request.method == "POST":
        services.membership_leave(membership=access.membership)
        messages.success(
            request,
            _("You have left %(group)s. Thank you for the time you spent with the group.")
            % {"group": access.group.name},
        )
        return redirect("groups:mine")
    return render(request, "groups/leave.html", {"access": access, "group": access.group})
