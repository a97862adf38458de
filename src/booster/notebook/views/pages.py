"""The member's own notebook: consent, the notebook page, each page's editor, free notes,
sharing a page and downloading its picture."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from booster.groups.models import Group
from booster.groups.permissions import GroupAccess, group_access
from booster.notebook import selectors, services
from booster.notebook.forms import ConsentForm, NoteCreateForm
from booster.notebook.models import NotebookEntry
from booster.notebook.permissions import entry_for_owner, note_for_owner
from booster.notebook.views._editor import editor, picture_markup
from booster.notebook.worksheets import sheet_for


def _with_consent(request: HttpRequest, group_id: int) -> GroupAccess | None:
    """The access of a member who has agreed to keep a notebook; None when they have not
    (the caller then sends them to the consent page)."""
    access = group_access(user=request.user, group_id=group_id)
    if selectors.consent_current(access=access) is None:
        return None
    return access


@never_cache
@login_required
@require_http_methods(["GET"])
def index(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _with_consent(request, group_id)
    if access is None:
        return redirect("notebook:consent", group_id=group_id)
    data = selectors.notebook_sections(access=access)
    return render(
        request,
        "notebook/index.html",
        {
            "group": access.group,
            "access": access,
            "note_form": NoteCreateForm(),
            **data,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, group_id: int) -> HttpResponse:
    access = group_access(user=request.user, group_id=group_id)
    current = selectors.consent_current(access=access)
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.consent_give(access=access)
        messages.success(request, _("Your notebook is ready. Only you can read it."))
        return redirect("notebook:index", group_id=group_id)
    return render(
        request,
        "notebook/consent.html",
        {"group": access.group, "access": access, "form": form, "consent": current},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _with_consent(request, group_id)
    if access is None:
        return redirect("notebook:consent", group_id=group_id)
    if request.method == "POST":
        services.consent_withdraw(access=access)
        messages.success(
            request,
            _("Your notebook in this group is deleted, with everything you had shared from it."),
        )
        return redirect("groups:home", group_id=group_id)
    data = selectors.notebook_sections(access=access)
    return render(
        request,
        "notebook/withdraw.html",
        {
            "group": access.group,
            "entry_count": data["entry_count"],
            "shared_count": len(selectors.my_active_snapshots(access=access)),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def task(request: HttpRequest, group_id: int, theme_key: str, task_key: str) -> HttpResponse:
    access = _with_consent(request, group_id)
    if access is None:
        return redirect("notebook:consent", group_id=group_id)
    pack = selectors.group_pack(access=access)
    slot = selectors.task_slot(pack=pack, theme_key=theme_key, task_key=task_key)
    if slot is None:
        raise Http404
    entry = selectors.entry_for_task(access=access, theme_key=theme_key, task_key=task_key)
    extra = {}
    if slot.worksheet_kind == "evaluation":
        # At the closing meeting the member sees what they hoped for at the opening.
        expectations = selectors.expectations_slot(pack=pack)
        if expectations is not None:
            earlier = selectors.entry_for_task(
                access=access, theme_key=expectations.theme_key, task_key=expectations.task_key
            )
            sheet = sheet_for(expectations)
            extra = {
                "expectations_slot": expectations,
                "expectations_sheet": sheet,
                "expectations": sheet.normalise(earlier.content, expectations)
                if earlier is not None
                else None,
            }
    url = selectors.task_url(group_id, theme_key, task_key)
    return editor(request, access=access, slot=slot, entry=entry, url=url, extra=extra)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def takeaway(request: HttpRequest, group_id: int, meeting_id: int) -> HttpResponse:
    access = _with_consent(request, group_id)
    if access is None:
        return redirect("notebook:consent", group_id=group_id)
    meeting = selectors.meeting_of_group(access=access, meeting_id=meeting_id)
    if meeting is None:
        raise Http404
    slot = selectors.takeaway_slot(pack=selectors.group_pack(access=access), meeting=meeting)
    entry = selectors.entry_for_takeaway(access=access, meeting=meeting)
    url = selectors.takeaway_url(group_id, meeting_id)
    return editor(request, access=access, slot=slot, entry=entry, url=url)


@never_cache
@login_required
@require_POST
def note_new(request: HttpRequest, group_id: int) -> HttpResponse:
    access = _with_consent(request, group_id)
    if access is None:
        return redirect("notebook:consent", group_id=group_id)
    form = NoteCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors.get("title", [])))
        return redirect("notebook:index", group_id=group_id)
    entry = services.note_create(access=access, title=form.cleaned_data["title"])
    return redirect("notebook:note", group_id=group_id, entry_id=entry.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def note(request: HttpRequest, group_id: int, entry_id: int) -> HttpResponse:
    access = _with_consent(request, group_id)
    if access is None:
        raise Http404  # an id in the URL: never say whether it exists
    entry = note_for_owner(access, entry_id)
    slot = selectors.free_slot()
    return editor(
        request,
        access=access,
        slot=slot,
        entry=entry,
        url=selectors.note_url(group_id, entry.pk),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def note_delete(request: HttpRequest, group_id: int, entry_id: int) -> HttpResponse:
    access = _with_consent(request, group_id)
    if access is None:
        raise Http404
    entry = note_for_owner(access, entry_id)
    if request.method == "POST":
        services.note_delete(access=access, entry=entry)
        messages.success(request, _("The note is deleted."))
        return redirect("notebook:index", group_id=group_id)
    return render(
        request,
        "notebook/note_delete.html",
        {"group": access.group, "entry": entry, "title": entry.content.get("title", "")},
    )


def _owned_entry(
    request: HttpRequest, group_id: int, entry_id: int
) -> tuple[GroupAccess, NotebookEntry]:
    access = _with_consent(request, group_id)
    if access is None:
        raise Http404
    return access, entry_for_owner(access, entry_id)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, group_id: int, entry_id: int) -> HttpResponse:
    access, entry = _owned_entry(request, group_id, entry_id)
    slot = selectors.slot_for_entry(pack=selectors.group_pack(access=access), entry=entry)
    sheet = sheet_for(slot)
    preview = sheet.shareable(sheet.normalise(entry.content, slot))
    back = selectors.entry_url(group_id, entry)
    if request.method == "POST":
        try:
            services.snapshot_create(
                access=access,
                entry=entry,
                slot=slot,
                signed=request.POST.get("signed", "signed") != "unsigned",
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(back)
        messages.success(request, _("Shared with the group. You can withdraw it at any time."))
        return redirect("notebook:shared", group_id=group_id)
    return render(
        request,
        "notebook/share.html",
        {
            "group": access.group,
            "slot": slot,
            "sheet": sheet,
            "entry": entry,
            "content": preview,
            "is_empty": sheet.is_empty(preview),
            "is_open": access.group.state != Group.State.CLOSED,
            "back": back,
            "picture": picture_markup(sheet, preview, picture_id="share-picture"),
            "snapshot": selectors.active_snapshot_of(entry=entry),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def picture(request: HttpRequest, group_id: int, entry_id: int) -> HttpResponse:
    """The page's picture (network map or scales) as a standalone .svg download."""
    access, entry = _owned_entry(request, group_id, entry_id)
    slot = selectors.slot_for_entry(pack=selectors.group_pack(access=access), entry=entry)
    sheet = sheet_for(slot)
    if not sheet.picture:
        raise Http404
    markup = picture_markup(sheet, sheet.normalise(entry.content, slot), picture_id="picture")
    response = HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + markup,
        content_type="image/svg+xml; charset=utf-8",
    )
    name = "network-map.svg" if sheet.picture == "map" else "scales.svg"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
