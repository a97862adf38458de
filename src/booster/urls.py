"""HTTP routes. Pages live under a language prefix (/sv/, /fi/, /en/); machine endpoints do not."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from booster.core import views as core_views

urlpatterns = [
    path("", core_views.root, name="root"),
    path("health/", core_views.health, name="health"),
    path("admin/", admin.site.urls),
    path("calendar/", include("booster.meetings.feed_urls")),
]

urlpatterns += i18n_patterns(
    path("", include("booster.core.urls")),
    path("accounts/", include("booster.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("programme/", include("booster.programme.urls")),
    path("groups/", include("booster.groups.urls")),
    path("groups/<int:group_id>/", include("booster.planning.urls")),
    path("groups/<int:group_id>/", include("booster.meetings.urls")),
    path("groups/<int:group_id>/board/", include("booster.board.urls")),
    path("groups/<int:group_id>/notebook/", include("booster.notebook.urls")),
    path("groups/<int:group_id>/meetings/<int:meeting_id>/room/", include("booster.room.urls")),
    path("groups/<int:group_id>/closing/", include("booster.closing.urls")),
    path("groups/<int:group_id>/records/", include("booster.lifecycle.urls")),
    path("organisations/", include("booster.organisations.urls")),
    path("organisations/<slug:slug>/calls/", include("booster.calls.urls")),
    path("organisations/<slug:slug>/dashboard/", include("booster.organisations.dashboard_urls")),
    path("calls/", include("booster.calls.public_urls")),
    prefix_default_language=True,
)
