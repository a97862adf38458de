"""Joining a group from an invitation, and the waiting list of a full group."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from booster.accounts.models import User
from booster.groups import selectors, services
from booster.groups.forms import JoinForm, WaitingListForm
from booster.groups.models import Group, Invite, WaitingListEntry
from booster.groups.views._helpers import add_errors, request_user
from booster.programme.selectors import pack_for_version


def _problem_page(request: HttpRequest, invite: Invite, problem: str) -> HttpResponse:
    return render(
        request,
        "groups/join_problem.html",
        {"group": invite.group, "problem": problem},
        status=410,
    )


def _refused_page(request: HttpRequest, group: Group, reason: str) -> HttpResponse:
    return render(
        request, "groups/join_refused.html", {"group": group, "reason": reason}, status=403
    )


def _full_page(request: HttpRequest, invite: Invite, user: User) -> HttpResponse:
    form = WaitingListForm(initial={"display_name": user.display_name})
    return render(
        request, "groups/join_full.html", {"group": invite.group, "invite": invite, "form": form}
    )


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    invite = selectors.invite_by_token(token=token)
    if invite is None:
        raise Http404
    group = invite.group
    problem = invite.problem()
    if (
        problem == "used"
        and request.user.is_authenticated
        and (selectors.membership_of_user_in(user=request_user(request), group=group) is not None)
    ):
        # A member opening a used-up invitation again (a second click on "Join", the
        # e-mail's link once more) goes into the group, not to an error page.
        return redirect("groups:home", group_id=group.pk)
    if problem is not None:
        return _problem_page(request, invite, problem)
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect("groups:join", token=token)
        return render(request, "groups/join_anonymous.html", {"group": group, "invite": invite})
    user = request_user(request)
    if selectors.membership_of_user_in(user=user, group=group) is not None:
        return redirect("groups:home", group_id=group.pk)
    if not group.is_open_for_joining:
        return _refused_page(request, group, "closed" if group.state == "closed" else "late")
    form = JoinForm(request.POST or None, initial={"display_name": user.display_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_accept(
                invite=invite,
                user=user,
                display_name=form.cleaned_data["display_name"],
                principles_accepted=form.cleaned_data["accept_principles"],
            )
        except services.GroupFullError:
            return _full_page(request, invite, user)
        except services.InviteUnusableError as error:
            return _problem_page(request, invite, error.problem)
        except services.JoinRefusedError as error:
            return _refused_page(request, group, error.reason)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Welcome to %(group)s!") % {"group": group.name})
            return redirect("groups:home", group_id=group.pk)
    return render(
        request,
        "groups/join.html",
        {
            "group": group,
            "invite": invite,
            "form": form,
            "pack": pack_for_version(version_id=group.pack_version_id),
            "action": request.path,
        },
    )


@login_required
@require_POST
def waiting_join(request: HttpRequest, token: str) -> HttpResponse:
    invite = selectors.invite_by_token(token=token)
    if invite is None:
        raise Http404
    problem = invite.problem()
    if problem is not None:
        return _problem_page(request, invite, problem)
    user = request_user(request)
    group = invite.group
    if selectors.membership_of_user_in(user=user, group=group) is not None:
        return redirect("groups:home", group_id=group.pk)
    if services.member_seats_free(group=group) > 0:
        # A seat is free: no need to wait, join instead.
        return redirect("groups:join", token=token)
    form = WaitingListForm(request.POST)
    if form.is_valid():
        try:
            services.waiting_list_join(
                group=group, user=user, display_name=form.cleaned_data["display_name"]
            )
        except services.JoinRefusedError as error:
            return _refused_page(request, group, error.reason)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "You are on the waiting list of %(group)s. When a place frees up, "
                    "we will e-mail you."
                )
                % {"group": group.name},
            )
            return redirect("groups:mine")
    return render(
        request, "groups/join_full.html", {"group": group, "invite": invite, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def waiting(request: HttpRequest, entry_id: int) -> HttpResponse:
    """The person's place on a waiting list; when a place is offered, they take it here."""
    user = request_user(request)
    entry = selectors.waiting_entry_of_user(user=user, entry_id=entry_id)
    if entry is None:
        raise Http404
    group = entry.group
    if entry.state == WaitingListEntry.State.JOINED:
        return redirect("groups:home", group_id=group.pk)
    form = JoinForm(request.POST or None, initial={"display_name": entry.display_name})
    if request.method == "POST":
        if entry.state != WaitingListEntry.State.OFFERED:
            return redirect("groups:waiting", entry_id=entry.pk)
        if form.is_valid():
            try:
                services.waiting_list_accept(
                    entry=entry,
                    display_name=form.cleaned_data["display_name"],
                    principles_accepted=form.cleaned_data["accept_principles"],
                )
            except services.GroupFullError:
                messages.info(
                    request,
                    _(
                        "Someone was a moment quicker and the place is taken. You keep "
                        "your place at the front of the waiting list."
                    ),
                )
                return redirect("groups:mine")
            except services.JoinRefusedError as error:
                return _refused_page(request, group, error.reason)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Welcome to %(group)s!") % {"group": group.name})
                return redirect("groups:home", group_id=group.pk)
    return render(
        request,
        "groups/waiting.html",
        {
            "entry": entry,
            "group": group,
            "form": form,
            "pack": pack_for_version(version_id=group.pack_version_id),
            "is_offered": entry.state == WaitingListEntry.State.OFFERED,
            "is_open": entry.state
            in (WaitingListEntry.State.WAITING, WaitingListEntry.State.OFFERED),
        },
    )


@login_required
@require_POST
def waiting_withdraw(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.waiting_entry_of_user(user=request_user(request), entry_id=entry_id)
    if entry is None:
        raise Http404
    services.waiting_list_withdraw(entry=entry)
    messages.success(
        request,
        _("You are no longer on the waiting list of %(group)s.") % {"group": entry.group.name},
    )
    return redirect("groups:mine")
