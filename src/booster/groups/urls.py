from __future__ import annotations

from django.urls import path

from booster.groups import views

app_name = "groups"

urlpatterns = [
    path("", views.mine, name="mine"),
]
