from __future__ import annotations

from django.urls import path

from booster.closing import views

app_name = "closing"

urlpatterns = [
    path("", views.look_back, name="look_back"),
    path("share/", views.share, name="share"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("feedback/", views.feedback, name="feedback"),
    path("feedback/skip/", views.feedback_skip, name="feedback_skip"),
    path("feedback/comments/", views.feedback_comments, name="feedback_comments"),
]
