"""The expected-access tables: who may open every URL, send every room message, and read
every kind of private writing. Each table is checked for completeness against the code, so a
URL, a message type or a marker added without an entry here fails the suite.

Roles: ``anonymous`` (no account), ``outsider`` (an account, no group), ``other_member`` (a
member of another group), ``member`` (a plain member of the group), ``convener``, ``guide``,
``facilitator`` (the plain member who facilitates the group's next meeting) and ``operator``
(``is_staff`` and ``is_superuser``, but no place in the group).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# The hook for organisations (issue 6): "coordinator" (of the group's organisation) and
# "other_coordinator" (of another organisation) join here. Every test then runs as them too;
# SecurityWorld.user() fails until the world gives them an account; ``rule()`` treats them as
# people without a place in the group (404 for group content, which is what coordinators get:
# metadata and aggregates on their own pages, never a group's writing) unless a rule names
# them; and SEES keeps every marker from them unless an entry names them.
COORDINATOR_ROLES: tuple[str, ...] = ("coordinator", "other_coordinator")

ROLES: tuple[str, ...] = (
    "anonymous",
    "outsider",
    "other_member",
    "member",
    "convener",
    "guide",
    "facilitator",
    "operator",
    *COORDINATOR_ROLES,
)
GROUP_ROLES = frozenset({"member", "convener", "guide", "facilitator"})
STEWARD_ROLES = frozenset({"convener", "guide"})
SIGNED_IN = frozenset(ROLES) - {"anonymous"}

# --- outcomes -------------------------------------------------------------------------
OK = "ok"  # 200, or a redirect that stays where it was (the same group's pages)
LOGIN = "login"  # a redirect to the login page, which comes back afterwards
NOT_FOUND = "404"  # group content: its existence is never revealed
FORBIDDEN = "403"  # a place in the group, but not the right one
BACK = "back"  # a redirect back to the group's pages with an error, nothing changed
NOT_ALLOWED = "405"  # the wrong HTTP method
ADMIN_LOGIN = "admin_login"  # the admin site sends everyone but staff to its login

GET = "GET"
POST = "POST"
GET_POST = "GET,POST"


@dataclass(frozen=True)
class Rule:
    """Who may use a URL. ``allowed`` roles get OK; every other role gets its entry in
    ``refused``. ``methods`` is what the view accepts; ``post`` is a stricter rule for the
    POST of a page that everyone in the group may read (the rota, for example)."""

    kind: str
    allowed: frozenset[str]
    refused: Mapping[str, str]
    methods: str = GET
    post: Rule | None = None
    note: str = ""

    def __post_init__(self) -> None:
        named = set(self.allowed) | set(self.refused)
        missing = set(ROLES) - named
        assert not missing, f"rule {self.kind} says nothing about {sorted(missing)}"
        assert not set(self.allowed) & set(self.refused), self.kind

    def get_outcome(self, role: str) -> str:
        """What a GET by ``role`` answers."""
        if self.methods == POST:
            # The login check runs before the method check.
            refusal = self.refused.get(role)
            return refusal if refusal in (LOGIN, ADMIN_LOGIN) else NOT_ALLOWED
        return OK if role in self.allowed else self.refused[role]

    def post_outcome(self, role: str) -> str | None:
        """What an empty POST by ``role`` answers; None for a role that may POST (the sweep
        only POSTs as roles that are refused)."""
        rule = self.post or self
        if role in rule.allowed:
            return None
        refusal = rule.refused[role]
        if self.methods == GET and refusal != LOGIN:
            return NOT_ALLOWED
        return refusal


def rule(
    kind: str,
    allowed: frozenset[str] | set[str],
    *,
    in_group: str = FORBIDDEN,
    outside: str = NOT_FOUND,
    anonymous: str = LOGIN,
    methods: str = GET,
    post: Rule | None = None,
    note: str = "",
) -> Rule:
    """A rule for group content: those not allowed get ``in_group`` when they have a place
    in the group, ``outside`` when they do not, ``anonymous`` when not signed in."""
    refused: dict[str, str] = {}
    for role in ROLES:
        if role in allowed:
            continue
        if role == "anonymous":
            refused[role] = anonymous
        elif role in GROUP_ROLES:
            refused[role] = in_group
        else:
            refused[role] = outside
    return Rule(kind, frozenset(allowed), refused, methods=methods, post=post, note=note)


def with_methods(base: Rule, methods: str, *, post: Rule | None = None) -> Rule:
    return Rule(base.kind, base.allowed, base.refused, methods=methods, post=post, note=base.note)


EVERYONE = frozenset(ROLES)
PUBLIC = Rule("PUBLIC", EVERYONE, {})
LOGIN_REQUIRED = rule("LOGIN", SIGNED_IN)
# A secret in the URL is the key (the calendar feed, an invitation link).
TOKEN = Rule("TOKEN", EVERYONE, {})
TOKEN_SIGNED_IN = rule("TOKEN", SIGNED_IN)
# Any active member or guide of the group in the URL; the page shows that person's own view
# (their own notebook, their own concerns).
MEMBER = rule("MEMBER", GROUP_ROLES)
# Conveners and guides (groups.permissions.require_steward).
STEWARD = rule("STEWARD", STEWARD_ROLES)
# Whoever facilitates the meeting in the URL: a steward or its assigned facilitator
# (meetings.permissions.can_facilitate).
FACILITATOR = rule("FACILITATOR", STEWARD_ROLES | {"facilitator"})
# Whoever records the group's decisions: a steward or the facilitator of the next meeting
# (meetings.permissions.can_record_decisions; the world's next meeting is the facilitator's).
RECORDER = rule("RECORDER", STEWARD_ROLES | {"facilitator"})
# The coordinators of the world group's organisation, and operators
# (organisations.permissions.organisation_access); group members are no different from
# strangers there.
COORDINATING = rule("COORDINATING", {"coordinator", "operator"}, in_group=NOT_FOUND)
STAFF = Rule(
    "STAFF",
    frozenset({"operator"}),
    {r: ADMIN_LOGIN for r in ROLES if r != "operator"},
    methods=GET_POST,
)


def owner(role: str, *, in_group: str = NOT_FOUND, methods: str = GET, note: str = "") -> Rule:
    """Only the person whose object the URL names (another member's id is a 404 in the
    notebook, a 403 on the board where posts are shown to all)."""
    return rule("OWNER", {role}, in_group=in_group, methods=methods, note=note)


def posts(base: Rule) -> Rule:
    return with_methods(base, POST)


def gets_and_posts(base: Rule, *, post: Rule | None = None) -> Rule:
    return with_methods(base, GET_POST, post=post)


# The organisation's dashboard (issue 6): its coordinators and operators. Built from ROLES,
# so it holds before and after the coordinator roles join.
DASHBOARD = rule("COORDINATOR", {"coordinator", "operator"} & set(ROLES), in_group=NOT_FOUND)


# A call for participants (issue 6, calls): the coordinators of its organisation and
# operators. Built from ROLES, so it holds before and after the coordinator roles join.
CALLING = rule(
    "CALLING", frozenset({"coordinator", "operator"}) & frozenset(ROLES), in_group=NOT_FOUND
)


# --- every URL pattern by name ----------------------------------------------------------
ACCESS: dict[str, Rule] = {
    # Machine endpoints and public pages.
    "root": PUBLIC,
    "health": PUBLIC,
    "calendar:feed": TOKEN,
    "core:home": PUBLIC,
    "core:help": PUBLIC,
    "core:privacy": PUBLIC,
    "programme:overview": PUBLIC,
    "programme:theme": PUBLIC,
    # A person's own account.
    "accounts:profile": gets_and_posts(LOGIN_REQUIRED),
    "accounts:set_language": posts(PUBLIC),
    # allauth's own flows: no group content; each answers a page or a redirect to the next
    # stage of its flow (for example, the login page sends a signed-in person on).
    "account_login": PUBLIC,
    "account_logout": PUBLIC,
    "account_inactive": PUBLIC,
    "account_signup": PUBLIC,
    "account_reauthenticate": LOGIN_REQUIRED,
    "account_request_reauthentication_code": LOGIN_REQUIRED,
    "account_confirm_reauthentication_code": LOGIN_REQUIRED,
    "account_email": LOGIN_REQUIRED,
    # Sends anyone without a pending sign-up on (the anonymous to the login page, without
    # a "next": there is nothing to come back to).
    "account_email_verification_sent": PUBLIC,
    "account_change_password": LOGIN_REQUIRED,
    "account_set_password": LOGIN_REQUIRED,
    "account_reset_password": PUBLIC,
    "account_confirm_login_code": PUBLIC,
    "account_confirm_password_reset_code": PUBLIC,
    "account_complete_password_reset": PUBLIC,
    "account_password_reset_completed": PUBLIC,
    "account_request_login_code": PUBLIC,
    # Groups: my groups, joining, the waiting list.
    "groups:mine": LOGIN_REQUIRED,
    "groups:create": gets_and_posts(LOGIN_REQUIRED),
    "groups:join": gets_and_posts(TOKEN),
    "groups:waiting_join": posts(TOKEN_SIGNED_IN),
    # The waiting-list entry is the outsider's own.
    "groups:waiting": owner("outsider", methods=GET_POST),
    "groups:waiting_withdraw": owner("outsider", methods=POST),
    # One group.
    "groups:home": MEMBER,
    "groups:settings": gets_and_posts(STEWARD),
    "groups:state": posts(STEWARD),
    "groups:my_settings": gets_and_posts(MEMBER),
    "groups:members": MEMBER,
    "groups:member_remove": gets_and_posts(STEWARD),
    "groups:member_make_convener": posts(STEWARD),
    "groups:leave": gets_and_posts(MEMBER),
    "groups:invites": STEWARD,
    "groups:invite_link_create": posts(STEWARD),
    "groups:invite_email_send": posts(STEWARD),
    "groups:invite_revoke": posts(STEWARD),
    # Everyone sees the concerns they raised; stewards see them all.
    "groups:concerns": MEMBER,
    "groups:concern_new": gets_and_posts(MEMBER),
    "groups:concern_acknowledge": posts(STEWARD),
    # Planning: everyone reads and proposes; whoever facilitates records.
    "planning:goals": MEMBER,
    "planning:goal_propose": posts(MEMBER),
    "planning:goals_record": posts(RECORDER),
    "planning:rules": MEMBER,
    "planning:rule_wish_add": posts(MEMBER),
    # The wish is the member's; the service refuses anyone else with PermissionDenied.
    "planning:rule_wish_withdraw": owner("member", in_group=FORBIDDEN, methods=POST),
    "planning:rules_write": posts(RECORDER),
    "planning:rules_acknowledge": posts(MEMBER),
    "planning:agreements": MEMBER,
    "planning:agreements_edit": gets_and_posts(MEMBER),
    "planning:agreements_history": MEMBER,
    "planning:agreements_version": MEMBER,
    "planning:themes": MEMBER,
    # Guides are not members and do not mark themes.
    "planning:theme_preference_toggle": posts(
        rule("MEMBER_NOT_GUIDE", {"member", "convener", "facilitator"})
    ),
    "planning:theme_plan_record": posts(RECORDER),
    # Meetings.
    "meetings:list": MEMBER,
    "meetings:opening_create": posts(STEWARD),
    "meetings:rota": gets_and_posts(MEMBER, post=STEWARD),
    "meetings:detail": MEMBER,
    "meetings:edit": gets_and_posts(FACILITATOR),
    "meetings:cancel": gets_and_posts(FACILITATOR),
    "meetings:roles": gets_and_posts(STEWARD),
    "meetings:absence": posts(MEMBER),
    "meetings:absence_withdraw": posts(MEMBER),
    # Only the assigned facilitator asks for a swap (and withdraws it); the others take it.
    "meetings:swap_request": posts(rule("ASSIGNED_FACILITATOR", {"facilitator"})),
    "meetings:swap_take": posts(
        rule(
            "MEMBER",
            {"member", "convener", "guide"},
            in_group=BACK,
            note="the one who asked cannot take their own swap",
        )
    ),
    "meetings:swap_withdraw": owner("facilitator", in_group=FORBIDDEN, methods=POST),
    "meetings:ics": MEMBER,
    "meetings:poll_create": gets_and_posts(FACILITATOR),
    "meetings:poll": gets_and_posts(MEMBER),
    "meetings:poll_choose": posts(FACILITATOR),
    "meetings:calendar_settings": gets_and_posts(MEMBER),
    # The board: everyone reads and writes; a post is changed by its author alone.
    "board:index": gets_and_posts(MEMBER),
    "board:edit": owner("member", in_group=FORBIDDEN, methods=GET_POST),
    "board:delete": owner("member", in_group=FORBIDDEN, methods=GET_POST),
    # The notebook: every page is the requester's own notebook (a person without consent is
    # sent to the consent page); ids of someone else's pages are 404.
    "notebook:index": MEMBER,
    "notebook:consent": gets_and_posts(MEMBER),
    "notebook:withdraw": gets_and_posts(MEMBER),
    "notebook:task": gets_and_posts(MEMBER),
    "notebook:takeaway": gets_and_posts(MEMBER),
    "notebook:note_new": posts(MEMBER),
    "notebook:note": owner("member", methods=GET_POST),
    "notebook:note_delete": owner("member", methods=GET_POST),
    "notebook:share": owner("member", methods=GET_POST),
    "notebook:picture": owner("member"),
    "notebook:shared": MEMBER,
    "notebook:snapshot_withdraw": owner("member", methods=GET_POST),
    "notebook:idea_add": posts(MEMBER),
    # The idea on the member's shared map was left by the facilitator.
    "notebook:idea_delete": owner("facilitator", methods=POST),
    "notebook:export_markdown": MEMBER,
    "notebook:export_json": MEMBER,
    "notebook:export_pdf": MEMBER,
    "notebook:print": MEMBER,
    # The live room: the group's members and guides; each command is checked by the room's
    # services (see WS_ACCESS), the form only carries it.
    "room:room": MEMBER,
    "room:state": MEMBER,
    "room:command": posts(MEMBER),
    "room:presenter": MEMBER,
    "room:guide": MEMBER,
    "room:guide_pdf": MEMBER,
    "room:handouts": MEMBER,
    "room:handouts_pdf": MEMBER,
    "room:tool": MEMBER,
    # --- closing: look back, gratitude wall, feedback (issue 6, closing) ---
    # Everyone in the group reads the look back and shares their own answers (withdrawing
    # names the member's own answer in the form; anyone else's is refused with a message).
    "closing:look_back": MEMBER,
    "closing:share": gets_and_posts(MEMBER),
    "closing:withdraw": posts(MEMBER),
    # Members answer the feedback; guides read a page that says they are not asked.
    "closing:feedback": gets_and_posts(
        MEMBER, post=rule("MEMBER_NOT_GUIDE", {"member", "convener", "facilitator"})
    ),
    "closing:feedback_skip": posts(rule("MEMBER_NOT_GUIDE", {"member", "convener", "facilitator"})),
    # The feedback's free lines: conveners and guides only.
    "closing:feedback_comments": STEWARD,
    # --- group records and retention (issue 6, lifecycle) ---
    # The group's records (goals, rules, agreements, plan, look back): its members and guides.
    "lifecycle:records": MEMBER,
    "lifecycle:records_json": MEMBER,
    "lifecycle:records_pdf": MEMBER,
    # A person's own data: exporting it all, deleting the account (typed address and
    # password, rate-limited).
    "accounts:export": LOGIN_REQUIRED,
    "accounts:delete": gets_and_posts(LOGIN_REQUIRED),
    # --- organisations, coordinators, dashboard, audit (issue 6, organisations) ---
    # Everyone signed in has a list of the organisations they coordinate (empty for most).
    "organisations:mine": LOGIN_REQUIRED,
    # An organisation's pages: its coordinators and operators; everyone else, the other
    # organisation's coordinator included, gets a 404 (the organisation is not revealed).
    "organisations:home": COORDINATING,
    "organisations:settings": gets_and_posts(COORDINATING),
    "organisations:coordinators": COORDINATING,
    "organisations:coordinator_invite": posts(COORDINATING),
    "organisations:invite_revoke": posts(COORDINATING),
    "organisations:coordinator_remove": posts(COORDINATING),
    "organisations:audit": COORDINATING,
    # The world's invitation was sent to the coordinator, who already coordinates (and is
    # sent on to the organisation); for every other account it is the wrong one (403).
    "organisations:invite_accept": Rule(
        "INVITED",
        frozenset({"coordinator"}),
        {r: LOGIN if r == "anonymous" else FORBIDDEN for r in ROLES if r != "coordinator"},
        methods=GET_POST,
    ),
    # --- calls for participants (issue 6, calls) ---
    # A call's pages: the coordinators of its organisation and operators
    # (calls.permissions.call_access); everyone else, the other organisation's coordinator
    # and the group's own members included, gets a 404.
    "calls:index": gets_and_posts(CALLING),
    "calls:detail": CALLING,
    "calls:edit": gets_and_posts(CALLING),
    "calls:set_state": posts(CALLING),
    "calls:form_groups": CALLING,
    "calls:suggest": posts(CALLING),
    "calls:draft_add": posts(CALLING),
    "calls:move": posts(CALLING),
    "calls:draft_update": posts(CALLING),
    "calls:send": posts(CALLING),
    # The public sign-up page: no account needed, the call's unguessable token is the key.
    "calls_public:signup": gets_and_posts(TOKEN),
    "calls_public:thanks": TOKEN,
    # --- dashboard, feedback reports (issue 6, dashboard) ---
    # Metadata and released aggregates: the organisation's coordinators and operators;
    # everyone else, in the group or not, a 404 (organisations.permissions).
    "dashboard:index": DASHBOARD,
    "dashboard:csv": DASHBOARD,
    "dashboard:pdf": DASHBOARD,
}

# The admin site is one group: its operator against everyone else. Its login page is open
# to all (staff are sent on to the index); its logout takes a POST only, and sends everyone
# else to the index (and so to the login).
ADMIN: Rule = STAFF
ADMIN_EXCEPTIONS: dict[str, Rule] = {
    "admin:login": PUBLIC,
    "admin:logout": Rule(
        "STAFF", frozenset({"operator"}), dict(STAFF.refused), methods=POST, note="POST only"
    ),
}

# Models that may be registered in the admin site: accounts and e-mail addresses (to help
# someone who is locked out), Django's permission groups, and the read-only programme
# versions. None holds anything a member wrote. Registering any other model (a notebook
# entry, an outgoing e-mail, room presence, a board post…) fails the suite until it is
# reviewed here.
# Organisations and their coordinators are registered so that operators can create an
# organisation and name its coordinators: names, addresses in the privacy notice and who
# coordinates, nothing a member wrote.
ADMIN_MODELS_ALLOWED = frozenset(
    {
        "accounts.user",
        "account.emailaddress",
        "auth.group",
        "programme.packversion",
        "organisations.organisation",
        "organisations.coordinator",
    }
)


# --- every room message type --------------------------------------------------------------
DRIVER = "DRIVER"  # the run's facilitator: whoever drives the meeting now
ANY_MEMBER = "ANY_MEMBER"  # anyone in the room (members and guides)
SPEAKER_OR_DRIVER = "SPEAKER_OR_DRIVER"  # the person whose turn it is, or the driver
TAKE_OVER = "TAKE_OVER"  # a convener, a guide or the meeting's assigned facilitator
WRITER = "WRITER"  # anyone who writes in the room: members, not guides (their own page only)

WS_ACCESS: dict[str, str] = {
    "ping": ANY_MEMBER,
    "snapshot": ANY_MEMBER,
    "start": DRIVER,
    "next": DRIVER,
    "back": DRIVER,
    "goto": DRIVER,
    "pause": DRIVER,
    "resume": DRIVER,
    "add_time": DRIVER,
    "end": DRIVER,
    "handover": DRIVER,
    "take_over": TAKE_OVER,
    "agenda_minutes": DRIVER,
    "agenda_skip": DRIVER,
    "agenda_move": DRIVER,
    "agenda_apply_proposal": DRIVER,
    "agenda_rebuild": DRIVER,
    "pairs_shuffle": DRIVER,
    "pairs_move": DRIVER,
    "round_next": DRIVER,
    "round_pass": SPEAKER_OR_DRIVER,
    "attendance": DRIVER,
    # Saving the sender's own notebook page of the current step (tests/room/test_writing.py).
    "write": WRITER,
}


@dataclass(frozen=True)
class Seats:
    """Who holds which seat in the room under test: the convener has taken the lead, the
    meeting's assigned facilitator is the facilitator, and the member has the turn in the
    round."""

    driver: str = "convener"
    assigned: str = "facilitator"
    speaker: str = "member"


def ws_expected(kind: str, role: str, seats: Seats) -> str:
    """What a message of rule ``kind`` from ``role`` gets: "ok" (it is carried out),
    "forbidden" (an error event with that code), or another error code that is not a refusal
    ("invalid": the driver cannot take over from themselves)."""
    assert role in GROUP_ROLES, role
    if kind == ANY_MEMBER:
        return "ok"
    if kind == DRIVER:
        return "ok" if role == seats.driver else "forbidden"
    if kind == SPEAKER_OR_DRIVER:
        return "ok" if role in (seats.driver, seats.speaker) else "forbidden"
    if kind == WRITER:
        return "forbidden" if role == "guide" else "ok"
    if kind == TAKE_OVER:
        if role == seats.driver:
            return "invalid"
        return "ok" if role in STEWARD_ROLES or role == seats.assigned else "forbidden"
    raise AssertionError(f"unknown room rule {kind}")


# --- who may read each kind of private writing --------------------------------------------
# A secret-token URL shows its owner's view to whoever holds the token: the calendar feed
# in the world is the member's, so what it shows is judged as shown to the member.
TOKEN_OWNER: dict[str, str] = {"calendar:feed": "member"}

OWNER_ONLY = frozenset({"member"})
GROUP = GROUP_ROLES
NOBODY: frozenset[str] = frozenset()

SEES: dict[str, frozenset[str]] = {
    # The member's notebook, every worksheet kind, read by its owner alone.
    "nb_expectations": OWNER_ONLY,
    "nb_resources_demands": OWNER_ONLY,
    "nb_recovery_day": OWNER_ONLY,
    "nb_self_presentation": OWNER_ONLY,
    "nb_goals": OWNER_ONLY,
    "nb_collaboration": OWNER_ONLY,
    "nb_appreciative_interview": OWNER_ONLY,
    "nb_evaluation": OWNER_ONLY,
    "nb_plain": OWNER_ONLY,
    # Competence items not marked for sharing, and the page's notes.
    "nb_competence": OWNER_ONLY,
    # Written on the network map after it was shared: the group keeps the frozen copy.
    "nb_map_after_share": OWNER_ONLY,
    "nb_note_title": OWNER_ONLY,
    "nb_note": OWNER_ONLY,
    "nb_takeaway": OWNER_ONLY,
    # Written in the room's closing round (the room saves it to the notebook).
    "room_takeaway": OWNER_ONLY,
    # The facilitator's own notebook: not the member's to read.
    "nb_facilitator_note": frozenset({"facilitator"}),
    # What the member shared with the group, and an idea left on the shared map.
    "shared_map": GROUP,
    "shared_competence": GROUP,
    "idea": GROUP,
    # The closing evaluation's shared answers (signed and unsigned) are the group's look
    # back; the feedback's free line is for the conveners and guides alone.
    "closing_signed": GROUP,
    "closing_unsigned": GROUP,
    "feedback_comment": frozenset({"convener", "guide"}),
    # A name someone gave when signing up to a call: the call's coordinators and operators.
    "call_signup": frozenset({"coordinator", "operator"}),
    # The group's records and board, its meeting link and the names its people go by.
    "video_link": GROUP,
    "member_name": GROUP,
    "goal_proposal": GROUP,
    "goals": GROUP,
    "rule_wish": GROUP,
    "rules": GROUP,
    "conflict_procedure": GROUP,
    "agreements": GROUP,
    "board": GROUP,
    # A concern is for its author and the stewards (not for the facilitator).
    "concern": frozenset({"member", "convener", "guide"}),
    # The convener's absence note is for those who facilitate the meeting, not the member.
    "absence": frozenset({"convener", "guide", "facilitator"}),
    # Kept for the group's records; shown to nobody.
    "removal": NOBODY,
    # The other group's writing, seen by its own member only.
    "other_board": frozenset({"other_member"}),
    "other_note": frozenset({"other_member"}),
}
