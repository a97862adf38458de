"""The live meeting room, mounted at /<lang>/groups/<group_id>/meetings/<meeting_id>/room/."""

from __future__ import annotations

from django.urls import path

from booster.room import printing, views

app_name = "room"

urlpatterns = [
    path("", views.room, name="room"),
    path("state.json", views.state, name="state"),
    path("command/", views.command, name="command"),
    path("presenter/", views.presenter, name="presenter"),
    path("guide/", printing.guide, name="guide"),
    path("guide.pdf", printing.guide_pdf, name="guide_pdf"),
    path("handouts/", printing.handouts, name="handouts"),
    path("handouts.pdf", printing.handouts_pdf, name="handouts_pdf"),
    path("tools/<slug:tool>/", views.tool, name="tool"),
]
