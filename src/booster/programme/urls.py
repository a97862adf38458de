"""Public programme pages, mounted under /<language>/programme/."""

from __future__ import annotations

from django.urls import path

from booster.programme import views

app_name = "programme"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<slug:key>/", views.theme, name="theme"),
]
