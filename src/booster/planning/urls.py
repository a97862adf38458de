"""The group's own agreements: goals, ground rules, practical agreements, the theme plan.

Mounted under /<lang>/groups/<int:group_id>/.
"""

from __future__ import annotations

from django.urls import path

from booster.planning import views

app_name = "planning"

urlpatterns = [
    path("goals/", views.goals, name="goals"),
    path("goals/propose/", views.goal_propose, name="goal_propose"),
    path("goals/record/", views.goals_record, name="goals_record"),
    path("rules/", views.rules, name="rules"),
    path("rules/wishes/", views.rule_wish_add, name="rule_wish_add"),
    path(
        "rules/wishes/<int:wish_id>/withdraw/",
        views.rule_wish_withdraw,
        name="rule_wish_withdraw",
    ),
    path("rules/write/", views.rules_write, name="rules_write"),
    path("rules/acknowledge/", views.rules_acknowledge, name="rules_acknowledge"),
    path("agreements/", views.agreements, name="agreements"),
    path("agreements/edit/", views.agreements_edit, name="agreements_edit"),
    path("agreements/history/", views.agreements_history, name="agreements_history"),
    path(
        "agreements/history/<int:number>/",
        views.agreements_version,
        name="agreements_version",
    ),
    path("themes/", views.themes, name="themes"),
    path("themes/preferences/", views.theme_preference_toggle, name="theme_preference_toggle"),
    path("themes/plan/", views.theme_plan_record, name="theme_plan_record"),
]
