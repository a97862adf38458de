"""The demo group "Ljuslyktan": a remote Swedish-speaking group in Finland in the middle of
planning, so that a newcomer can click through a group at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from booster.accounts.models import User
from booster.groups import services
from booster.groups.models import Group
from booster.programme.selectors import pack_version_current

DEMO_GROUP_NAME = "Ljuslyktan"
DEMO_CONVENER = "Sara"
DEMO_MEMBERS = ("Aino", "Maya", "Johan", "Leena")
DEMO_TIME_ZONE = "Europe/Helsinki"


@transaction.atomic
def demo_group_create(*, people: Sequence[User]) -> Group:
    """Sara's group with Aino, Maya, Johan and Leena; the opening meeting a week ahead."""
    if pack_version_current() is None:
        from booster.programme.loader import BOOSTER_PACK_PATH
        from booster.programme.services import pack_import

        pack_import(path=BOOSTER_PACK_PATH)
    by_name = {person.display_name: person for person in people}
    convener = by_name[DEMO_CONVENER]
    day = (timezone.localtime(timezone.now()) + timedelta(days=7)).date()
    group = services.group_create(
        user=convener,
        details=services.GroupDetails(
            name=DEMO_GROUP_NAME,
            language="sv",
            form="remote",
            place="",
            video_link="https://meet.example.org/ljuslyktan",
            country="FI",
            time_zone=DEMO_TIME_ZONE,
            description=(
                "Frilansare inom scenkonst och musik som träffas på distans under hösten."
            ),
            allow_late_joining=True,
        ),
        opening=services.OpeningMeeting(
            starts_at=services.opening_starts_at(
                day=day, at=time(17, 30), time_zone=DEMO_TIME_ZONE
            ),
            duration_minutes=150,
        ),
        display_name=convener.display_name,
        principles_accepted=True,
    )
    for name in DEMO_MEMBERS:
        services.membership_join(
            group=group,
            user=by_name[name],
            display_name=name,
            principles_version=group.pack_version,
        )
    services.invite_link_create(actor=convener, group=group, days=14, role="member")

    from booster.board.demo import board_demo_create
    from booster.planning.demo import demo_planning_create

    demo_planning_create(group=group)
    board_demo_create(group)
    _demo_meetings(group=group, convener=convener)

    from booster.notebook.demo import notebook_demo_create

    for membership in group.memberships.active().filter(display_name__in=["Aino", "Maya"]):
        notebook_demo_create(membership)
    return group


def _demo_meetings(*, group: Group, convener: User) -> None:
    """Sara facilitates the opening meeting, Johan keeps the time."""
    from booster.groups.permissions import group_access
    from booster.meetings.models import Meeting
    from booster.meetings.services import meeting_roles_set

    access = group_access(user=convener, group_id=group.pk)
    opening = Meeting.objects.get(group=group, number=1)
    members = {m.display_name: m for m in group.memberships.active()}
    meeting_roles_set(
        access=access,
        meeting=opening,
        facilitator_id=members[DEMO_CONVENER].pk,
        timekeeper_id=members["Johan"].pk,
    )
