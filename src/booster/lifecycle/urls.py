from __future__ import annotations

from django.urls import path

from booster.lifecycle import views

app_name = "lifecycle"

urlpatterns = [
    path("", views.records, name="records"),
    path("records.json", views.records_json, name="records_json"),
    path("records.pdf", views.records_pdf, name="records_pdf"),
]
