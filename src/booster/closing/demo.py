"""The demo group "Tranan": a Swedish-speaking group in Helsingfors that met six times and
closed today. Its members shared their evaluation answers (the look back and the gratitude
wall) and five of them gave anonymous programme feedback, released to the organisation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from booster.accounts.models import User
from booster.closing import services as closing_services
from booster.closing.selectors import evaluation_task
from booster.feedback import services as feedback_services
from booster.groups import services as group_services
from booster.groups.models import Group, Membership
from booster.groups.permissions import GroupAccess, group_access
from booster.meetings.models import Meeting
from booster.notebook import selectors as notebook_selectors
from booster.notebook import services as notebook_services
from booster.organisations.models import Organisation
from booster.planning.services import theme_plan_record
from booster.room.models import Attendance, MeetingRun

DEMO_CLOSED_GROUP_NAME = "Tranan"
DEMO_CLOSED_CONVENER = "Henrik"
DEMO_CLOSED_MEMBERS = ("Sara", "Johan", "Elsa", "Mikael", "Linnea")
DEMO_TIME_ZONE = "Europe/Helsinki"
DEMO_THEMES = ("opening", "work_ability", "networks", "money", "competence", "closing")
DEMO_DAYS_BETWEEN = 14

# Each member's evaluation (what was good, what was challenging, what I take with me, what I
# want to say to the others), and how each answer is shared: "signed", "unsigned" or "".
# In the group's working language, as members would write them.
EVALUATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "Henrik": (
        ("Att vi alltid började i tid och lyssnade på varandra.", "signed"),
        ("Att hålla tråden när två av oss var på turné.", "signed"),
        ("Att jag inte behöver lösa allt ensam.", "unsigned"),
        ("Tack för förtroendet. Det har varit en ära att sammankalla er.", "signed"),
    ),
    "Sara": (
        ("Ärliga samtal om pengar utan skam.", "signed"),
        ("Att hitta en tid som passade alla.", "unsigned"),
        ("En budget för lugna månader och modet att höja mitt arvode.", "signed"),
        ("Ni har gjort hösten lättare. Vi ses på nästa premiär!", "signed"),
    ),
    "Johan": (
        ("Nätverkskartan öppnade ögonen för hur många jag faktiskt har runt mig.", "signed"),
        ("Att dela sådant som inte gick bra.", ""),
        ("Att be om hjälp i tid.", "signed"),
        ("Tack för skratten och allvaret.", "unsigned"),
    ),
    "Elsa": (
        ("Lugnet. Att ingen behövde prestera här.", "unsigned"),
        ("Jag var trött vid några träffar och sa nästan ingenting.", "unsigned"),
        ("Återhämtningsdagen en gång i månaden.", "signed"),
        ("Ni var precis det sällskap jag behövde i år.", "signed"),
    ),
    "Mikael": (
        ("Konkreta tips om avtal och fakturering.", "signed"),
        ("", ""),
        ("Att mina kunskaper är värda mer än jag trott.", "unsigned"),
        ("Tack, alla. Hör av er om ni behöver en ljudtekniker!", "signed"),
    ),
}

# Five answers make the first release the organisation sees. Sara has not answered, so a
# visitor logged in as Sara can try the feedback form.
FEEDBACK: dict[str, dict[str, object]] = {
    "Henrik": {"information": 4, "hope": 5, "growth": 4, "not_alone": 5, "safe": 5},
    "Johan": {"information": 5, "hope": 4, "growth": 4, "not_alone": 5, "safe": 4},
    "Elsa": {"information": 3, "hope": 4, "growth": 3, "not_alone": 5, "safe": 5},
    "Mikael": {"information": 5, "hope": 3, "growth": 4, "not_alone": 4, "safe": 4},
    "Linnea": {"information": 4, "hope": 4, "growth": 5, "not_alone": 4, "safe": None},
}
RECOMMEND = {"Henrik": "yes", "Johan": "yes", "Elsa": "yes", "Mikael": "maybe", "Linnea": "yes"}
COMMENTS = {
    "Elsa": "Gärna en träff till om återhämtning.",
    "Mikael": "Kvällstid passade bra för oss som frilansar.",
}


@transaction.atomic
def closed_group_demo_create(*, people: Mapping[str, User], organisation: Organisation) -> Group:
    """Tranan of ``organisation``: Henrik convenes, Sara, Johan, Elsa, Mikael and Linnea are
    members. ``people`` holds the demo accounts by their display names."""
    convener = people[DEMO_CLOSED_CONVENER]
    first_day = (timezone.localtime(timezone.now()) + timedelta(days=1)).date()
    group = group_services.group_create(
        user=convener,
        details=group_services.GroupDetails(
            name=DEMO_CLOSED_GROUP_NAME,
            language="sv",
            form="face_to_face",
            place="Kulturverkstans lilla sal, Helsingfors",
            video_link="",
            country="FI",
            time_zone=DEMO_TIME_ZONE,
            description="Frilansare inom kultur som träffades på plats i Helsingfors.",
            allow_late_joining=False,
        ),
        opening=group_services.OpeningMeeting(
            starts_at=group_services.opening_starts_at(
                day=first_day, at=time(17, 30), time_zone=DEMO_TIME_ZONE
            ),
            duration_minutes=150,
        ),
        display_name=convener.display_name,
        principles_accepted=True,
    )
    Group.objects.filter(pk=group.pk).update(organisation=organisation)
    group.refresh_from_db()
    for name in DEMO_CLOSED_MEMBERS:
        group_services.membership_join(
            group=group, user=people[name], display_name=name, principles_version=group.pack_version
        )
    access = group_access(user=convener, group_id=group.pk)
    theme_plan_record(access=access, theme_keys=DEMO_THEMES, base_number=0)
    group = group_services.group_set_state(actor=convener, group=group, state=Group.State.RUNNING)
    _meetings_held(group)
    for membership in group.memberships.active():
        answers = EVALUATIONS.get(membership.display_name)
        if answers is not None:
            _evaluation_share(GroupAccess(group=group, membership=membership), answers)
    group = group_services.group_set_state(actor=convener, group=group, state=Group.State.CLOSED)
    for membership in group.memberships.active():
        marks = FEEDBACK.get(membership.display_name)
        if marks is None:
            continue
        feedback_services.feedback_submit(
            membership=membership,
            answers={
                **marks,
                "recommend": RECOMMEND.get(membership.display_name, ""),
                "comment": COMMENTS.get(membership.display_name, ""),
            },
        )
    # At once rather than after the commit, so that the dashboard shows it straight away.
    feedback_services.feedback_release_due(organisation=organisation)
    return group


def _meetings_held(group: Group) -> None:
    """Move the six meetings into the past, a fortnight apart, the last two days ago, and
    mark them held (as the meeting room does when a meeting ends) with who was there —
    everyone but one member at each of the middle meetings — and the group's history
    starting before the first of them."""
    count = len(DEMO_THEMES)
    last_day = (timezone.localtime(timezone.now()) - timedelta(days=2)).date()
    meetings = list(Meeting.objects.filter(group=group).order_by("number"))
    members = list(group.memberships.active().order_by("seat", "pk"))
    for meeting in meetings:
        day = last_day - timedelta(days=DEMO_DAYS_BETWEEN * (count - meeting.number))
        starts_at = group_services.opening_starts_at(
            day=day, at=time(17, 30), time_zone=DEMO_TIME_ZONE
        )
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=starts_at, state=Meeting.State.HELD, updated_at=timezone.now()
        )
        run = MeetingRun.objects.create(meeting=meeting, state=MeetingRun.State.ENDED)
        middle = 1 < meeting.number < count
        away = members[meeting.number % len(members)] if middle and members else None
        Attendance.objects.bulk_create(
            Attendance(
                run=run,
                membership=membership,
                first_seen=starts_at + timedelta(minutes=index % 4),
                last_seen=starts_at + timedelta(minutes=meeting.duration_minutes),
                confirmed=True,
            )
            for index, membership in enumerate(members)
            if membership != away
        )
    began = timezone.now() - timedelta(days=DEMO_DAYS_BETWEEN * count + 7)
    Group.objects.filter(pk=group.pk).update(created_at=began)
    Membership.objects.filter(group=group).update(joined_at=began, principles_accepted_at=began)


def _evaluation_share(access: GroupAccess, answers: tuple[tuple[str, str], ...]) -> None:
    """Write the member's evaluation page in their notebook and share the chosen answers."""
    pack = notebook_selectors.group_pack(access=access)
    found = evaluation_task(pack)
    if found is None:
        return
    theme, task = found
    slot = notebook_selectors.task_slot(pack=pack, theme_key=theme.key, task_key=task.key)
    if slot is None:
        return
    notebook_services.consent_give(access=access)
    saved = notebook_services.entry_save(
        access=access,
        slot=slot,
        entry=None,
        content={"answers": [text for text, _choice in answers], "notes": ""},
        version=0,
    )
    closing_services.evaluation_share(
        access=access,
        entry=saved.entry,
        choices={index: choice for index, (_text, choice) in enumerate(answers)},
    )
