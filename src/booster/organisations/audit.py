"""The audit log as sentences a coordinator can read: each known action code in plain
words. The sentences speak of what was done, never of what anyone wrote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from booster.core.models import AuditEntry

ACTIONS: dict[str, Promise] = {
    # Organisations and coordinators.
    "organisations.created": _("created the organisation"),
    "organisations.coordinator_invited": _("invited a coordinator"),
    "organisations.coordinator_invite_revoked": _("stopped a coordinator invitation"),
    "organisations.coordinator_joined": _("became a coordinator"),
    "organisations.coordinator_removed": _("removed a coordinator"),
    "organisations.settings_changed": _("changed the organisation's settings"),
    # Calls for participants.
    "calls.call_created": _("created a call for participants"),
    "calls.call_updated": _("changed a call for participants"),
    "calls.state_changed": _("opened or closed a call for participants"),
    "calls.groups_suggested": _("asked for group suggestions from a call's sign-ups"),
    "calls.groups_created": _("made groups from a call and sent the invitations"),
    "calls.unplaced_signups_deleted": _("deleted a call's sign-ups never placed in a group"),
    # Groups.
    "groups.group_created": _("created the group"),
    "groups.group_updated": _("changed the group's details"),
    "groups.state_changed": _("changed the group's state"),
    "groups.invite_link_created": _("created an invitation link"),
    "groups.invite_emails_sent": _("invited people by e-mail"),
    "groups.invite_revoked": _("stopped an invitation"),
    "groups.member_joined": _("joined the group"),
    "groups.member_left": _("left the group"),
    "groups.member_removed": _("removed a member"),
    "groups.convener_named": _("named a convener"),
    "groups.convener_handed_over": _("became convener when the last one left"),
    "groups.waiting_list_joined": _("joined the waiting list"),
    "groups.waiting_list_withdrawn": _("left the waiting list"),
    "groups.concern_acknowledged": _("acknowledged a concern"),
    # Planning.
    "planning.goal_proposed": _("proposed a goal"),
    "planning.goals_recorded": _("recorded the group's goals"),
    "planning.rule_wish_added": _("added a wish for the ground rules"),
    "planning.rule_wish_withdrawn": _("withdrew a wish for the ground rules"),
    "planning.rules_version_created": _("wrote a new version of the ground rules"),
    "planning.rules_acknowledged": _("acknowledged the ground rules"),
    "planning.agreements_changed": _("changed the practical agreements"),
    "planning.theme_preference_marked": _("marked a theme preference"),
    "planning.theme_plan_recorded": _("changed the theme plan"),
    # Meetings.
    "meetings.opening_created": _("planned the opening meeting"),
    "meetings.poll_created": _("asked for dates"),
    "meetings.poll_chosen": _("chose a date"),
    "meetings.meeting_fixed": _("set a meeting's time"),
    "meetings.meeting_cancelled": _("cancelled a meeting"),
    "meetings.roles_set": _("set a meeting's roles"),
    "meetings.rota_assigned": _("assigned the facilitators' rota"),
    "meetings.swap_requested": _("asked someone to facilitate in their place"),
    "meetings.swap_taken": _("took over facilitating a meeting"),
    "meetings.swap_withdrawn": _("withdrew a facilitating swap"),
    "meetings.synced_to_plan": _("updated the meetings to the theme plan"),
    # The board.
    "board.post_deleted": _("deleted a board post"),
    # The organisation's reports.
    "dashboard.report_exported": _("exported a report"),
    "dashboard.csv_exported": _("exported a report"),
    "dashboard.pdf_exported": _("exported a report"),
    "feedback.released": _("released a batch of feedback"),
}


def action_text(action: str) -> str:
    """The action as words; an action this list does not know yet shows its code."""
    known = ACTIONS.get(action)
    return str(known) if known is not None else action


# What a group's stewards (and whoever records its decisions) did, shown to the
# organisation. What a member did for themselves (joining, leaving, a wish, a swap, a
# concern) stays the group's: only these actions of a group appear in the organisation's log.
GROUP_ACTIONS_SHOWN = frozenset(
    {
        "groups.group_created",
        "groups.group_updated",
        "groups.state_changed",
        "groups.invite_link_created",
        "groups.invite_emails_sent",
        "groups.invite_revoked",
        "groups.member_removed",
        "groups.convener_named",
        "groups.convener_handed_over",
        "planning.goals_recorded",
        "planning.rules_version_created",
        "planning.agreements_changed",
        "planning.theme_plan_recorded",
        "meetings.opening_created",
        "meetings.poll_created",
        "meetings.poll_chosen",
        "meetings.meeting_fixed",
        "meetings.meeting_cancelled",
        "meetings.roles_set",
        "meetings.rota_assigned",
        "meetings.synced_to_plan",
    }
)

ROLE_LABELS: dict[str, Promise] = {
    "convener": _("a convener"),
    "guide": _("a guide"),
    "member": _("a member"),
    "former": _("a former member"),
    "unknown": _("a deleted account or Booster itself"),
}


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str  # a coordinator's name, or a group role ("a convener")
    actor_is_role: bool
    action: str
    group: str


def audit_lines(
    entries: list[AuditEntry],
    *,
    group_names: dict[int, str],
    coordinator_names: dict[int, str],
    group_roles: dict[tuple[int, int], str],
) -> list[AuditLine]:
    """Entries as lines: when, who, what, and in which group. A coordinator is named; a
    person in a group appears by their role there, since the names people go by in a group
    are the group's to know. ``data`` is never shown."""
    lines = []
    for entry in entries:
        actor_id = entry.actor_id
        if actor_id is not None and actor_id in coordinator_names:
            actor, is_role = coordinator_names[actor_id], False
        elif actor_id is not None and entry.group_id is not None:
            role = group_roles.get((entry.group_id, actor_id), "former")
            actor, is_role = str(ROLE_LABELS[role]), True
        else:
            actor, is_role = str(ROLE_LABELS["unknown"]), True
        lines.append(
            AuditLine(
                at=entry.at,
                actor=actor,
                actor_is_role=is_role,
                action=action_text(entry.action),
                group=group_names.get(entry.group_id, "") if entry.group_id else "",
            )
        )
    return lines
