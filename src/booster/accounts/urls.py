from __future__ import annotations

from django.urls import path

from booster.accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("language/", views.set_language, name="set_language"),
    path("export/", views.export, name="export"),
    path("delete/", views.delete, name="delete"),
]
