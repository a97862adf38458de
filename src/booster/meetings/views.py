"""Meeting pages: the list and path, one meeting, its date, polls, facilitators, absences
and calendar files."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from booster.accounts.models import User
from booster.core.email import site_url
from booster.groups.permissions import (
    GroupAccess,
    group_access,
    require_open_group,
    require_steward,
)
from booster.meetings import selectors, services
from booster.meetings.calendar import calendar_bytes
from booster.meetings.forms import (
    AbsenceForm,
    PollAnswerForm,
    PollChooseForm,
    PollCreateForm,
    RolesForm,
    ScheduleForm,
)
from booster.meetings.models import DatePoll, FacilitatorSwap, Meeting
from booster.meetings.permissions import can_facilitate, is_facilitator


def _access(request: HttpRequest, group_id: int) -> GroupAccess:
    return group_access(user=request.user, group_id=group_id)


def _meeting(access: GroupAccess, meeting_id: int) -> Meeting:
    try:
        return selectors.meeting_for_access(access=access, meeting_id=meeting_id)
    except Meeting.DoesNotExist:
        raise Http404 from None


def _poll(access: GroupAccess, poll_id: int) -> DatePoll:
    try:
        return selectors.poll_for_access(access=access, poll_id=poll_id)
    except DatePoll.DoesNotExist:
        raise Http404 from None


def _require_facilitation(access: GroupAccess, meeting: Meeting) -> None:
    if not can_facilitate(access, meeting):
        raise PermissionDenied
    require_open_group(access)


def _add_errors(
    form: forms.Form, error: ValidationError, rename: dict[str, str] | None = None
) -> None:
    """Put a service's errors next to the form's fields (or above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        target = (rename or {}).get(name, name)
        form.add_error(target if target in form.fields else None, errors)


def _detail_url(meeting: Meeting) -> str:
    return reverse(
        "meetings:detail", kwargs={"group_id": meeting.group_id, "meeting_id": meeting.pk}
    )


# --- the list and one meeting -------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _access(request, group_id)
    pack = selectors.group_pack(group=access.group)
    meetings = list(selectors.meetings_of_group(group=access.group))
    items = [selectors.meeting_item(meeting=meeting, pack=pack) for meeting in meetings]
    upcoming = selectors.next_meeting_of(meetings)
    polls = selectors.open_polls_of_group(group=access.group)
    return render(
        request,
        "meetings/list.html",
        {
            "access": access,
            "group": access.group,
            "items": items,
            "rows": [(item, polls.get(item.meeting.pk)) for item in items],
            "next": next((item for item in items if item.meeting is upcoming), None),
        },
    )


@login_required
@require_POST
def opening_create(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _access(request, group_id)
    require_steward(access)
    require_open_group(access)
    meeting = services.meeting_opening_create(group=access.group, actor=access.user)
    return redirect(_detail_url(meeting))


def _render_detail(
    request: HttpRequest,
    access: GroupAccess,
    meeting: Meeting,
    *,
    absence_form: AbsenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    pack = selectors.group_pack(group=access.group)
    absence = selectors.absence_of(access=access, meeting=meeting)
    sees_attendance = can_facilitate(access, meeting)
    polls = list(meeting.date_polls.order_by("-created_at", "-id"))
    return render(
        request,
        "meetings/detail.html",
        {
            "access": access,
            "group": access.group,
            "meeting": meeting,
            "item": selectors.meeting_item(meeting=meeting, pack=pack),
            "absence": absence,
            "absence_form": absence_form
            or AbsenceForm(initial={"note": absence.note if absence else ""}),
            "attendance": selectors.meeting_attendance(meeting=meeting)
            if sees_attendance
            else None,
            "can_facilitate": sees_attendance,
            "is_facilitator": is_facilitator(access, meeting),
            "swap": selectors.open_swap_of(meeting=meeting),
            "polls": polls,
            "has_open_poll": any(poll.closed_at is None for poll in polls),
            "is_planned": meeting.state == Meeting.State.PLANNED,
            "length_warning": services.meeting_length_warning(
                group=access.group, duration_minutes=meeting.duration_minutes
            )
            if meeting.starts_at
            else None,
        },
        status=status,
    )


@login_required
@require_GET
def meeting_detail(request: HttpRequest, group_id: int, meeting_id: int) -> HttpResponse:
    access = _access(request, group_id)
    return _render_detail(request, access, _meeting(access, meeting_id))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, group_id: int, meeting_id: int) -> HttpResponse:
    access = _access(request, group_id)
    meeting = _meeting(access, meeting_id)
    _require_facilitation(access, meeting)
    if meeting.state != Meeting.State.PLANNED:
        messages.error(request, _("This meeting has been held or cancelled and cannot change."))
        return redirect(_detail_url(meeting))
    form = ScheduleForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.meeting_schedule(
                access=access,
                meeting=meeting,
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                form=data["form"],
                place=data["place"],
                video_link=data["video_link"],
            )
        except ValidationError as error:
            _add_errors(form, error, rename={"starts_at": "date"})
        else:
            if not result.changed:
                messages.info(request, _("Nothing changed."))
            elif result.first_time:
                messages.success(request, _("The meeting is fixed. Everyone was told by e-mail."))
            else:
                messages.success(request, _("The meeting is moved. Everyone was told by e-mail."))
            if result.length_warning:
                messages.warning(request, result.length_warning)
            return redirect(_detail_url(meeting))
    pack = selectors.group_pack(group=access.group)
    return render(
        request,
        "meetings/edit.html",
        {
            "group": access.group,
            "meeting": meeting,
            "item": selectors.meeting_item(meeting=meeting, pack=pack),
            "form": form,
            "rules": pack.rules.meeting_minutes,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, group_id: int, meeting_id: int) -> HttpResponse:
    access = _access(request, group_id)
    meeting = _meeting(access, meeting_id)
    _require_facilitation(access, meeting)
    if meeting.state != Meeting.State.PLANNED:
        messages.error(request, _("This meeting has been held or cancelled and cannot change."))
        return redirect(_detail_url(meeting))
    if request.method == "POST":
        services.meeting_cancel(access=access, meeting=meeting)
        messages.success(request, _("The meeting is cancelled."))
        return redirect(_detail_url(meeting))
    pack = selectors.group_pack(group=access.group)
    return render(
        request,
        "meetings/cancel.html",
        {
            "group": access.group,
            "meeting": meeting,
            "item": selectors.meeting_item(meeting=meeting, pack=pack),
        },
    )


# --- facilitators -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_roles(request: HttpRequest, group_id: int, meeting_id: int) -> HttpResponse:
    access = _access(request, group_id)
    require_steward(access)
    require_open_group(access)
    meeting = _meeting(access, meeting_id)
    form = RolesForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        facilitator = form.cleaned_data["facilitator"]
        timekeeper = form.cleaned_data["timekeeper"]
        try:
            services.meeting_roles_set(
                access=access,
                meeting=meeting,
                facilitator_id=facilitator.pk if facilitator else None,
                timekeeper_id=timekeeper.pk if timekeeper else None,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved who facilitates."))
            return redirect(_detail_url(meeting))
    pack = selectors.group_pack(group=access.group)
    return render(
        request,
        "meetings/roles.html",
        {
            "group": access.group,
            "meeting": meeting,
            "item": selectors.meeting_item(meeting=meeting, pack=pack),
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rota(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _access(request, group_id)
    if request.method == "POST":
        require_steward(access)
        require_open_group(access)
        try:
            assigned = services.meetings_rota_assign(access=access)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if assigned:
                messages.success(
                    request,
                    ngettext(
                        "A facilitator named for %(count)s meeting.",
                        "Facilitators named for %(count)s meetings.",
                        len(assigned),
                    )
                    % {"count": len(assigned)},
                )
            else:
                messages.info(request, _("Every meeting already has a facilitator."))
        return redirect("meetings:rota", group_id=group_id)
    pack = selectors.group_pack(group=access.group)
    meetings = selectors.meetings_of_group(group=access.group, include_cancelled=False)
    swaps = selectors.open_swaps_of_group(group=access.group)
    facilitation, agreed = selectors.facilitation_agreed(group=access.group)
    return render(
        request,
        "meetings/rota.html",
        {
            "facilitation": facilitation,
            "agreed": agreed,
            "access": access,
            "group": access.group,
            "rows": [
                (selectors.meeting_item(meeting=meeting, pack=pack), swaps.get(meeting.pk))
                for meeting in meetings
            ],
        },
    )


@login_required
@require_POST
def swap_request(request: HttpRequest, group_id: int, meeting_id: int) -> HttpResponse:
    access = _access(request, group_id)
    require_open_group(access)
    meeting = _meeting(access, meeting_id)
    try:
        services.swap_request(access=access, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Your request is open: someone else in the group can take your turn.")
        )
    return redirect(_detail_url(meeting))


def _swap_meeting(access: GroupAccess, swap_id: int) -> Meeting:
    swap = FacilitatorSwap.objects.filter(pk=swap_id, meeting__group=access.group).first()
    if swap is None:
        raise Http404
    return _meeting(access, swap.meeting_id)


@login_required
@require_POST
def swap_take(request: HttpRequest, group_id: int, swap_id: int) -> HttpResponse:
    access = _access(request, group_id)
    require_open_group(access)
    meeting = _swap_meeting(access, swap_id)
    try:
        services.swap_take(access=access, swap_id=swap_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you: you facilitate this meeting now."))
    return redirect(_detail_url(meeting))


@login_required
@require_POST
def swap_withdraw(request: HttpRequest, group_id: int, swap_id: int) -> HttpResponse:
    access = _access(request, group_id)
    require_open_group(access)
    meeting = _swap_meeting(access, swap_id)
    try:
        services.swap_withdraw(access=access, swap_id=swap_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your request is withdrawn; you facilitate as planned."))
    return redirect(_detail_url(meeting))


# --- absences -----------------------------------------------------------------------------


@login_required
@require_POST
def absence_report(request: HttpRequest, group_id: int, meeting_id: int) -> HttpResponse:
    access = _access(request, group_id)
    require_open_group(access)
    meeting = _meeting(access, meeting_id)
    form = AbsenceForm(request.POST)
    if form.is_valid():
        try:
            services.absence_report(access=access, meeting=meeting, note=form.cleaned_data["note"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Thank you for telling the group. You will be missed."))
            return redirect(_detail_url(meeting))
    return _render_detail(request, access, meeting, absence_form=form, status=400)


@login_required
@require_POST
def absence_withdraw(request: HttpRequest, group_id: int, meeting_id: int) -> HttpResponse:
    access = _access(request, group_id)
    require_open_group(access)
    meeting = _meeting(access, meeting_id)
    try:
        services.absence_withdraw(access=access, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Good to hear you can come after all."))
    return redirect(_detail_url(meeting))


# --- date polls ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def poll_create(request: HttpRequest, group_id: int, meeting_id: int) -> HttpResponse:
    access = _access(request, group_id)
    meeting = _meeting(access, meeting_id)
    _require_facilitation(access, meeting)
    form = PollCreateForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            poll = services.poll_create(
                access=access,
                meeting=meeting,
                slots=form.cleaned_data["slots"],
                duration_minutes=form.cleaned_data["duration_minutes"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The date poll is open. Everyone can answer now."))
            return redirect("meetings:poll", group_id=group_id, poll_id=poll.pk)
    pack = selectors.group_pack(group=access.group)
    return render(
        request,
        "meetings/poll_create.html",
        {
            "group": access.group,
            "meeting": meeting,
            "item": selectors.meeting_item(meeting=meeting, pack=pack),
            "form": form,
        },
    )


def _render_poll(
    request: HttpRequest,
    access: GroupAccess,
    poll: DatePoll,
    *,
    answer_form: PollAnswerForm | None = None,
    choose_form: PollChooseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    table = selectors.poll_table(poll=poll)
    slots = sorted((row.slot for row in table.rows), key=lambda slot: slot.starts_at)
    mine = selectors.my_answers(access=access, poll=poll)
    meeting = poll.meeting
    may_choose = meeting is not None and can_facilitate(access, meeting)
    pack = selectors.group_pack(group=access.group)
    return render(
        request,
        "meetings/poll.html",
        {
            "access": access,
            "group": access.group,
            "poll": poll,
            "meeting": meeting,
            "item": selectors.meeting_item(meeting=meeting, pack=pack) if meeting else None,
            "table": table,
            "answer_form": answer_form
            or PollAnswerForm(
                slots=slots, initial={f"slot_{slot_id}": a for slot_id, a in mine.items()}
            ),
            "has_answered": bool(mine),
            "may_choose": may_choose and poll.closed_at is None,
            "choose_form": choose_form or PollChooseForm(rows=table.rows),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def poll(request: HttpRequest, group_id: int, poll_id: int) -> HttpResponse:
    access = _access(request, group_id)
    date_poll = _poll(access, poll_id)
    if request.method == "GET":
        return _render_poll(request, access, date_poll)
    require_open_group(access)
    slots = list(date_poll.slots.all())
    form = PollAnswerForm(request.POST, slots=slots)
    if form.is_valid():
        try:
            services.poll_answer(access=access, poll=date_poll, answers=form.answers())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your answers are saved."))
            return redirect("meetings:poll", group_id=group_id, poll_id=poll_id)
    return _render_poll(request, access, date_poll, answer_form=form, status=400)


@login_required
@require_POST
def poll_choose(request: HttpRequest, group_id: int, poll_id: int) -> HttpResponse:
    access = _access(request, group_id)
    date_poll = _poll(access, poll_id)
    if date_poll.meeting is None:
        raise Http404
    _require_facilitation(access, date_poll.meeting)
    rows = selectors.poll_table(poll=date_poll).rows
    form = PollChooseForm(request.POST, rows=rows)
    if form.is_valid():
        try:
            result = services.poll_choose(
                access=access, poll=date_poll, slot_id=form.cleaned_data["slot"]
            )
        except ValidationError as error:
            _add_errors(form, error, rename={"starts_at": "slot"})
        else:
            messages.success(
                request, _("The meeting is fixed at the chosen time. Everyone was told by e-mail.")
            )
            if result.length_warning:
                messages.warning(request, result.length_warning)
            return redirect(_detail_url(result.meeting))
    return _render_poll(request, access, date_poll, choose_form=form, status=400)


# --- calendars ----------------------------------------------------------------------------


def _ics_response(content: bytes, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def meeting_ics(request: HttpRequest, group_id: int, meeting_id: int) -> HttpResponse:
    access = _access(request, group_id)
    meeting = _meeting(access, meeting_id)
    if meeting.starts_at is None:
        raise Http404
    content = calendar_bytes(meetings=[meeting], language=translation.get_language())
    return _ics_response(content, filename=f"booster-meeting-{meeting.number}.ics")


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _access(request, group_id)
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST":
        had_one = selectors.calendar_feed_of(user=user) is not None
        services.calendar_feed_create(user=user)
        if had_one:
            messages.success(
                request, _("Your calendar has a new address. The old one no longer works.")
            )
        else:
            messages.success(request, _("Your calendar address is ready."))
        return redirect("meetings:calendar_settings", group_id=group_id)
    feed = selectors.calendar_feed_of(user=user)
    feed_url = site_url(reverse("calendar:feed", kwargs={"token": feed.token})) if feed else None
    return render(
        request,
        "meetings/calendar_settings.html",
        {
            "group": access.group,
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1] if feed_url else None,
        },
    )


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's secret feed: no login, the token is the key; unknown or revoked → 404."""
    feed = selectors.feed_by_token(token=token)
    if feed is None or not feed.user.is_active:
        raise Http404
    meetings = selectors.meetings_of_user(user=feed.user)
    content = calendar_bytes(meetings=meetings, language=feed.user.language, name="Booster")
    return _ics_response(content)
