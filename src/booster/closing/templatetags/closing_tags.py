"""The closing section of the group's home, shown once the closing meeting has begun."""

from __future__ import annotations

from typing import Any

from django import template

from booster.closing.selectors import closing_started
from booster.feedback.services import feedback_given
from booster.groups.permissions import GroupAccess

register = template.Library()


@register.inclusion_tag("closing/_home_section.html")
def closing_home_section(access: GroupAccess) -> dict[str, Any]:
    started = closing_started(group=access.group)
    offered = started and access.is_member and not feedback_given(membership=access.membership)
    return {"group": access.group, "closing": {"started": started, "feedback_offered": offered}}
