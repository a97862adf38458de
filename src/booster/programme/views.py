"""The public programme pages: what the programme is, and each theme with its tasks."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from booster.programme.schema import Pack
from booster.programme.selectors import pack_current


def _pack_or_404() -> Pack:
    pack = pack_current()
    if pack is None:
        raise Http404("No programme has been imported.")
    return pack


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    pack = _pack_or_404()
    return render(request, "programme/overview.html", {"pack": pack})


@require_safe
def theme(request: HttpRequest, key: str) -> HttpResponse:
    pack = _pack_or_404()
    try:
        current = pack.theme(key)
    except KeyError:
        raise Http404("No such theme.") from None
    previous, following = pack.theme_neighbours(key)
    context = {"pack": pack, "theme": current, "previous": previous, "next": following}
    return render(request, "programme/theme.html", context)
