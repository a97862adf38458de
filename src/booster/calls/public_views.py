"""The public sign-up page of a call, in the visitor's language. No account is needed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from booster.calls import selectors, services
from booster.calls.forms import SignUpForm
from booster.calls.views import add_errors


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest, token: str) -> HttpResponse:
    call = selectors.call_by_token(token=token)
    if not call.accepts_signups():
        return render(request, "calls/signup_closed.html", {"call": call})
    form = SignUpForm(request.POST if request.method == "POST" else None, call=call)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                _signup, created = services.signup_submit(
                    call=call, details=form.details(), client_address=_client_address(request)
                )
            except services.CallNotOpenError:
                return render(request, "calls/signup_closed.html", {"call": call})
            except ValidationError as error:
                add_errors(form, error)
                if any(e.code == "rate_limited" for e in error.error_list if hasattr(e, "code")):
                    status = 429
            else:
                if created:
                    messages.success(request, _("Thank you: you are signed up."))
                else:
                    messages.success(
                        request,
                        _(
                            "You had signed up with this e-mail address already: your sign-up "
                            "is updated with what you sent now."
                        ),
                    )
                return redirect("calls_public:thanks", token=token)
    return render(request, "calls/signup.html", {"call": call, "form": form}, status=status)


@require_GET
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    call = selectors.call_by_token(token=token)
    return render(request, "calls/thanks.html", {"call": call})
