"""What members chose to share with their group: the shared page, withdrawing a snapshot,
and ideas left on network maps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from booster.groups.models import Group
from booster.groups.permissions import group_access
from booster.notebook import selectors, services
from booster.notebook.forms import IdeaForm
from booster.notebook.permissions import idea_for_author, snapshot_for_owner, snapshot_visible


@never_cache
@login_required
@require_http_methods(["GET"])
def shared(request: HttpRequest, group_id: int) -> HttpResponse:
    access = group_access(user=request.user, group_id=group_id)
    return render(
        request,
        "notebook/shared.html",
        {
            "group": access.group,
            "access": access,
            "idea_form": IdeaForm(),
            "is_open": access.group.state != Group.State.CLOSED,
            "has_consent": selectors.consent_current(access=access) is not None,
            **selectors.shared_page(access=access),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def snapshot_withdraw(request: HttpRequest, group_id: int, snapshot_id: int) -> HttpResponse:
    access = group_access(user=request.user, group_id=group_id)
    snapshot = snapshot_for_owner(access, snapshot_id)
    if request.method == "POST":
        services.snapshot_withdraw(access=access, snapshot=snapshot)
        messages.success(request, _("Withdrawn. The group no longer sees it."))
        return redirect("notebook:shared", group_id=group_id)
    slot = selectors.slot_for_entry(pack=selectors.group_pack(access=access), entry=snapshot)
    return render(
        request,
        "notebook/snapshot_withdraw.html",
        {
            "group": access.group,
            "snapshot": snapshot,
            "slot": slot,
            "idea_count": snapshot.ideas.count(),
        },
    )


@never_cache
@login_required
@require_POST
def idea_add(request: HttpRequest, group_id: int, snapshot_id: int) -> HttpResponse:
    access = group_access(user=request.user, group_id=group_id)
    snapshot = snapshot_visible(access, snapshot_id)
    form = IdeaForm(request.POST)
    anchor = f"#map-{snapshot.pk}"
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors.get("text", [])))
        return redirect(f"{_shared_url(group_id)}{anchor}")
    try:
        services.idea_add(access=access, snapshot=snapshot, text=form.cleaned_data["text"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Your idea is beside the map of %(name)s.")
            % {"name": snapshot.membership.display_name},
        )
    return redirect(f"{_shared_url(group_id)}{anchor}")


@never_cache
@login_required
@require_POST
def idea_delete(request: HttpRequest, group_id: int, idea_id: int) -> HttpResponse:
    access = group_access(user=request.user, group_id=group_id)
    idea = idea_for_author(access, idea_id)
    snapshot_id = idea.snapshot_id
    services.idea_delete(access=access, idea=idea)
    messages.success(request, _("Your idea is deleted."))
    return redirect(f"{_shared_url(group_id)}#map-{snapshot_id}")


def _shared_url(group_id: int) -> str:
    return reverse("notebook:shared", args=[group_id])
