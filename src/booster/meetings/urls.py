from __future__ import annotations

from django.urls import path

from booster.meetings import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/opening/", views.opening_create, name="opening_create"),
    path("meetings/rota/", views.rota, name="rota"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="edit"),
    path("meetings/<int:meeting_id>/cancel/", views.meeting_cancel, name="cancel"),
    path("meetings/<int:meeting_id>/roles/", views.meeting_roles, name="roles"),
    path("meetings/<int:meeting_id>/absence/", views.absence_report, name="absence"),
    path(
        "meetings/<int:meeting_id>/absence/withdraw/",
        views.absence_withdraw,
        name="absence_withdraw",
    ),
    path("meetings/<int:meeting_id>/swap/", views.swap_request, name="swap_request"),
    path("meetings/swaps/<int:swap_id>/take/", views.swap_take, name="swap_take"),
    path("meetings/swaps/<int:swap_id>/withdraw/", views.swap_withdraw, name="swap_withdraw"),
    path("meetings/<int:meeting_id>/calendar.ics", views.meeting_ics, name="ics"),
    path("polls/new/<int:meeting_id>/", views.poll_create, name="poll_create"),
    path("polls/<int:poll_id>/", views.poll, name="poll"),
    path("polls/<int:poll_id>/choose/", views.poll_choose, name="poll_choose"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
]
