"""Small helpers shared by the meetings tests."""

from __future__ import annotations

from django.core import mail
from django.test import Client
from django.utils import timezone

from booster.accounts.models import User
from booster.groups.models import Group, Membership
from booster.groups.permissions import GroupAccess
from tests.personas import World

# The meeting's facilitator is second_member in these tests.
PERSONAS_WITH_FACILITATOR = (
    "anonymous",
    "outsider",
    "other_member",
    "member",
    "convener",
    "guide",
    "facilitator",
)


def user_of(world: World, persona: str) -> User | None:
    return world.user("second_member" if persona == "facilitator" else persona)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def access_for(membership: Membership) -> GroupAccess:
    return GroupAccess(group=membership.group, membership=membership)


def remove_member(membership: Membership) -> Membership:
    membership.state = Membership.State.REMOVED
    membership.seat = None
    membership.guide_seat = None
    membership.ended_at = timezone.now()
    membership.save(update_fields=["state", "seat", "guide_seat", "ended_at"])
    return membership


def close_group(group: Group) -> Group:
    group.state = Group.State.CLOSED
    group.save(update_fields=["state"])
    return group


def mail_to(email: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if email in message.to]
