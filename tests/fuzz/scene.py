"""A group with something in every corner, made only as far as a test asks for it: a
dated meeting facilitated by the member, a date poll, a swap request, an invitation, a
concern, a wish, ground rules, a board post, a notebook with a note and a shared map with
an idea on it, a waiting-list offer, and a full group for the waiting list."""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property

from django.utils import timezone

from booster.accounts.models import User
from booster.calls.models import Call, DraftGroup, SignUp
from booster.groups import services as groups
from booster.groups.models import Concern, Group, Invite, Membership, WaitingListEntry
from booster.groups.permissions import GroupAccess
from booster.meetings import services as meetings
from booster.meetings.models import DatePoll, FacilitatorSwap, Meeting
from booster.notebook import services as notebook
from booster.notebook.models import MapIdea, NotebookEntry, SharedSnapshot
from booster.organisations import services as organisations
from booster.organisations.models import Coordinator, CoordinatorInvite, Organisation
from booster.planning import services as planning
from booster.planning.models import GroundRulesVersion, RuleWish
from tests.calls.world import call_with_a_signup
from tests.factories import (
    GroundRulesVersionFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    PostFactory,
    UserFactory,
)
from tests.notebook.helpers import MAP, slot_of, write
from tests.personas import World


def access_of(membership: Membership) -> GroupAccess:
    return GroupAccess(group=membership.group, membership=membership)


class Scene:
    def __init__(self, world: World) -> None:
        self.world = world
        self.group: Group = world.group

    def user(self, persona: str) -> User | None:
        if persona == "facilitator":  # of self.meeting
            return self.world.member.user
        if persona == "waiting":
            return self.world.outsider
        if persona == "coordinator":
            return self.coordinator.user
        if persona == "other_coordinator":
            return self.other_coordinator.user
        if persona == "invited_coordinator":
            return self.invited_coordinator
        return self.world.user(persona)

    # --- organisations ------------------------------------------------------------------

    def _coordinated(self, name: str, slug: str) -> Coordinator:
        person: User = UserFactory(display_name=f"Coordinator of {name}")
        _organisation, invite = organisations.organisation_create(
            actor=None, name=name, slug=slug, coordinator_email=person.email
        )
        assert invite is not None
        return organisations.coordinator_invite_accept(invite=invite, user=person)

    @cached_property
    def coordinator(self) -> Coordinator:
        """The coordinator of the group's organisation."""
        coordinator = self._coordinated("Organisation A", "organisation-a")
        self.group.organisation = coordinator.organisation
        self.group.save(update_fields=["organisation"])
        return coordinator

    @cached_property
    def organisation(self) -> Organisation:
        return self.coordinator.organisation

    @cached_property
    def other_coordinator(self) -> Coordinator:
        return self._coordinated("Organisation B", "organisation-b")

    @cached_property
    def second_coordinator(self) -> Coordinator:
        """Another coordinator of the organisation, so that one can be removed."""
        return self._coordinated_too(UserFactory(display_name="Second coordinator"))

    def _coordinated_too(self, person: User) -> Coordinator:
        invite = organisations.coordinator_invite_send(
            actor=self.coordinator.user, organisation=self.organisation, email=person.email
        )
        return organisations.coordinator_invite_accept(invite=invite, user=person)

    @cached_property
    def invited_coordinator(self) -> User:
        person: User = UserFactory(display_name="Invited coordinator")
        return person

    @cached_property
    def coordinator_invite(self) -> CoordinatorInvite:
        """An open invitation to coordinate the organisation, for invited_coordinator."""
        return organisations.coordinator_invite_send(
            actor=self.coordinator.user,
            organisation=self.organisation,
            email=self.invited_coordinator.email,
        )

    # --- calls for participants (issue 6, calls) ---------------------------------------

    @cached_property
    def call_parts(self) -> tuple[Call, DraftGroup, SignUp]:
        """The organisation's open call, one sign-up in a group being formed."""
        return call_with_a_signup(organisation=self.organisation, coordinator=self.coordinator.user)

    # --- meetings ---------------------------------------------------------------------

    @cached_property
    def meeting(self) -> Meeting:
        meeting: Meeting = MeetingFactory(
            group=self.group,
            number=2,
            theme_key="networks",
            starts_at=timezone.now() + timedelta(days=7),
            facilitator=self.world.member,
        )
        return meeting

    @cached_property
    def poll(self) -> DatePoll:
        start = (timezone.now() + timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
        return meetings.poll_create(
            access=access_of(self.world.convener),
            meeting=self.meeting,
            slots=[start, start + timedelta(days=1)],
            duration_minutes=150,
        )

    @cached_property
    def swap(self) -> FacilitatorSwap:
        return meetings.swap_request(access=access_of(self.world.member), meeting=self.meeting)

    # --- groups -----------------------------------------------------------------------

    @cached_property
    def invite(self) -> Invite:
        return groups.invite_link_create(
            actor=self.world.convener.user, group=self.group, days=14, role="member"
        )

    @cached_property
    def concern(self) -> Concern:
        return groups.concern_create(membership=self.world.member, text="I am worried.")

    @cached_property
    def offer(self) -> WaitingListEntry:
        """The outsider has been offered a free place in the group."""
        return WaitingListEntry.objects.create(
            group=self.group,
            user=self.world.outsider,
            display_name="Olle",
            state=WaitingListEntry.State.OFFERED,
            offered_at=timezone.now(),
        )

    @cached_property
    def full_invite(self) -> Invite:
        """An invitation to a group whose ten seats are taken."""
        full = GroupFactory(name="Full group", pack_version=self.group.pack_version)
        convener = MembershipFactory(group=full, is_convener=True)
        for _ in range(9):
            MembershipFactory(group=full, user=UserFactory(verified=False))
        return groups.invite_link_create(actor=convener.user, group=full, days=14, role="member")

    # --- planning and the board -------------------------------------------------------

    @cached_property
    def wish(self) -> RuleWish:
        return planning.rule_wish_add(access=access_of(self.world.member), text="Listen.")

    @cached_property
    def rules(self) -> GroundRulesVersion:
        rules: GroundRulesVersion = GroundRulesVersionFactory(written_by=self.world.convener)
        return rules

    @cached_property
    def post(self) -> object:
        return PostFactory(author=self.world.member)

    # --- the notebook (the member's) ----------------------------------------------------

    @cached_property
    def consented(self) -> GroupAccess:
        access = access_of(self.world.member)
        notebook.consent_give(access=access)
        return access

    @cached_property
    def note(self) -> NotebookEntry:
        return notebook.note_create(access=self.consented, title="A note")

    @cached_property
    def map_entry(self) -> NotebookEntry:
        self.consented  # noqa: B018 - consent first
        return write(self.world.member, "network_map", MAP)

    @cached_property
    def snapshot(self) -> SharedSnapshot:
        return notebook.snapshot_create(
            access=self.consented,
            entry=self.map_entry,
            slot=slot_of(self.world.member, "network_map"),
        )

    @cached_property
    def idea(self) -> MapIdea:
        """An idea the member left on the second member's shared map."""
        other = access_of(self.world.second_member)
        notebook.consent_give(access=other)
        entry = write(self.world.second_member, "network_map", MAP)
        shared = notebook.snapshot_create(
            access=other, entry=entry, slot=slot_of(self.world.second_member, "network_map")
        )
        return notebook.idea_add(access=access_of(self.world.member), snapshot=shared, text="Hi")

    # --- the closing meeting (issue 6, closing) ------------------------------------------

    @cached_property
    def closing_started(self) -> Meeting:
        """The group's closing meeting began an hour ago."""
        meeting: Meeting = MeetingFactory(
            group=self.group,
            number=6,
            theme_key="closing",
            starts_at=timezone.now() - timedelta(hours=1),
        )
        return meeting

    @cached_property
    def evaluation_shared(self) -> SharedSnapshot:
        """The member wrote their evaluation and shares its first answer without a name."""
        from booster.closing import services as closing

        self.closing_started  # noqa: B018 - the closing meeting first
        self.consented  # noqa: B018 - consent first
        entry = write(
            self.world.member,
            "evaluation",
            {"answers": ["Good", "Hard", "Take", "Thanks"], "notes": ""},
        )
        closing.evaluation_share(access=self.consented, entry=entry, choices={0: "unsigned"})
        return SharedSnapshot.objects.get(entry=entry, withdrawn_at__isnull=True)
