"""The closing meeting's pages: the look back with the gratitude wall, sharing one's
evaluation answers, the anonymous programme feedback and its lines for the stewards.

Every page is for the group's active members and guides (404 for everyone else, coordinators
included); the feedback is answered by members only, and its lines are read by conveners and
guides only.
"""

from __future__ import annotations

import random

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from booster.closing import selectors, services
from booster.closing.forms import COMMENT_MAX_LENGTH, FeedbackForm, ShareForm
from booster.feedback import services as feedback_services
from booster.feedback.models import FeedbackResponse
from booster.groups.models import Group
from booster.groups.permissions import GroupAccess, group_access, require_steward
from booster.notebook import selectors as notebook_selectors
from booster.notebook.models import NotebookEntry


def _is_open(access: GroupAccess) -> bool:
    return access.group.state != Group.State.CLOSED


@never_cache
@login_required
@require_http_methods(["GET"])
def look_back(request: HttpRequest, group_id: int) -> HttpResponse:
    access = group_access(user=request.user, group_id=group_id)
    data = selectors.look_back(group=access.group, viewer=access.membership)
    started = selectors.closing_started(group=access.group)
    return render(
        request,
        "closing/look_back.html",
        {
            "group": access.group,
            "access": access,
            "is_open": _is_open(access),
            "started": started,
            "feedback_offered": started
            and access.is_member
            and not feedback_services.feedback_given(membership=access.membership),
            **data,
        },
    )


def _my_evaluation(access: GroupAccess) -> tuple[NotebookEntry | None, str]:
    """The member's evaluation page (None if not written) and the URL to write it."""
    pack = notebook_selectors.group_pack(access=access)
    found = selectors.evaluation_task(pack)
    if found is None:
        return None, ""
    theme, task = found
    entry = notebook_selectors.entry_for_task(access=access, theme_key=theme.key, task_key=task.key)
    return entry, notebook_selectors.task_url(access.group.pk, theme.key, task.key)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, group_id: int) -> HttpResponse:
    """Choose, answer by answer, what of my evaluation the group sees, and how."""
    access = group_access(user=request.user, group_id=group_id)
    has_consent = notebook_selectors.consent_current(access=access) is not None
    entry: NotebookEntry | None = None
    write_url = ""
    if has_consent:
        entry, write_url = _my_evaluation(access)
    questions = selectors.evaluation_questions(notebook_selectors.group_pack(access=access))
    rows: list[tuple[int, str, str]] = []
    current: dict[str, str] = {}
    if entry is not None:
        answers = services.answers_of(entry)
        rows = [
            (index, question, answers[index] if index < len(answers) else "")
            for index, question in enumerate(questions)
        ]
        rows = [row for row in rows if row[2]]
        current = selectors.my_share_choices(membership=access.membership)
    form = ShareForm(
        request.POST if request.method == "POST" else None,
        questions=rows,
        initial={f"answer-{index}": current.get(str(index), "") for index, _q, _a in rows},
    )
    if request.method == "POST":
        if entry is None or not rows:
            messages.error(request, _("Write your answers in your notebook first."))
            return redirect("closing:share", group_id=group_id)
        if form.is_valid():
            try:
                count = services.evaluation_share(
                    access=access,
                    entry=entry,
                    choices=form.choices(),
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("closing:look_back", group_id=group_id)
            if count:
                messages.success(
                    request,
                    _("Shared with the group. You can withdraw any answer at any time."),
                )
            else:
                messages.success(request, _("Nothing of your evaluation is shared now."))
            return redirect("closing:look_back", group_id=group_id)
    return render(
        request,
        "closing/share.html",
        {
            "group": access.group,
            "access": access,
            "form": form,
            "rows": rows,
            "share_rows": [(form[f"answer-{index}"], answer) for index, _q, answer in rows],
            "has_consent": has_consent,
            "entry": entry,
            "write_url": write_url,
            "is_open": _is_open(access),
        },
    )


@never_cache
@login_required
@require_POST
def withdraw(request: HttpRequest, group_id: int) -> HttpResponse:
    access = group_access(user=request.user, group_id=group_id)
    try:
        snapshot = services.evaluation_snapshot_of_owner(
            access=access, snapshot_id=request.POST.get("snapshot", "")
        )
    except Http404:
        # Someone else's answer, or one already withdrawn: the same words for both.
        messages.error(request, _("That answer is not among the ones you share now."))
        return redirect("closing:look_back", group_id=group_id)
    services.evaluation_withdraw(access=access, snapshot=snapshot)
    messages.success(request, _("Withdrawn. The group no longer sees that answer."))
    return redirect("closing:look_back", group_id=group_id)


def _require_member(access: GroupAccess) -> None:
    """The feedback is about peer support: members answer it, guides are not asked."""
    if not access.is_member:
        raise PermissionDenied


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, group_id: int) -> HttpResponse:
    access = group_access(user=request.user, group_id=group_id)
    started = selectors.closing_started(group=access.group)
    given = access.is_member and feedback_services.feedback_given(membership=access.membership)
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        _require_member(access)
        if not started:
            messages.error(request, _("The feedback opens at the closing meeting."))
            return redirect("closing:feedback", group_id=group_id)
        if given:
            messages.info(request, _("You have already answered the feedback of this group."))
            return redirect("closing:feedback", group_id=group_id)
        if form.is_valid():
            try:
                feedback_services.feedback_submit(
                    membership=access.membership, answers=form.answers()
                )
            except ValidationError as error:
                if error.code == "already_answered":
                    messages.info(request, " ".join(error.messages))
                    return redirect("closing:feedback", group_id=group_id)
                for field, errors in getattr(error, "error_dict", {None: [error]}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Thank you for your feedback."))
                return redirect("closing:feedback", group_id=group_id)
    return render(
        request,
        "closing/feedback.html",
        {
            "group": access.group,
            "access": access,
            "form": form,
            "started": started,
            "given": given,
            "comment_max": COMMENT_MAX_LENGTH,
        },
    )


@never_cache
@login_required
@require_POST
def feedback_skip(request: HttpRequest, group_id: int) -> HttpResponse:
    access = group_access(user=request.user, group_id=group_id)
    _require_member(access)
    if not selectors.closing_started(group=access.group):
        messages.error(request, _("The feedback opens at the closing meeting."))
        return redirect("closing:feedback", group_id=group_id)
    try:
        feedback_services.feedback_skip(membership=access.membership)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, _("Skipped. You will not be asked again."))
    return redirect("closing:look_back", group_id=group_id)


@never_cache
@login_required
@require_http_methods(["GET"])
def feedback_comments(request: HttpRequest, group_id: int) -> HttpResponse:
    """The feedback's free lines of this group, for its conveners and guides. In random
    order, never by time, so that the order cannot be matched with who answered when."""
    access = group_access(user=request.user, group_id=group_id)
    require_steward(access)
    comments = [
        text
        for text in FeedbackResponse.objects.filter(group_id=access.group.pk).values_list(
            "comment", flat=True
        )
        if text
    ]
    random.SystemRandom().shuffle(comments)
    return render(
        request,
        "closing/feedback_comments.html",
        {
            "group": access.group,
            "access": access,
            "comments": comments,
        },
    )
