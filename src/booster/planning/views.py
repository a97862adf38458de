"""Pages of the group's goals, ground rules, practical agreements and theme plan.

Everyone in the group sees everything here. A form that fails is shown again with what
was typed and the reason beside it; when someone else saved a newer version meanwhile,
the newer version is shown next to what the person wrote.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from booster.groups.permissions import GroupAccess, group_access
from booster.planning import forms, permissions, selectors, services
from booster.planning.models import AGREEMENT_FIELDS
from booster.planning.services import VersionConflict


def _access(request: HttpRequest, group_id: int) -> GroupAccess:
    return group_access(user=request.user, group_id=group_id)


def _context(access: GroupAccess, **extra: Any) -> dict[str, Any]:
    return {
        "group": access.group,
        "access": access,
        "can_take_part": permissions.can_take_part(access),
        "can_record": permissions.can_record(access),
        **extra,
    }


# --- shared goals -----------------------------------------------------------------------


def _goals_page(
    request: HttpRequest,
    access: GroupAccess,
    *,
    propose_form: forms.GoalProposalForm | None = None,
    record_form: forms.GoalsRecordForm | None = None,
    conflict: Any = None,
) -> HttpResponse:
    page = selectors.goals_page(access=access)
    context = _context(access, **page, conflict=conflict)
    current = page["current"]
    if context["can_take_part"]:
        context["propose_form"] = propose_form or forms.GoalProposalForm()
    if context["can_record"]:
        context["record_form"] = record_form or forms.GoalsRecordForm(
            initial={
                "goals": "\n".join(current.goals) if current else "",
                "base_number": current.number if current else 0,
            }
        )
    return render(request, "planning/goals.html", context)


@login_required
@require_GET
def goals(request: HttpRequest, group_id: int) -> HttpResponse:
    return _goals_page(request, _access(request, group_id))


@login_required
@require_POST
def goal_propose(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _access(request, group_id)
    permissions.require_take_part(access)
    form = forms.GoalProposalForm(request.POST)
    if form.is_valid():
        try:
            services.goal_propose(access=access, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your proposal is on the list for the group to see."))
            return redirect("planning:goals", group_id=group_id)
    return _goals_page(request, access, propose_form=form)


@login_required
@require_POST
def goals_record(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _access(request, group_id)
    permissions.require_record(access)
    form = forms.GoalsRecordForm(request.POST)
    conflict = None
    if form.is_valid():
        try:
            services.goals_record(
                access=access,
                goals=services.goals_from_text(form.cleaned_data["goals"]),
                base_number=form.cleaned_data["base_number"],
            )
        except VersionConflict as error:
            conflict = error.current
            forms.set_base_number(form, conflict.number)
            form.add_error(None, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The group's goals are recorded."))
            return redirect("planning:goals", group_id=group_id)
    return _goals_page(request, access, record_form=form, conflict=conflict)


# --- ground rules -----------------------------------------------------------------------


def _rules_page(
    request: HttpRequest,
    access: GroupAccess,
    *,
    wish_form: forms.RuleWishForm | None = None,
    rules_form: forms.GroundRulesForm | None = None,
    conflict: Any = None,
) -> HttpResponse:
    page = selectors.rules_page(access=access)
    context = _context(access, **page, conflict=conflict)
    current = page["current"]
    if context["can_take_part"]:
        context["wish_form"] = wish_form or forms.RuleWishForm()
    if context["can_record"]:
        context["rules_form"] = rules_form or forms.GroundRulesForm(
            initial={
                "rules": current.rules if current else "",
                "conflict_procedure": current.conflict_procedure if current else "",
                "base_number": current.number if current else 0,
            }
        )
    return render(request, "planning/rules.html", context)


@login_required
@require_GET
def rules(request: HttpRequest, group_id: int) -> HttpResponse:
    return _rules_page(request, _access(request, group_id))


@login_required
@require_POST
def rule_wish_add(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _access(request, group_id)
    permissions.require_take_part(access)
    form = forms.RuleWishForm(request.POST)
    if form.is_valid():
        try:
            services.rule_wish_add(access=access, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your wish is recorded."))
            return redirect("planning:rules", group_id=group_id)
    return _rules_page(request, access, wish_form=form)


@login_required
@require_POST
def rule_wish_withdraw(request: HttpRequest, group_id: int, wish_id: int) -> HttpResponse:
    access = _access(request, group_id)
    services.rule_wish_withdraw(access=access, wish_id=wish_id)
    messages.success(request, _("Your wish is marked as withdrawn. It stays on the list."))
    return redirect("planning:rules", group_id=group_id)


@login_required
@require_POST
def rules_write(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _access(request, group_id)
    permissions.require_record(access)
    form = forms.GroundRulesForm(request.POST)
    conflict = None
    if form.is_valid():
        try:
            services.ground_rules_write(
                access=access,
                rules=form.cleaned_data["rules"],
                conflict_procedure=form.cleaned_data["conflict_procedure"],
                base_number=form.cleaned_data["base_number"],
            )
        except VersionConflict as error:
            conflict = error.current
            forms.set_base_number(form, conflict.number)
            form.add_error(None, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The ground rules are saved. Everyone is asked to acknowledge them.")
            )
            return redirect("planning:rules", group_id=group_id)
    return _rules_page(request, access, rules_form=form, conflict=conflict)


@login_required
@require_POST
def rules_acknowledge(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _access(request, group_id)
    try:
        number = int(request.POST.get("number", ""))
    except ValueError:
        number = 0
    try:
        services.rules_acknowledge(access=access, number=number)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you: you have acknowledged the ground rules."))
    return redirect("planning:rules", group_id=group_id)


# --- practical agreements ---------------------------------------------------------------


@login_required
@require_GET
def agreements(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _access(request, group_id)
    current = selectors.agreements_current(group_id=access.group.pk)
    pack = selectors.group_pack(access=access)
    context = _context(
        access,
        current=current,
        topics=selectors.agreement_topics(current),
        length_warning=services.meeting_length_warning(
            pack=pack, minutes=current.meeting_minutes if current else None
        ),
    )
    return render(request, "planning/agreements.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agreements_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _access(request, group_id)
    permissions.require_take_part(access)
    pack = selectors.group_pack(access=access)
    current = selectors.agreements_current(group_id=access.group.pk)
    comparison: list[selectors.ConflictRow] = []
    if request.method == "POST":
        form = forms.AgreementsForm(request.POST, pack=pack)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in AGREEMENT_FIELDS}
            try:
                version = services.agreements_change(
                    access=access, values=values, base_number=form.cleaned_data["base_number"]
                )
            except VersionConflict as error:
                current = error.current
                comparison = selectors.agreements_comparison(newer=current, typed=values)
                forms.set_base_number(form, current.number)
                form.add_error(None, error)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The agreements are saved as a new version."))
                warning = services.meeting_length_warning(
                    pack=pack, minutes=version.meeting_minutes
                )
                if warning:
                    messages.warning(request, warning)
                return redirect("planning:agreements", group_id=group_id)
    else:
        form = forms.AgreementsForm(
            instance=current, initial={"base_number": current.number if current else 0}, pack=pack
        )
    context = _context(access, form=form, current=current, comparison=comparison)
    return render(request, "planning/agreements_edit.html", context)


@login_required
@require_GET
def agreements_history(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _access(request, group_id)
    context = _context(access, versions=selectors.agreements_history(access=access))
    return render(request, "planning/agreements_history.html", context)


@login_required
@require_GET
def agreements_version(request: HttpRequest, group_id: int, number: int) -> HttpResponse:
    access = _access(request, group_id)
    pair = selectors.agreements_version_pair(access=access, number=number)
    if pair is None:
        raise Http404
    version, previous = pair
    context = _context(
        access,
        version=version,
        previous=previous,
        topics=selectors.agreement_topics(version, previous=previous),
    )
    return render(request, "planning/agreements_version.html", context)


# --- the theme plan ---------------------------------------------------------------------


def _themes_page(
    request: HttpRequest,
    access: GroupAccess,
    *,
    plan_form: forms.ThemePlanForm | None = None,
    conflict: Any = None,
) -> HttpResponse:
    page = selectors.themes_page(access=access)
    context = _context(access, **page, conflict=conflict)
    pack = page["pack"]
    if context["can_record"]:
        if plan_form is None:
            current = page["current"]
            counts = dict(forms.meeting_count_choices(pack))
            try:
                count = int(request.GET.get("meetings", ""))
            except ValueError:
                count = 0
            if count not in counts:
                count = len(current.theme_keys) if current else pack.rules.min_meetings
            plan_form = forms.ThemePlanForm(
                initial=forms.theme_plan_initial(
                    pack=pack,
                    count=count,
                    current=current.theme_keys if current else None,
                    base_number=current.number if current else 0,
                ),
                pack=pack,
                count=count,
                held=page["held"],
            )
        context["plan_form"] = plan_form
        context["count_form"] = forms.MeetingCountForm(
            initial={"meetings": plan_form.count}, pack=pack
        )
        context["first_theme"] = pack.first_theme
        context["last_theme"] = pack.last_theme
    return render(request, "planning/themes.html", context)


@login_required
@require_GET
def themes(request: HttpRequest, group_id: int) -> HttpResponse:
    return _themes_page(request, _access(request, group_id))


@login_required
@require_POST
def theme_preference_toggle(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _access(request, group_id)
    try:
        marked = services.theme_preference_toggle(
            access=access, theme_key=request.POST.get("theme", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Your mark is saved.") if marked else _("Your mark is taken away.")
        )
    return redirect("planning:themes", group_id=group_id)


@login_required
@require_POST
def theme_plan_record(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _access(request, group_id)
    permissions.require_record(access)
    pack = selectors.group_pack(access=access)
    try:
        count = int(request.POST.get("meetings", ""))
    except ValueError:
        count = 0
    if count not in dict(forms.meeting_count_choices(pack)):
        messages.error(request, _("Please choose the number of meetings."))
        return redirect("planning:themes", group_id=group_id)
    form = forms.ThemePlanForm(
        request.POST,
        pack=pack,
        count=count,
        held=selectors.held_meetings(group_id=access.group.pk),
    )
    conflict = None
    if form.is_valid():
        try:
            services.theme_plan_record(
                access=access,
                theme_keys=form.theme_keys(),
                base_number=form.cleaned_data["base_number"],
            )
        except VersionConflict as error:
            conflict = error.current
            forms.set_base_number(form, conflict.number)
            form.add_error(None, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The theme plan is recorded."))
            return redirect("planning:themes", group_id=group_id)
    return _themes_page(request, access, plan_form=form, conflict=conflict)
