"""The public sign-up pages of calls, under /calls/ (with the language prefix)."""

from __future__ import annotations

from django.urls import path

from booster.calls import public_views

app_name = "calls_public"

urlpatterns = [
    path("<str:token>/", public_views.signup, name="signup"),
    path("<str:token>/thanks/", public_views.thanks, name="thanks"),
]
