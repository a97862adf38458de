"""Concerns: a member's private word to the group's conveners and guides."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from booster.groups import selectors, services
from booster.groups.forms import ConcernForm
from booster.groups.permissions import require_steward
from booster.groups.views._helpers import access_for, add_errors


@login_required
@require_GET
def concerns(request: HttpRequest, group_id: int) -> HttpResponse:
    """Stewards see every concern; anyone else sees the ones they raised."""
    access = access_for(request, group_id)
    return render(
        request,
        "groups/concerns.html",
        {
            "access": access,
            "group": access.group,
            "concerns": list(selectors.concerns_visible(access=access)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def concern_new(request: HttpRequest, group_id: int) -> HttpResponse:
    access = access_for(request, group_id)
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_create(membership=access.membership, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you. The group's conveners and guides have been told, and only they "
                    "can read what you wrote."
                ),
            )
            return redirect("groups:concerns", group_id=access.group.pk)
    return render(
        request, "groups/concern_new.html", {"access": access, "group": access.group, "form": form}
    )


@login_required
@require_POST
def concern_acknowledge(request: HttpRequest, group_id: int, concern_id: int) -> HttpResponse:
    access = access_for(request, group_id)
    require_steward(access)
    concern = selectors.concern_for_steward(access=access, concern_id=concern_id)
    if concern is None:
        raise Http404
    services.concern_acknowledge(steward=access.membership, concern=concern)
    messages.success(request, _("Marked as acknowledged."))
    return redirect("groups:concerns", group_id=access.group.pk)
