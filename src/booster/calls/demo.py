"""The demo organisation's open call for participants, with sign-ups enough for "form groups"
to suggest two groups and leave one person for the coordinator to place by hand."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from booster.accounts.models import User
from booster.calls import services
from booster.calls.models import Call, FieldOfWork
from booster.groups.models import Country, MeetingForm
from booster.organisations.models import Organisation

DEMO_CALL_TITLE = "Vertaisryhmät keväällä – Kamratgrupper i vår"
DEMO_CALL_DESCRIPTION = (
    "Kulturverkstan kokoaa kevääksi vertaisryhmiä taiteen ja kulttuurin freelancereille. "
    "Ryhmä tapaa kuusi kertaa, etänä tai kasvokkain.\n\n"
    "Kulturverkstan samlar kamratgrupper för frilansare inom konst och kultur i vår. "
    "Gruppen träffas sex gånger, på distans eller på plats."
)
DEMO_CITIES = ["Helsinki", "Tampere"]

# name, language, form, city, the times that suit, field of work
DEMO_SIGNUPS: tuple[tuple[str, str, str, str, tuple[str, ...], str], ...] = (
    ("Emil", "fi", MeetingForm.REMOTE, "", ("tue_evening", "thu_evening"), "performing_arts"),
    ("Helmi", "fi", MeetingForm.REMOTE, "", ("mon_morning", "tue_evening"), "music"),
    ("Onni", "fi", MeetingForm.REMOTE, "", ("tue_evening", "wed_evening"), "film_media"),
    ("Venla", "fi", MeetingForm.REMOTE, "", ("tue_evening", "thu_evening"), "literature"),
    ("Ella", "sv", MeetingForm.FACE_TO_FACE, "Helsinki", ("wed_afternoon",), "visual_arts"),
    (
        "Axel",
        "sv",
        MeetingForm.FACE_TO_FACE,
        "Helsinki",
        ("wed_afternoon", "fri_morning"),
        "technical",
    ),
    ("Ida", "sv", MeetingForm.FACE_TO_FACE, "Helsinki", ("wed_afternoon", "thu_evening"), "events"),
    ("Lauri", "fi", MeetingForm.FACE_TO_FACE, "Tampere", ("sat_morning",), "education"),
)


@transaction.atomic
def call_demo_create(*, organisation: Organisation, coordinator: User) -> Call:
    """An open call of the organisation, opened a week ago, with eight sign-ups."""
    today = timezone.localdate()
    call = services.call_create(
        actor=coordinator,
        organisation=organisation,
        details=services.CallDetails(
            title=DEMO_CALL_TITLE,
            description=DEMO_CALL_DESCRIPTION,
            languages=["fi", "sv"],
            remote=True,
            cities=DEMO_CITIES,
            country=Country.FINLAND,
            opens_on=today - timedelta(days=7),
            closes_on=today + timedelta(days=21),
            retention_days=30,
        ),
    )
    call = services.call_set_state(actor=coordinator, call=call, state=Call.State.OPEN)
    for name, language, form, city, slots, field in DEMO_SIGNUPS:
        services.signup_submit(
            call=call,
            details=services.SignUpDetails(
                name=name,
                email=f"{name.lower()}@demo.booster.invalid",
                language=language,
                form=str(form),
                city=city,
                slots=list(slots),
                field_of_work=str(FieldOfWork(field)),
                consent=True,
            ),
            client_address="127.0.0.1",
        )
    return call
