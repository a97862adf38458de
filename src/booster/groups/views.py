"""Group pages: my groups."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from booster.accounts.models import User
from booster.groups import selectors


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    memberships = selectors.memberships_of_user(user=request.user)
    return render(request, "groups/mine.html", {"memberships": memberships})
