"""Length limits everywhere: every text field of every model is either text a person types,
limited by the form (or the parser) that takes it — no more than the column holds — or
text the software writes itself. A new text field without an entry here fails."""

from __future__ import annotations

import importlib
import inspect

import pytest
from allauth.account.models import EmailAddress
from django import forms
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from booster.accounts.forms import ProfileForm, SignupForm
from booster.accounts.models import User
from booster.board.forms import PostForm
from booster.calls.forms import CallForm, DraftGroupForm, SignUpForm
from booster.closing.forms import FeedbackForm
from booster.core.crypto import EncryptedJSONField, EncryptedTextField
from booster.groups.forms import (
    ConcernForm,
    GroupCreateForm,
    GroupDetailsForm,
    JoinForm,
    MySettingsForm,
    RemoveForm,
    WaitingListForm,
)
from booster.meetings.forms import AbsenceForm, ScheduleForm
from booster.notebook.forms import IdeaForm, NoteCreateForm
from booster.notebook.worksheets import MAX_ENTRY_CHARACTERS
from booster.organisations.forms import CoordinatorInviteForm, OrganisationSettingsForm
from booster.planning.forms import (
    AgreementsForm,
    GoalProposalForm,
    GoalsRecordForm,
    GroundRulesForm,
    RuleWishForm,
)
from booster.planning.models import AGREEMENT_FIELDS, agreement_model_field
from tests.factories import UserFactory
from tests.fuzz.strategies import LONG_EMAIL


def form_modules() -> list[str]:
    """The forms module of every app of ours that has one (a new app's too)."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("booster."):
            continue
        try:
            importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.forms":
                raise
            continue
        found.append(f"{config.name}.forms")
    return found


# Text a person types: model field → the form fields that take it.
TYPED: dict[str, list[tuple[type[forms.BaseForm], str]]] = {
    "accounts.User.display_name": [(SignupForm, "display_name"), (ProfileForm, "display_name")],
    "groups.Group.name": [(GroupDetailsForm, "name"), (GroupCreateForm, "name")],
    "groups.Group.description": [(GroupDetailsForm, "description")],
    "groups.Group.place": [(GroupDetailsForm, "place")],
    "groups.Group.video_link": [(GroupDetailsForm, "video_link")],
    "groups.Membership.display_name": [
        (GroupCreateForm, "display_name"),
        (JoinForm, "display_name"),
        (MySettingsForm, "display_name"),
    ],
    "groups.Membership.removal_reason": [(RemoveForm, "reason")],
    "groups.WaitingListEntry.display_name": [(WaitingListForm, "display_name")],
    "groups.Concern.text": [(ConcernForm, "text")],
    "meetings.Meeting.place": [(ScheduleForm, "place")],
    "meetings.Meeting.video_link": [(ScheduleForm, "video_link")],
    "meetings.Absence.note": [(AbsenceForm, "note")],
    "planning.GoalProposal.text": [(GoalProposalForm, "text")],
    "planning.GoalsRecord.goals": [(GoalsRecordForm, "goals")],
    "planning.RuleWish.text": [(RuleWishForm, "text")],
    "planning.GroundRulesVersion.rules": [(GroundRulesForm, "rules")],
    "planning.GroundRulesVersion.conflict_procedure": [(GroundRulesForm, "conflict_procedure")],
    **{
        f"planning.AgreementsVersion.{name}": [(AgreementsForm, name)]
        for name in AGREEMENT_FIELDS
        if isinstance(agreement_model_field(name), models.CharField | models.TextField)
        and not agreement_model_field(name).choices
    },
    "board.Post.text": [(PostForm, "text")],
    "board.Post.link": [(PostForm, "link")],
    "notebook.MapIdea.text": [(IdeaForm, "text")],
    # Organisations (issue 6): the name and short name are typed by an operator in the
    # admin site (Django's model forms take the column's limit).
    "organisations.Organisation.crisis_contacts": [(OrganisationSettingsForm, "crisis_contacts")],
    "organisations.Organisation.controller_name": [(OrganisationSettingsForm, "controller_name")],
    "organisations.Organisation.controller_address": [
        (OrganisationSettingsForm, "controller_address")
    ],
    "organisations.Organisation.controller_email": [(OrganisationSettingsForm, "controller_email")],
    "organisations.CoordinatorInvite.email": [(CoordinatorInviteForm, "email")],
    # The programme feedback's one line (issue 6, closing).
    "feedback.FeedbackResponse.comment": [(FeedbackForm, "comment")],
    # Calls for participants (issue 6, calls).
    "calls.Call.title": [(CallForm, "title")],
    "calls.Call.description": [(CallForm, "description")],
    "calls.SignUp.name": [(SignUpForm, "name")],
    "calls.SignUp.email": [(SignUpForm, "email")],
    "calls.DraftGroup.name": [(DraftGroupForm, "name")],
    "calls.DraftGroup.place": [(DraftGroupForm, "place")],
    "calls.DraftGroup.video_link": [(DraftGroupForm, "video_link")],
    "calls.DraftGroup.guide_email": [(DraftGroupForm, "guide_email")],
}

# Typed text limited by a parser rather than a Django form, with the limit.
PARSED: dict[str, tuple[int, str]] = {
    "notebook.NotebookEntry.content": (
        MAX_ENTRY_CHARACTERS,
        "every worksheet's parser (notebook.worksheets) counts the characters of a page; "
        "a free note's title is NoteCreateForm.title",
    ),
    "accounts.User.email": (254, "allauth's forms; checked by the form fuzz on PostgreSQL"),
    "groups.Invite.email": (254, "InviteEmailForm.addresses, each address validated"),
    "calls.Call.cities": (80, "CallForm.cities, one city a line; calls.services checks each city"),
}

# Text Booster writes itself (or a choice from a fixed list), with the reason.
NOT_TYPED: dict[str, str] = {
    "organisations.Organisation.name": "typed by an operator in the admin site (model form)",
    "organisations.Organisation.slug": "typed by an operator in the admin site (model form)",
    "organisations.CoordinatorInvite.token": "made by Booster",
    "feedback.FeedbackResponse.recommend": "a choice (yes, maybe, no)",
    "calls.Call.languages": "choices",
    "calls.Call.country": "a choice",
    "calls.Call.state": "a choice",
    "calls.Call.token": "a random token",
    "calls.SignUp.email_hash": "a keyed hash made by Booster",
    "calls.SignUp.language": "a choice",
    "calls.SignUp.form": "a choice",
    "calls.SignUp.city": "one of the call's cities",
    "calls.SignUp.slots": "choices (weekday and part of the day)",
    "calls.SignUp.field_of_work": "a choice",
    "calls.DraftGroup.language": "a choice",
    "calls.DraftGroup.form": "a choice",
    "calls.DraftGroup.city": "one of the call's cities",
    "lifecycle.RetentionNotice.kind": "a choice",
    "core.AuditEntry.action": "an action name in code",
    "core.AuditEntry.data": "ids and choices only, never a word a member wrote",
    "core.OutgoingEmail.to": "a rendered e-mail",
    "core.OutgoingEmail.subject": "a rendered e-mail",
    "core.OutgoingEmail.body": "a rendered e-mail",
    "core.OutgoingEmail.html": "a rendered e-mail",
    "core.OutgoingEmail.last_error": "the mail server's answer",
    "accounts.User.password": "a password hash",
    "accounts.User.language": "a choice",
    "accounts.User.time_zone": "a choice from the zone list",
    "programme.PackVersion.pack_id": "from a validated content pack",
    "programme.PackVersion.label": "from a validated content pack",
    "programme.PackVersion.digest": "a hash",
    "programme.PackVersion.data": "a validated content pack",
    "groups.Group.language": "a choice",
    "groups.Group.form": "a choice",
    "groups.Group.country": "a choice",
    "groups.Group.time_zone": "a choice from the zone list",
    "groups.Group.state": "a choice",
    "groups.Membership.role": "a choice",
    "groups.Membership.state": "a choice",
    "groups.Invite.kind": "a choice",
    "groups.Invite.role": "a choice",
    "groups.Invite.token": "a random token",
    "groups.WaitingListEntry.state": "a choice",
    "meetings.Meeting.theme_key": "a theme of the pinned pack",
    "meetings.Meeting.form": "a choice",
    "meetings.Meeting.state": "a choice",
    "meetings.DateAnswer.answer": "a choice",
    "meetings.FacilitatorSwap.state": "a choice",
    "meetings.CalendarFeed.token": "a random token",
    "planning.AgreementsVersion.changed_fields": "field names",
    "planning.ThemePreference.theme_key": "a theme of the pinned pack",
    "planning.ThemePlanVersion.theme_keys": "themes of the pinned pack",
    "notebook.NotebookEntry.kind": "a choice",
    "notebook.NotebookEntry.theme_key": "a theme of the pinned pack",
    "notebook.NotebookEntry.task_key": "a task of the pinned pack",
    "notebook.NotebookEntry.worksheet_kind": "a worksheet kind of the pack",
    "notebook.SharedSnapshot.entry_kind": "a choice",
    "notebook.SharedSnapshot.theme_key": "copied from the entry",
    "notebook.SharedSnapshot.task_key": "copied from the entry",
    "notebook.SharedSnapshot.worksheet_kind": "copied from the entry",
    "notebook.SharedSnapshot.content": "a frozen copy of an entry's content",
    "room.MeetingRun.state": "a choice",
    "room.MeetingRun.agenda": "built from the pack; commands change minutes and order only",
    "room.MeetingRun.current": "a step id of the agenda",
    "room.MeetingRun.pairs": "membership ids",
    "room.MeetingRun.round": "membership ids",
    "room.PairPhase.step_id": "a step id of the agenda",
    "room.PairPhase.present": "membership ids",
    "room.PairPhase.pairs": "membership ids",
    "room.RoomPresence.channel_name": "made by Channels",
    **{
        f"planning.AgreementsVersion.{name}": "a choice"
        for name in AGREEMENT_FIELDS
        if agreement_model_field(name).choices
    },
}

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def text_fields() -> dict[str, models.Field]:  # type: ignore[type-arg]
    found = {}
    for model in apps.get_models():
        if not model.__module__.startswith("booster."):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, (*TEXT_FIELDS, EncryptedTextField, EncryptedJSONField)):
                found[f"{model._meta.label}.{field.name}"] = field
    return found


def test_every_text_column_is_in_the_table() -> None:
    listed = set(TYPED) | set(PARSED) | set(NOT_TYPED)
    found = set(text_fields())
    assert found - listed == set(), "new text fields: typed by people, or written by Booster?"
    assert listed - found == set(), "the table names fields that no longer exist"


@pytest.mark.parametrize("name", sorted(TYPED))
def test_typed_text_is_limited_by_its_forms_to_what_the_column_holds(name: str) -> None:
    column = text_fields()[name].max_length
    for form, field_name in TYPED[name]:
        field = form.base_fields[field_name]
        assert isinstance(field, forms.CharField), (form, field_name)
        assert field.max_length is not None, f"{form.__name__}.{field_name} has no limit"
        if column is not None:
            assert field.max_length <= column, f"{form.__name__}.{field_name} allows more"


def test_every_text_field_of_every_form_has_a_limit() -> None:
    """Also the fields of forms that no model column takes as it is (they are parsed)."""
    unlimited = []
    modules = form_modules()
    assert "booster.groups.forms" in modules
    for module_name in modules:
        module = importlib.import_module(module_name)
        for _name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module_name:
                continue
            for field_name, field in form.base_fields.items():
                if isinstance(field, forms.CharField) and field.max_length is None:
                    unlimited.append(f"{form.__name__}.{field_name}")
    assert unlimited == []


def test_a_notebook_note_title_is_limited() -> None:
    field = NoteCreateForm.base_fields["title"]
    assert isinstance(field, forms.CharField) and field.max_length == 120


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["account_signup", "account_email"])
def test_an_address_longer_than_the_column_is_refused_not_cut_short(where: str) -> None:
    """allauth would store the first 254 characters: another person's address."""
    client = Client()
    data = {"email": LONG_EMAIL}
    if where == "account_signup":
        data |= {
            "display_name": "Long",
            "language": "en",
            "time_zone": "Europe/Helsinki",
            "password1": "lantern by the sea 7",
            "password2": "lantern by the sea 7",
        }
    else:
        client.force_login(UserFactory())
        data["action_add"] = ""
    users, addresses = User.objects.count(), EmailAddress.objects.count()
    response = client.post(reverse(where), data)
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert (User.objects.count(), EmailAddress.objects.count()) == (users, addresses)
