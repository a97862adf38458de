"""A coordinator's pages of calls, under /organisations/<slug>/calls/."""

from __future__ import annotations

from django.urls import path

from booster.calls import views

app_name = "calls"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:call_id>/", views.detail, name="detail"),
    path("<int:call_id>/edit/", views.edit, name="edit"),
    path("<int:call_id>/state/", views.set_state, name="set_state"),
    path("<int:call_id>/groups/", views.form_groups, name="form_groups"),
    path("<int:call_id>/groups/suggest/", views.suggest, name="suggest"),
    path("<int:call_id>/groups/add/", views.draft_add, name="draft_add"),
    path("<int:call_id>/groups/move/", views.move, name="move"),
    path("<int:call_id>/groups/<int:draft_id>/", views.draft_update, name="draft_update"),
    path("<int:call_id>/groups/send/", views.send, name="send"),
]
