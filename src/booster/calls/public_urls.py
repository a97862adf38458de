from __future__ import annotations

from django.urls import URLPattern

app_name = "calls_public"

urlpatterns: list[URLPattern] = []
