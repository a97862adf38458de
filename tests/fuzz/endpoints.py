"""Every URL that takes a POST, with who may use it, the URL's arguments and the page that
shows its form. ``tests/fuzz/test_endpoint_table.py`` fails when a URL that takes a POST
has no entry here (or an entry names a URL that no longer exists).

The fields themselves are not listed: they are read from the form on ``page`` as that
person sees it, so a new field is fuzzed as soon as it is on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.fuzz.scene import Scene
from tests.mail import last_code

Kwargs = Callable[[Scene], dict[str, Any]]


def group(scene: Scene) -> dict[str, Any]:
    return {"group_id": scene.group.pk}


def meeting(scene: Scene) -> dict[str, Any]:
    return {"group_id": scene.group.pk, "meeting_id": scene.meeting.pk}


def none(scene: Scene) -> dict[str, Any]:
    return {}


def organisation(scene: Scene) -> dict[str, Any]:
    return {"slug": scene.organisation.slug}


def call(scene: Scene) -> dict[str, Any]:
    """The organisation's open call (issue 6, calls)."""
    return {"slug": scene.organisation.slug, "call_id": scene.call_parts[0].pk}


def _request_login_code(scene: Scene, client: Client) -> None:
    user = scene.user("member")
    assert user is not None
    client.post(reverse("account_request_login_code"), {"email": user.email})


def _request_reset_code(scene: Scene, client: Client) -> None:
    user = scene.user("member")
    assert user is not None
    client.post(reverse("account_reset_password"), {"email": user.email})


def _confirm_reset_code(scene: Scene, client: Client) -> None:
    _request_reset_code(scene, client)
    user = scene.user("member")
    assert user is not None
    code = last_code(user.email)
    client.post(reverse("account_confirm_password_reset_code"), {"code": code})


def _sign_up(scene: Scene, client: Client) -> None:
    """A new account waiting for its e-mail code."""
    client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "display_name": "New",
            "language": "en",
            "time_zone": "Europe/Helsinki",
            "password1": "lantern by the sea 7",
            "password2": "lantern by the sea 7",
        },
    )


def _unusable_password(scene: Scene, client: Client) -> None:
    user = scene.user("member")
    assert user is not None
    user.set_unusable_password()
    user.save(update_fields=["password"])
    client.force_login(user)  # a new password hash ends the old session


def _request_reauthentication_code(scene: Scene, client: Client) -> None:
    _unusable_password(scene, client)
    user = scene.user("member")
    assert user is not None
    client.post(reverse("account_request_reauthentication_code"), {"recipient": user.email})


def _report_absence(scene: Scene, client: Client) -> None:
    client.post(reverse("meetings:absence", kwargs=meeting(scene)), {"note": "away"})


@dataclass(frozen=True)
class Endpoint:
    persona: str  # who may use it (see Scene.user); "anonymous" for no login
    kwargs: Kwargs = none
    # The page that shows the form (URL name and its arguments); None: the URL itself.
    page: str | None = None
    page_kwargs: Kwargs | None = None
    # The page is the answer to this POST to it (a form shown only after another one).
    page_post: Callable[[Scene], dict[str, str]] | None = None
    # Something to do first with the person's session (allauth's multi-step flows).
    prepare: Callable[[Scene, Client], None] | None = None
    # Scene objects to make before the page is read (see Scene), e.g. ("consented",).
    needs: tuple[str, ...] = ()
    # A redirect that changes nothing and says nothing is still fine (an idempotent
    # action whose page shows the state, e.g. "you have already left").
    quiet_noop: bool = False
    # Answers besides a redirect, 200, 400 and 409 that are clear pages of their own.
    statuses: tuple[int, ...] = ()
    # Extra request headers some examples send (the notebook's autosave answers JSON).
    header_variants: tuple[dict[str, str], ...] = field(default_factory=tuple)
    why: str = ""


AUTOSAVE = ({"HTTP_X_NOTEBOOK_AUTOSAVE": "1"},)
# The joining pages' own answers: 403 "the group takes no one now", 410 "this invitation
# has expired or been used" — full pages that explain, not bare errors.
JOINING_PAGES = (403, 410)

ENDPOINTS: dict[str, Endpoint] = {
    # --- accounts (ours) -------------------------------------------------------------
    "accounts:profile": Endpoint("member"),
    "accounts:set_language": Endpoint("member", page="core:home", quiet_noop=True),
    # --- allauth ----------------------------------------------------------------------
    "account_login": Endpoint("anonymous"),
    "account_logout": Endpoint("member", page="core:home", quiet_noop=True),
    "account_signup": Endpoint("anonymous"),
    "account_request_login_code": Endpoint("anonymous"),
    "account_confirm_login_code": Endpoint("anonymous", prepare=_request_login_code),
    "account_reset_password": Endpoint(
        "anonymous",
        quiet_noop=True,
        why="a success writes no row: the code goes by e-mail, the next step is in the session",
    ),
    "account_confirm_password_reset_code": Endpoint("anonymous", prepare=_request_reset_code),
    "account_complete_password_reset": Endpoint("anonymous", prepare=_confirm_reset_code),
    "account_reauthenticate": Endpoint("member"),
    "account_request_reauthentication_code": Endpoint("member", prepare=_unusable_password),
    "account_confirm_reauthentication_code": Endpoint(
        "member", prepare=_request_reauthentication_code
    ),
    "account_email": Endpoint(
        "member", quiet_noop=True, why="allauth shows the page again for an unknown action"
    ),
    "account_email_verification_sent": Endpoint("anonymous", prepare=_sign_up),
    "account_change_password": Endpoint("member"),
    "account_set_password": Endpoint("member", prepare=_unusable_password),
    # --- groups -----------------------------------------------------------------------
    "groups:create": Endpoint("member"),
    "groups:join": Endpoint(
        "outsider",
        kwargs=lambda s: {"token": s.invite.token},
        statuses=JOINING_PAGES,
    ),
    "groups:waiting_join": Endpoint(
        "outsider",
        kwargs=lambda s: {"token": s.full_invite.token},
        page="groups:join",
        page_post=lambda s: {"display_name": "Olle", "accept_principles": "on"},
        statuses=JOINING_PAGES,
    ),
    "groups:waiting": Endpoint(
        "waiting", kwargs=lambda s: {"entry_id": s.offer.pk}, statuses=JOINING_PAGES
    ),
    "groups:waiting_withdraw": Endpoint(
        "waiting", kwargs=lambda s: {"entry_id": s.offer.pk}, page="groups:waiting"
    ),
    "groups:settings": Endpoint("convener", kwargs=group),
    "groups:state": Endpoint("convener", kwargs=group, page="groups:settings"),
    "groups:my_settings": Endpoint("member", kwargs=group),
    "groups:member_remove": Endpoint(
        "convener",
        kwargs=lambda s: {"group_id": s.group.pk, "membership_id": s.world.second_member.pk},
    ),
    "groups:member_make_convener": Endpoint(
        "convener",
        kwargs=lambda s: {"group_id": s.group.pk, "membership_id": s.world.second_member.pk},
        page="groups:members",
        page_kwargs=group,
    ),
    "groups:leave": Endpoint("member", kwargs=group),
    "groups:invite_link_create": Endpoint("convener", kwargs=group, page="groups:invites"),
    "groups:invite_email_send": Endpoint("convener", kwargs=group, page="groups:invites"),
    "groups:invite_revoke": Endpoint(
        "convener",
        kwargs=lambda s: {"group_id": s.group.pk, "invite_id": s.invite.pk},
        page="groups:invites",
        page_kwargs=group,
    ),
    "groups:concern_new": Endpoint("member", kwargs=group),
    "groups:concern_acknowledge": Endpoint(
        "convener",
        kwargs=lambda s: {"group_id": s.group.pk, "concern_id": s.concern.pk},
        page="groups:concerns",
        page_kwargs=group,
    ),
    # --- planning ---------------------------------------------------------------------
    "planning:goal_propose": Endpoint("member", kwargs=group, page="planning:goals"),
    "planning:goals_record": Endpoint("convener", kwargs=group, page="planning:goals"),
    "planning:rule_wish_add": Endpoint("member", kwargs=group, page="planning:rules"),
    "planning:rule_wish_withdraw": Endpoint(
        "member",
        kwargs=lambda s: {"group_id": s.group.pk, "wish_id": s.wish.pk},
        page="planning:rules",
        page_kwargs=group,
    ),
    "planning:rules_write": Endpoint("convener", kwargs=group, page="planning:rules"),
    "planning:rules_acknowledge": Endpoint(
        "member",
        kwargs=group,
        page="planning:rules",
        needs=("rules",),
    ),
    "planning:agreements_edit": Endpoint("member", kwargs=group),
    "planning:theme_preference_toggle": Endpoint("member", kwargs=group, page="planning:themes"),
    "planning:theme_plan_record": Endpoint("convener", kwargs=group, page="planning:themes"),
    # --- meetings ---------------------------------------------------------------------
    "meetings:opening_create": Endpoint("convener", kwargs=group, page="meetings:list"),
    "meetings:rota": Endpoint("convener", kwargs=group, needs=("meeting",)),
    "meetings:edit": Endpoint("convener", kwargs=meeting),
    "meetings:cancel": Endpoint("convener", kwargs=meeting),
    "meetings:roles": Endpoint("convener", kwargs=meeting),
    "meetings:absence": Endpoint("second_member", kwargs=meeting, page="meetings:detail"),
    "meetings:absence_withdraw": Endpoint(
        "second_member",
        kwargs=meeting,
        page="meetings:detail",
        prepare=_report_absence,
    ),
    "meetings:swap_request": Endpoint("facilitator", kwargs=meeting, page="meetings:detail"),
    "meetings:swap_take": Endpoint(
        "second_member",
        kwargs=lambda s: {"group_id": s.group.pk, "swap_id": s.swap.pk},
        page="meetings:detail",
        page_kwargs=meeting,
    ),
    "meetings:swap_withdraw": Endpoint(
        "facilitator",
        kwargs=lambda s: {"group_id": s.group.pk, "swap_id": s.swap.pk},
        page="meetings:detail",
        page_kwargs=meeting,
    ),
    "meetings:poll_create": Endpoint("convener", kwargs=meeting),
    "meetings:poll": Endpoint(
        "second_member", kwargs=lambda s: {"group_id": s.group.pk, "poll_id": s.poll.pk}
    ),
    "meetings:poll_choose": Endpoint(
        "convener",
        kwargs=lambda s: {"group_id": s.group.pk, "poll_id": s.poll.pk},
        page="meetings:poll",
    ),
    "meetings:calendar_settings": Endpoint("member", kwargs=group),
    # --- board ------------------------------------------------------------------------
    "board:index": Endpoint("member", kwargs=group),
    "board:edit": Endpoint(
        "member", kwargs=lambda s: {"group_id": s.group.pk, "post_id": s.post.pk}
    ),
    "board:delete": Endpoint(
        "member", kwargs=lambda s: {"group_id": s.group.pk, "post_id": s.post.pk}
    ),
    # --- notebook (the member's own) --------------------------------------------------
    "notebook:consent": Endpoint("member", kwargs=group),
    "notebook:withdraw": Endpoint("member", kwargs=group, needs=("consented",)),
    "notebook:task": Endpoint(
        "member",
        kwargs=lambda s: {"group_id": s.group.pk, "theme_key": "networks", "task_key": "map_task"},
        needs=("consented",),
        header_variants=AUTOSAVE,
    ),
    "notebook:takeaway": Endpoint(
        "member",
        kwargs=meeting,
        needs=("consented",),
        header_variants=AUTOSAVE,
    ),
    "notebook:note_new": Endpoint(
        "member", kwargs=group, page="notebook:index", needs=("consented",)
    ),
    "notebook:note": Endpoint(
        "member",
        kwargs=lambda s: {"group_id": s.group.pk, "entry_id": s.note.pk},
        header_variants=AUTOSAVE,
    ),
    "notebook:note_delete": Endpoint(
        "member", kwargs=lambda s: {"group_id": s.group.pk, "entry_id": s.note.pk}
    ),
    "notebook:share": Endpoint(
        "member", kwargs=lambda s: {"group_id": s.group.pk, "entry_id": s.map_entry.pk}
    ),
    "notebook:snapshot_withdraw": Endpoint(
        "member", kwargs=lambda s: {"group_id": s.group.pk, "snapshot_id": s.snapshot.pk}
    ),
    "notebook:idea_add": Endpoint(
        "second_member",
        kwargs=lambda s: {"group_id": s.group.pk, "snapshot_id": s.snapshot.pk},
        page="notebook:shared",
        page_kwargs=group,
    ),
    "notebook:idea_delete": Endpoint(
        "member",
        kwargs=lambda s: {"group_id": s.group.pk, "idea_id": s.idea.pk},
        page="notebook:shared",
        page_kwargs=group,
    ),
    # --- the room ---------------------------------------------------------------------
    "room:command": Endpoint("facilitator", kwargs=meeting, page="room:room"),
    # --- closing (issue 6) ---
    "closing:share": Endpoint("member", kwargs=group, needs=("evaluation_shared",)),
    "closing:withdraw": Endpoint(
        "member", kwargs=group, page="closing:look_back", needs=("evaluation_shared",)
    ),
    "closing:feedback": Endpoint("member", kwargs=group, needs=("closing_started",)),
    "closing:feedback_skip": Endpoint(
        "member", kwargs=group, page="closing:feedback", needs=("closing_started",)
    ),
    # --- lifecycle (issue 6) ---
    # Every example runs in a savepoint that is rolled back, so even a confirmed deletion
    # leaves the scene's member for the next example and the next test.
    "accounts:delete": Endpoint("member"),
    # --- organisations (issue 6) ---
    "organisations:settings": Endpoint("coordinator", kwargs=organisation),
    "organisations:coordinator_invite": Endpoint(
        "coordinator", kwargs=organisation, page="organisations:coordinators"
    ),
    "organisations:invite_revoke": Endpoint(
        "coordinator",
        kwargs=lambda s: {"slug": s.organisation.slug, "invite_id": s.coordinator_invite.pk},
        page="organisations:coordinators",
        page_kwargs=organisation,
    ),
    "organisations:coordinator_remove": Endpoint(
        "coordinator",
        kwargs=lambda s: {
            "slug": s.organisation.slug,
            "coordinator_id": s.second_coordinator.pk,
        },
        page="organisations:coordinators",
        page_kwargs=organisation,
    ),
    "organisations:invite_accept": Endpoint(
        "invited_coordinator",
        kwargs=lambda s: {"token": s.coordinator_invite.token},
    ),
    # --- calls (issue 6) ---
    "calls:index": Endpoint("coordinator", kwargs=organisation),
    "calls:edit": Endpoint("coordinator", kwargs=call),
    "calls:set_state": Endpoint("coordinator", kwargs=call, page="calls:detail"),
    "calls:suggest": Endpoint("coordinator", kwargs=call, page="calls:form_groups"),
    "calls:draft_add": Endpoint("coordinator", kwargs=call, page="calls:form_groups"),
    "calls:move": Endpoint("coordinator", kwargs=call, page="calls:form_groups"),
    "calls:draft_update": Endpoint(
        "coordinator",
        kwargs=lambda s: {**call(s), "draft_id": s.call_parts[1].pk},
        page="calls:form_groups",
        page_kwargs=call,
    ),
    "calls:send": Endpoint("coordinator", kwargs=call, page="calls:form_groups"),
    # The public sign-up page; 429 is its clear page for too many sign-ups from one place.
    "calls_public:signup": Endpoint(
        "anonymous", kwargs=lambda s: {"token": s.call_parts[0].token}, statuses=(429,)
    ),
    # --- dashboard (issue 6) ---
}

# Routes that may take a POST but show no form of ours, each with the reason.
NOT_FORMS: dict[str, str] = {}

# Coordinators of organisations (issue 6) will use forms of their own; their personas join
# here (and Scene.user) when organisations exist.
COORDINATOR_ROLES: tuple[str, ...] = ("coordinator", "other_coordinator")
ROLES = (
    "anonymous",
    "outsider",
    "waiting",  # the outsider, offered a place from the waiting list
    "member",
    "second_member",
    "convener",
    "facilitator",
    *COORDINATOR_ROLES,
    "invited_coordinator",  # the person an open coordinator invitation was sent to
)
