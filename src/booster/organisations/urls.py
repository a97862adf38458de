from __future__ import annotations

from django.urls import path

from booster.organisations import views

app_name = "organisations"

# The organisation's pages come before the invitation's, so that an organisation whose
# short name is "invite" keeps its pages (a token is never "settings" or "audit").
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<slug:slug>/", views.home, name="home"),
    path("<slug:slug>/settings/", views.settings, name="settings"),
    path("<slug:slug>/coordinators/", views.coordinators, name="coordinators"),
    path("<slug:slug>/coordinators/invite/", views.coordinator_invite, name="coordinator_invite"),
    path(
        "<slug:slug>/coordinators/invites/<int:invite_id>/revoke/",
        views.invite_revoke,
        name="invite_revoke",
    ),
    path(
        "<slug:slug>/coordinators/<int:coordinator_id>/remove/",
        views.coordinator_remove,
        name="coordinator_remove",
    ),
    path("<slug:slug>/audit/", views.audit, name="audit"),
    path("invite/<str:token>/", views.invite_accept, name="invite_accept"),
]
