"""The personal calendar feed: /calendar/<token>.ics, without a language prefix or login."""

from __future__ import annotations

from django.urls import path

from booster.meetings import views

app_name = "calendar"

urlpatterns = [
    path("<str:token>.ics", views.calendar_feed, name="feed"),
]
