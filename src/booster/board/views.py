"""Board pages: read and write posts, edit and delete one's own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from booster.board import selectors, services
from booster.board.forms import PostForm
from booster.board.permissions import post_for_author
from booster.groups.models import Group
from booster.groups.permissions import group_access, require_open_group


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest, group_id: int) -> HttpResponse:
    access = group_access(user=request.user, group_id=group_id)
    form = PostForm(request.POST or None)
    if request.method == "POST":
        require_open_group(access)
        if form.is_valid():
            try:
                services.post_create(access=access, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your post is on the board."))
                return redirect("board:index", group_id=group_id)
    page = selectors.posts_page(access=access, page_number=request.GET.get("page"))
    return render(
        request,
        "board/index.html",
        {
            "group": access.group,
            "me": access.membership,
            "is_open": access.group.state != Group.State.CLOSED,
            "page": page,
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, group_id: int, post_id: int) -> HttpResponse:
    access = group_access(user=request.user, group_id=group_id)
    require_open_group(access)
    post = post_for_author(access, post_id)
    form = PostForm(request.POST or None, initial={"text": post.text, "link": post.link})
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(access=access, post=post, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your post is saved."))
            return redirect("board:index", group_id=group_id)
    return render(request, "board/edit.html", {"group": access.group, "post": post, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, group_id: int, post_id: int) -> HttpResponse:
    access = group_access(user=request.user, group_id=group_id)
    require_open_group(access)
    post = post_for_author(access, post_id)
    if request.method == "POST":
        services.post_delete(access=access, post=post)
        messages.success(request, _("Your post is deleted."))
        return redirect("board:index", group_id=group_id)
    return render(request, "board/delete.html", {"group": access.group, "post": post})
