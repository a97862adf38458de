"""A person's own account: profile settings, the language switcher, exporting all their
data and deleting the account."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from booster.accounts import services
from booster.accounts.forms import ProfileForm
from booster.accounts.models import User
from booster.core.ratelimit import RateLimitExceededError, rate_limit_take
from booster.lifecycle.accounts import account_delete, account_export_json
from booster.lifecycle.forms import AccountDeleteForm


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.user_update_profile(
            user=request.user,
            display_name=form.cleaned_data["display_name"],
            language=form.cleaned_data["language"],
            time_zone=form.cleaned_data["time_zone"],
        )
        # Resolve the page's address in the old language before switching to the new one.
        target = translate_url(request.path, user.language)
        with translation.override(user.language):
            messages.success(request, _("Your settings are saved."))
        response = redirect(target)
        _remember_language(response, user.language)
        return response
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language, remember it, and stay on the same page."""
    language = request.POST.get("language", "")
    codes = {code for code, _name in settings.LANGUAGES}
    next_url = request.POST.get("next") or ""
    if not next_url or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("core:home")
    if language not in codes:
        return HttpResponseRedirect(next_url)
    if request.user.is_authenticated:
        assert isinstance(request.user, User)
        services.user_set_language(user=request.user, language=language)
    response = HttpResponseRedirect(translate_url(next_url, language))
    _remember_language(response, language)
    return response


# Wrong e-mail or password attempts at deleting an account, per person and hour: enough
# for typing mistakes, too few to guess a password with.
DELETE_ATTEMPTS_PER_HOUR = 5


@never_cache
@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """Everything Booster holds about the person, as one JSON file."""
    assert isinstance(request.user, User)
    response = HttpResponse(
        account_export_json(user=request.user), content_type="application/json; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="booster-my-data-{stamp}.json"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    """Delete one's own account, after typing the address and the password."""
    user = request.user
    assert isinstance(user, User)
    form = AccountDeleteForm(request.POST or None, user=user)
    if request.method == "POST":
        try:
            rate_limit_take(key=f"accounts:delete:{user.pk}", limit=DELETE_ATTEMPTS_PER_HOUR)
        except RateLimitExceededError:
            form.is_valid()
            form.add_error(
                None,
                _("Too many attempts in one hour. For your safety, please try again in an hour."),
            )
        else:
            if form.is_valid():
                account_delete(user=user)
                auth_logout(request)
                messages.success(
                    request,
                    _("Your account and everything that was yours in Booster are deleted."),
                )
                return redirect("core:home")
    return render(request, "accounts/delete.html", {"form": form})


def _remember_language(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
