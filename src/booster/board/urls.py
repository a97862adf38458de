"""The group board: short messages and links between meetings."""

from __future__ import annotations

from django.urls import path

from booster.board import views

app_name = "board"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:post_id>/edit/", views.edit, name="edit"),
    path("<int:post_id>/delete/", views.delete, name="delete"),
]
