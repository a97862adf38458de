from __future__ import annotations

from django.urls import URLPattern, path

from booster.organisations import dashboard

app_name = "dashboard"

urlpatterns: list[URLPattern] = [
    path("", dashboard.index, name="index"),
    path("feedback.csv", dashboard.csv_export, name="csv"),
    path("report.pdf", dashboard.pdf, name="pdf"),
]
