"""Fixtures for the closing tests: the group has reached its closing meeting, and helpers to
write and share an evaluation page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from booster.closing import services
from booster.groups.models import Group, Membership
from booster.meetings.models import Meeting
from booster.notebook.models import NotebookEntry
from tests.factories import MeetingFactory, MembershipFactory
from tests.notebook.helpers import access_of, consent, write
from tests.personas import World


@pytest.fixture
def closing_meeting(world: World) -> Meeting:
    """The group's closing meeting began an hour ago."""
    Group.objects.filter(pk=world.group.pk).update(state=Group.State.RUNNING)
    world.group.refresh_from_db()
    return MeetingFactory(
        group=world.group,
        number=6,
        theme_key="closing",
        starts_at=timezone.now() - timedelta(hours=1),
    )


@pytest.fixture
def facilitator(world: World, closing_meeting: Meeting) -> Membership:
    """A plain member who facilitates the closing meeting."""
    membership = MembershipFactory(group=world.group, user__display_name="Fanny")
    Meeting.objects.filter(pk=closing_meeting.pk).update(facilitator=membership)
    return membership


def evaluation(membership: Membership, *answers: str) -> NotebookEntry:
    """Write the member's evaluation page (giving notebook consent first)."""
    consent(membership)
    padded = list(answers) + [""] * (4 - len(answers))
    return write(membership, "evaluation", {"answers": padded, "notes": ""})


def share(membership: Membership, entry: NotebookEntry, choices: dict[int, str]) -> int:
    access = access_of(membership)
    access.group.refresh_from_db()
    return services.evaluation_share(access=access, entry=entry, choices=choices)


def close_group(group: Group) -> None:
    Group.objects.filter(pk=group.pk).update(state=Group.State.CLOSED, closed_at=timezone.now())
    group.refresh_from_db()
