"""A rich world for the security sweep: the personas' group with something behind every URL
argument, and a unique marker string written into every private field.

Everything is made through the apps' own services (as a person using Booster would make it),
so the markers sit exactly where real writing sits: encrypted notebook pages, shared
snapshots, board posts, the group's agreements, concerns, absence notes, a removal reason.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group as PermissionGroup
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from booster.accounts.models import User
from booster.board import services as board_services
from booster.board.models import Post
from booster.calls.models import Call, DraftGroup
from booster.groups import services as group_services
from booster.groups.models import Concern, Invite, Membership, WaitingListEntry
from booster.groups.permissions import GroupAccess
from booster.meetings import services as meeting_services
from booster.meetings.models import CalendarFeed, DatePoll, FacilitatorSwap, Meeting
from booster.notebook import selectors as notebook_selectors
from booster.notebook import services as notebook_services
from booster.notebook.models import MapIdea, NotebookEntry, SharedSnapshot
from booster.notebook.worksheets import Slot, sheet_for
from booster.organisations import services as organisation_services
from booster.organisations.models import Coordinator, CoordinatorInvite, Organisation
from booster.planning import services as planning_services
from booster.planning.models import AGREEMENT_FIELDS, RuleWish
from booster.room import services as room_services
from booster.room.models import MeetingRun
from tests.calls.world import call_with_a_signup
from tests.factories import MeetingFactory, MembershipFactory, UserFactory
from tests.personas import World

# Every worksheet kind of the BOOSTER pack, and the task whose page uses it.
WORKSHEET_TASKS: dict[str, tuple[str, str]] = {
    "expectations": ("opening", "shared_goals"),
    "resources_demands": ("work_ability", "balance_task"),
    "recovery_day": ("work_ability", "recovery_task"),
    "competence": ("competence", "competence_task"),
    "self_presentation": ("competence", "presentation_task"),
    "goals": ("professional_identity", "today_future_task"),
    "collaboration": ("collaboration", "developing_task"),
    "network_map": ("networks", "map_task"),
    "appreciative_interview": ("closing", "appreciative_interview"),
    "evaluation": ("closing", "evaluation_task"),
    "plain": ("self_leadership", "time_task"),
}

# Choice values inside worksheet content, which are not writing and keep their value.
_CHOICE_KEYS = frozenset({"kind", "closeness", "weight", "share"})


def new_marker(kind: str) -> str:
    """A string that appears nowhere unless it leaked from where it was written."""
    return f"LEAK-{kind}-{uuid.uuid4().hex[:12]}"


def access_of(membership: Membership) -> GroupAccess:
    return GroupAccess(group=membership.group, membership=membership)


def _filled(value: Any, marker: str) -> Any:
    """Worksheet content with the marker in every piece of writing."""
    if isinstance(value, str):
        return marker
    if isinstance(value, list):
        return [_filled(item, marker) for item in value]
    if isinstance(value, dict):
        return {
            key: item if key in _CHOICE_KEYS else _filled(item, marker)
            for key, item in value.items()
        }
    return value


def _content_for(slot: Slot, marker: str) -> dict[str, Any]:
    sheet = sheet_for(slot)
    content = sheet.blank(slot)
    for spec in sheet.lists:
        content[spec.name] = [sheet.blank_item(spec.name)]
    if "answers" in content and not content["answers"]:
        content["answers"] = [""]
    return dict(_filled(content, marker))


@dataclass
class SecurityWorld:
    """The personas (tests.personas.World) and everything the URLs and markers need."""

    base: World
    operator: User
    held_meeting: Meeting
    meeting: Meeting
    run: MeetingRun
    invite: Invite
    waiting: WaitingListEntry
    concern: Concern
    post: Post
    wish: RuleWish
    poll: DatePoll
    swap: FacilitatorSwap
    note: NotebookEntry
    map_entry: NotebookEntry
    snapshot: SharedSnapshot
    idea: MapIdea
    feed: CalendarFeed
    removed: Membership
    other_post: Post
    other_note: NotebookEntry
    # Organisation A holds the world's group and is coordinated by "coordinator";
    # "other_coordinator" coordinates organisation B.
    organisation: Organisation
    other_organisation: Organisation
    coordinator: Coordinator
    other_coordinator: Coordinator
    # An open invitation (to an address nobody in the world has) to coordinate A.
    coordinator_invite: CoordinatorInvite
    # A's open call for participants, one sign-up in a group being formed (issue 6, calls).
    call: Call
    call_draft: DraftGroup
    markers: dict[str, str] = field(default_factory=dict)

    @property
    def group_id(self) -> int:
        return self.base.group.pk

    def membership(self, role: str) -> Membership | None:
        """The role's place in the world's group (None for those who have none)."""
        return {
            "member": self.base.member,
            "convener": self.base.convener,
            "guide": self.base.guide,
            "facilitator": self.base.second_member,
        }.get(role)

    def user(self, role: str) -> User | None:
        if role == "anonymous":
            return None
        if role == "operator":
            return self.operator
        if role == "outsider":
            return self.base.outsider
        if role == "other_member":
            return self.base.other_member.user
        if role == "coordinator":
            return self.coordinator.user
        if role == "other_coordinator":
            return self.other_coordinator.user
        membership = self.membership(role)
        assert membership is not None, role
        return membership.user


def build_world(base: World) -> SecurityWorld:
    """Fill the personas' world. ``facilitator`` is ``second_member`` (a plain member who
    facilitates the next meeting); ``member`` owns the notebook under test."""
    markers: dict[str, str] = {}

    def mark(kind: str) -> str:
        markers[kind] = new_marker(kind)
        return markers[kind]

    group = base.group
    now = timezone.now()
    member, convener = base.member, base.convener
    facilitator = base.second_member
    operator: User = UserFactory(display_name="Operator", is_staff=True, is_superuser=True)
    PermissionGroup.objects.create(name="Helpdesk")  # so the admin has one to show

    # --- the organisations: the group is A's; each has a coordinator who accepted an
    # e-mailed invitation ----------------------------------------------------------------
    def coordinated(name: str, slug: str, display_name: str) -> Coordinator:
        person: User = UserFactory(display_name=display_name)
        _organisation, invite = organisation_services.organisation_create(
            actor=operator, name=name, slug=slug, coordinator_email=person.email
        )
        assert invite is not None
        return organisation_services.coordinator_invite_accept(invite=invite, user=person)

    coordinator = coordinated("Organisation A", "organisation-a", "Cora")
    other_coordinator = coordinated("Organisation B", "organisation-b", "Bodil")
    organisation = coordinator.organisation
    organisation_services.organisation_settings_update(
        actor=coordinator.user,
        organisation=organisation,
        values={"crisis_contacts": "Support line of A: 0800 123 456"},
    )
    group.organisation = organisation
    group.save(update_fields=["organisation"])
    coordinator_invite = organisation_services.coordinator_invite_send(
        actor=coordinator.user, organisation=organisation, email="next-coordinator@example.org"
    )

    # --- a call for participants of A (issue 6, calls): the sign-up's name is for A's
    # coordinators (and operators) alone.
    call, call_draft, _signup = call_with_a_signup(
        organisation=organisation, coordinator=coordinator.user, name=mark("call_signup")
    )

    held_meeting: Meeting = MeetingFactory(
        group=group,
        number=1,
        theme_key="opening",
        state=Meeting.State.HELD,
        starts_at=now - timedelta(days=14),
        facilitator=convener,
    )
    meeting: Meeting = MeetingFactory(
        group=group,
        number=2,
        theme_key="networks",
        starts_at=now + timedelta(days=7),
        facilitator=facilitator,
        video_link=f"https://meet.example.org/{mark('video_link')}",
    )
    # The facilitator's name in this group is the group's to know.
    facilitator.display_name = mark("member_name")
    facilitator.save(update_fields=["display_name"])
    run = room_services.run_get_or_create(meeting=meeting)

    # --- the member's notebook: every worksheet kind, a free note, two takeaways ---------
    mine = access_of(member)
    notebook_services.consent_give(access=mine)
    pack = notebook_selectors.group_pack(access=mine)
    entries: dict[str, NotebookEntry] = {}
    for kind, (theme_key, task_key) in WORKSHEET_TASKS.items():
        slot = notebook_selectors.task_slot(pack=pack, theme_key=theme_key, task_key=task_key)
        assert slot is not None, (theme_key, task_key)
        if kind == "network_map":
            content = _content_for(slot, mark("shared_map"))
        elif kind == "competence":
            content = {
                "have": [
                    {"text": mark("shared_competence"), "share": True},
                    {"text": mark("nb_competence"), "share": False},
                ],
                "need": [{"text": markers["nb_competence"], "share": False}],
                "notes": markers["nb_competence"],
            }
        else:
            content = _content_for(slot, mark(f"nb_{kind}"))
        entries[kind] = notebook_services.entry_save(
            access=mine, slot=slot, entry=None, content=content, version=0
        ).entry
    for kind in ("network_map", "competence"):
        entry = entries[kind]
        slot = notebook_selectors.slot_for_entry(pack=pack, entry=entry)
        shared = notebook_services.snapshot_create(access=mine, entry=entry, slot=slot)
        if kind == "network_map":
            snapshot = shared
    # Written after sharing: the group keeps seeing the frozen copy, never this.
    map_entry = entries["network_map"]
    map_slot = notebook_selectors.slot_for_entry(pack=pack, entry=map_entry)
    map_content = dict(map_entry.content)
    map_content["notes"] = mark("nb_map_after_share")
    map_entry = notebook_services.entry_save(
        access=mine, slot=map_slot, entry=map_entry, content=map_content, version=map_entry.version
    ).entry

    note = notebook_services.note_create(access=mine, title=mark("nb_note_title"))
    note = notebook_services.entry_save(
        access=mine,
        slot=notebook_selectors.free_slot(),
        entry=note,
        content={"title": markers["nb_note_title"], "text": mark("nb_note")},
        version=note.version,
    ).entry
    slot = notebook_selectors.takeaway_slot(pack=pack, meeting=held_meeting)
    notebook_services.entry_save(
        access=mine,
        slot=slot,
        entry=None,
        content=_content_for(slot, mark("nb_takeaway")),
        version=0,
    )

    # The facilitator keeps a notebook too, and leaves an idea on the member's shared map.
    theirs = access_of(facilitator)
    notebook_services.consent_give(access=theirs)
    their_note = notebook_services.note_create(access=theirs, title=mark("nb_facilitator_note"))
    notebook_services.entry_save(
        access=theirs,
        slot=notebook_selectors.free_slot(),
        entry=their_note,
        content={"title": markers["nb_facilitator_note"], "text": markers["nb_facilitator_note"]},
        version=their_note.version,
    )
    idea = notebook_services.idea_add(access=theirs, snapshot=snapshot, text=mark("idea"))

    # --- the closing meeting (issue 6, closing): the convener shares two evaluation answers,
    # one with their name and one without; the facilitator leaves a line in the feedback.
    from booster.closing import services as closing_services
    from booster.feedback import services as feedback_services

    convener_access = access_of(convener)
    notebook_services.consent_give(access=convener_access)
    evaluation_slot = notebook_selectors.task_slot(
        pack=pack, theme_key="closing", task_key="evaluation_task"
    )
    assert evaluation_slot is not None
    evaluation = notebook_services.entry_save(
        access=convener_access,
        slot=evaluation_slot,
        entry=None,
        content={"answers": [mark("closing_signed"), "", "", mark("closing_unsigned")]},
        version=0,
    ).entry
    closing_services.evaluation_share(
        access=convener_access, entry=evaluation, choices={0: "signed", 3: "unsigned"}
    )
    feedback_services.feedback_submit(
        membership=facilitator, answers={"safe": 5, "comment": mark("feedback_comment")}
    )

    # --- the meeting is on: at its closing round the member writes what they take with
    # them, in the room's editor (which autosaves to the notebook page, as room.js does).
    room_services.command(run_id=run.pk, actor=facilitator, name="start", args={})
    room_services.command(run_id=run.pk, actor=facilitator, name="goto", args={"step": "lessons"})
    lessons = notebook_selectors.takeaway_slot(pack=pack, meeting=meeting)
    written = {f"answer-{i}": mark("room_takeaway") for i in range(len(lessons.questions))}
    written["notes"] = markers["room_takeaway"]
    client = Client()
    client.force_login(member.user)
    with translation.override("en"):
        url = reverse("notebook:takeaway", kwargs={"group_id": group.pk, "meeting_id": meeting.pk})
    response = client.post(url, {**written, "version": "0"}, HTTP_X_NOTEBOOK_AUTOSAVE="1")
    assert response.status_code == 200, response.content
    run.refresh_from_db()

    # --- the group's shared records ----------------------------------------------------
    stewards = access_of(convener)
    planning_services.goal_propose(access=mine, text=mark("goal_proposal"))
    planning_services.goals_record(access=stewards, goals=[mark("goals")], base_number=0)
    wish = planning_services.rule_wish_add(access=mine, text=mark("rule_wish"))
    planning_services.ground_rules_write(
        access=stewards,
        rules=mark("rules"),
        conflict_procedure=mark("conflict_procedure"),
        base_number=0,
    )
    agreement = mark("agreements")
    text_fields = ("schedule_notes", "roles_notes", "confidentiality_notes", "channel_notes")
    planning_services.agreements_change(
        access=stewards,
        values={name: agreement for name in text_fields if name in AGREEMENT_FIELDS},
        base_number=0,
    )
    post = board_services.post_create(access=mine, text=mark("board"))
    concern = group_services.concern_create(membership=member, text=mark("concern"))
    # The convener cannot come; the note is for those who facilitate, not for the member.
    meeting_services.absence_report(access=stewards, meeting=meeting, note=mark("absence"))

    # --- invitations, the waiting list, a removal ---------------------------------------
    invite = group_services.invite_link_create(
        actor=convener.user, group=group, days=7, role="member"
    )
    group_services.invite_emails_send(
        actor=convener.user, group=group, addresses=["invited@example.org"], days=7, role="member"
    )
    waiting = WaitingListEntry.objects.create(group=group, user=base.outsider, display_name="Olle")
    removed: Membership = MembershipFactory(group=group, user__display_name="Rita")
    removed = group_services.membership_remove(
        actor=convener.user, membership=removed, reason=mark("removal")
    )

    # --- dates: a poll, a swap request, the member's calendar feed ----------------------
    poll = meeting_services.poll_create(
        access=access_of(facilitator),
        meeting=meeting,
        slots=[now + timedelta(days=10), now + timedelta(days=11)],
        duration_minutes=150,
    )
    swap = meeting_services.swap_request(access=access_of(facilitator), meeting=meeting)
    feed = meeting_services.calendar_feed_create(user=member.user)

    # --- the other group: its own private writing ---------------------------------------
    other = access_of(base.other_member)
    other_post = board_services.post_create(access=other, text=mark("other_board"))
    notebook_services.consent_give(access=other)
    other_note = notebook_services.note_create(access=other, title=mark("other_note"))

    # The board digest goes out, so that e-mails carry what the board says.
    board_services.board_digests_send(now=timezone.now() + timedelta(seconds=1))

    return SecurityWorld(
        base=base,
        operator=operator,
        held_meeting=held_meeting,
        meeting=meeting,
        run=run,
        invite=invite,
        waiting=waiting,
        concern=concern,
        post=post,
        wish=wish,
        poll=poll,
        swap=swap,
        note=note,
        map_entry=map_entry,
        snapshot=snapshot,
        idea=idea,
        feed=feed,
        removed=removed,
        other_post=other_post,
        other_note=other_note,
        organisation=organisation,
        other_organisation=other_coordinator.organisation,
        coordinator=coordinator,
        other_coordinator=other_coordinator,
        coordinator_invite=coordinator_invite,
        call=call,
        call_draft=call_draft,
        markers=markers,
    )


def coordinator_user(base: World, role: str) -> User:
    """An account for a coordinator role in the personas' world alone (the room's socket
    matrix has no SecurityWorld): "coordinator" coordinates the group's organisation (made
    now if the group has none), "other_coordinator" another organisation."""
    from tests.factories import CoordinatorFactory

    if role == "coordinator":
        group = base.group
        if group.organisation_id is None:
            coordinator = CoordinatorFactory()
            group.organisation = coordinator.organisation
            group.save(update_fields=["organisation"])
        else:
            coordinator = CoordinatorFactory(organisation_id=group.organisation_id)
    else:
        assert role == "other_coordinator", role
        coordinator = CoordinatorFactory()
    user: User = coordinator.user
    return user
