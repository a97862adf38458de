from __future__ import annotations

from django.urls import path

from booster.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.crisis_help, name="help"),
    path("privacy/", views.privacy, name="privacy"),
]
