"""My groups, creating a group, the group's home and its settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from booster.board import selectors as board_selectors
from booster.groups import selectors, services
from booster.groups.forms import GroupCreateForm, GroupDetailsForm, GroupStateForm, MySettingsForm
from booster.groups.permissions import require_open_group, require_steward
from booster.groups.views._helpers import access_for, add_errors, request_user
from booster.lifecycle import selectors as lifecycle_selectors
from booster.meetings import selectors as meetings_selectors
from booster.notebook import selectors as notebook_selectors
from booster.planning import selectors as planning_selectors
from booster.programme.selectors import pack_current


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "groups/mine.html",
        {
            "memberships": selectors.memberships_of_user(user=user),
            "waiting_entries": selectors.waiting_entries_of_user(user=user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = GroupCreateForm(
        request.POST or None,
        initial={
            "time_zone": user.time_zone,
            "language": user.language,
            "display_name": user.display_name,
            "country": "SE" if user.language == "sv" else "FI",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(
                user=user,
                details=form.details(),
                opening=form.opening_meeting(),
                display_name=form.cleaned_data["display_name"],
                principles_accepted=form.cleaned_data["accept_principles"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            opening = selectors.opening_meeting(group=group)
            if opening is not None and opening.starts_at is None:
                messages.success(
                    request,
                    _("Your group is ready. Now propose dates for the opening meeting."),
                )
                return redirect("meetings:poll_create", group_id=group.pk, meeting_id=opening.pk)
            messages.success(request, _("Your group is ready. Next, invite the others."))
            return redirect("groups:home", group_id=group.pk)
    return render(request, "groups/create.html", {"form": form, "pack": pack_current()})


@login_required
@require_GET
def home(request: HttpRequest, group_id: int) -> HttpResponse:
    access = access_for(request, group_id)
    sections = [
        ("lifecycle/_home_section.html", lifecycle_selectors.home_section(access=access)),
        ("meetings/_home_section.html", meetings_selectors.home_section(access=access)),
        ("planning/_home_section.html", planning_selectors.home_section(access=access)),
        ("board/_home_section.html", board_selectors.home_section(access=access)),
        ("notebook/_home_section.html", notebook_selectors.home_section(access=access)),
    ]
    return render(
        request,
        "groups/home.html",
        {
            "access": access,
            "group": access.group,
            "members": selectors.group_members(group=access.group),
            "sections": sections,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest, group_id: int) -> HttpResponse:
    access = access_for(request, group_id)
    require_steward(access)
    group = access.group
    is_closed = group.state == group.State.CLOSED
    form = GroupDetailsForm(request.POST or None, initial=GroupDetailsForm.initial_from(group))
    if request.method == "POST":
        require_open_group(access)
        if form.is_valid():
            try:
                services.group_update(
                    actor=request_user(request), group=group, details=form.details()
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The group's settings are saved."))
                return redirect("groups:settings", group_id=group.pk)
    next_states = services.STATE_TRANSITIONS.get(group.state, ())
    return render(
        request,
        "groups/settings.html",
        {
            "access": access,
            "group": group,
            "form": form,
            "is_closed": is_closed,
            "next_states": [(state, group.State(state).label) for state in next_states],
        },
    )


@login_required
@require_POST
def state(request: HttpRequest, group_id: int) -> HttpResponse:
    access = access_for(request, group_id)
    require_steward(access)
    require_open_group(access)
    form = GroupStateForm(request.POST)
    if form.is_valid():
        try:
            group = services.group_set_state(
                actor=request_user(request), group=access.group, state=form.cleaned_data["state"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The group is now: %(state)s.") % {"state": group.get_state_display()},
            )
    else:
        messages.error(request, _("Choose a state from the list."))
    return redirect("groups:settings", group_id=access.group.pk)


@login_required
@require_http_methods(["GET", "POST"])
def my_settings(request: HttpRequest, group_id: int) -> HttpResponse:
    access = access_for(request, group_id)
    membership = access.membership
    form = MySettingsForm(
        request.POST or None,
        initial={
            "display_name": membership.display_name,
            "reminders": membership.reminders,
            "board_digest": membership.board_digest,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update_settings(
                membership=membership,
                display_name=form.cleaned_data["display_name"],
                reminders=form.cleaned_data["reminders"],
                board_digest=form.cleaned_data["board_digest"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your settings for this group are saved."))
            return redirect("groups:my_settings", group_id=access.group.pk)
    return render(
        request, "groups/my_settings.html", {"access": access, "group": access.group, "form": form}
    )
