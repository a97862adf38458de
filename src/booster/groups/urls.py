from __future__ import annotations

from django.urls import path

from booster.groups.views import concerns, groups, invites, joining, members

app_name = "groups"

urlpatterns = [
    path("", groups.mine, name="mine"),
    path("new/", groups.create, name="create"),
    path("join/<str:token>/", joining.join, name="join"),
    path("join/<str:token>/wait/", joining.waiting_join, name="waiting_join"),
    path("waiting/<int:entry_id>/", joining.waiting, name="waiting"),
    path("waiting/<int:entry_id>/withdraw/", joining.waiting_withdraw, name="waiting_withdraw"),
    path("<int:group_id>/", groups.home, name="home"),
    path("<int:group_id>/settings/", groups.settings, name="settings"),
    path("<int:group_id>/settings/state/", groups.state, name="state"),
    path("<int:group_id>/me/", groups.my_settings, name="my_settings"),
    path("<int:group_id>/members/", members.members, name="members"),
    path(
        "<int:group_id>/members/<int:membership_id>/remove/",
        members.member_remove,
        name="member_remove",
    ),
    path(
        "<int:group_id>/members/<int:membership_id>/convener/",
        members.member_make_convener,
        name="member_make_convener",
    ),
    path("<int:group_id>/leave/", members.leave, name="leave"),
    path("<int:group_id>/invites/", invites.invites, name="invites"),
    path("<int:group_id>/invites/link/", invites.invite_link_create, name="invite_link_create"),
    path("<int:group_id>/invites/email/", invites.invite_email_send, name="invite_email_send"),
    path(
        "<int:group_id>/invites/<int:invite_id>/revoke/",
        invites.invite_revoke,
        name="invite_revoke",
    ),
    path("<int:group_id>/concerns/", concerns.concerns, name="concerns"),
    path("<int:group_id>/concerns/new/", concerns.concern_new, name="concern_new"),
    path(
        "<int:group_id>/concerns/<int:concern_id>/acknowledge/",
        concerns.concern_acknowledge,
        name="concern_acknowledge",
    ),
]
