"""Pages that belong to no single part of Booster: home, help, privacy, health."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language_from_request
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from booster.core import health as health_checks
from booster.programme import selectors as programme_selectors


@require_GET
def root(request: HttpRequest) -> HttpResponse:
    """Send a visitor at "/" to their own language: the account's, else the browser's."""
    user = request.user
    language = user.language if user.is_authenticated else get_language_from_request(request)
    codes = [code for code, _name in settings.LANGUAGES]
    if language not in codes:
        language = settings.LANGUAGE_CODE
    return HttpResponseRedirect(f"/{language}/")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    pack = programme_selectors.pack_current()
    return render(request, "core/home.html", {"pack": pack})


@require_GET
def crisis_help(request: HttpRequest) -> HttpResponse:
    pack = programme_selectors.pack_current()
    return render(request, "core/help.html", {"pack": pack})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    from booster.lifecycle.selectors import privacy_context

    return render(request, "core/privacy.html", privacy_context(user=request.user))


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    problems = {
        name: reason
        for name, reason in (
            ("database", health_checks.check_database()),
            ("redis", health_checks.check_redis()),
        )
        if reason is not None
    }
    body = {
        "status": "ok" if not problems else "unavailable",
        "database": problems.get("database", "ok"),
        "redis": problems.get("redis", "ok" if settings.REDIS_URL else "not configured"),
    }
    return JsonResponse(body, status=200 if not problems else 503)
