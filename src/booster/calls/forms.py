"""Forms of calls for participants: the coordinator's call, the public sign-up, and the
forming of groups. Forms check shapes; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from booster.accounts.models import Language
from booster.calls.models import (
    DEFAULT_SIGNUP_RETENTION_DAYS,
    SLOTS,
    Call,
    DraftGroup,
    FieldOfWork,
    slot_label_lazy,
)
from booster.calls.services import CallDetails, DraftDetails, SignUpDetails, parse_cities
from booster.groups.models import Country, MeetingForm

REMOTE = "remote"
CITY_PREFIX = "city:"


class DateInput(forms.DateInput):
    input_type = "date"


class CallForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(
        label=_("Description"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown on the sign-up page: who the groups are for, and what happens next."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages offered"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Offer at least one language.")},
    )
    remote = forms.BooleanField(label=_("Remote groups are offered"), required=False)
    cities = forms.CharField(
        label=_("Cities for face-to-face groups"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One city a line. Leave empty for remote groups only."),
    )
    country = forms.ChoiceField(label=_("Country the groups meet in"), choices=Country.choices)
    opens_on = forms.DateField(label=_("Sign-up opens"), required=False, widget=DateInput)
    closes_on = forms.DateField(label=_("Sign-up closes"), required=False, widget=DateInput)
    retention_days = forms.IntegerField(
        label=_("Days to keep sign-ups never placed in a group"),
        min_value=1,
        max_value=365,
        initial=DEFAULT_SIGNUP_RETENTION_DAYS,
        help_text=_("Counted from when sign-up closes. Then they are deleted."),
    )

    @classmethod
    def for_call(cls, call: Call) -> CallForm:
        return cls(
            initial={
                "title": call.title,
                "description": call.description,
                "languages": call.languages,
                "remote": call.remote,
                "cities": "\n".join(call.cities),
                "country": call.country,
                "opens_on": call.opens_on,
                "closes_on": call.closes_on,
                "retention_days": call.retention_days,
            }
        )

    def details(self) -> CallDetails:
        data = self.cleaned_data
        return CallDetails(
            title=data["title"],
            description=data["description"],
            languages=list(data["languages"]),
            remote=data["remote"],
            cities=parse_cities(data["cities"]),
            country=data["country"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            retention_days=data["retention_days"],
        )


class CallStateForm(forms.Form):
    state = forms.ChoiceField(choices=Call.State.choices)


class SignUpForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("Your invitation to a group comes to this address."),
    )
    language = forms.ChoiceField(
        label=_("The language you would like your group to speak"), widget=forms.RadioSelect
    )
    place = forms.ChoiceField(label=_("How you would like to meet"), widget=forms.RadioSelect)
    slots = forms.MultipleChoiceField(
        label=_("Times that suit you"),
        choices=[(slot, slot_label_lazy(slot)) for slot in SLOTS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one time that suits you.")},
    )
    field_of_work = forms.ChoiceField(
        label=_("Your field of work"),
        choices=[("", "—"), *FieldOfWork.choices],
        error_messages={"required": _("Choose your field of work, or “Other”.")},
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the organisation may contact me by e-mail about placing me in a group."
        ),
        error_messages={
            "required": _(
                "Please tick the box: we can only place you in a group if we may contact you."
            )
        },
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        language_field = self.fields["language"]
        assert isinstance(language_field, forms.ChoiceField)
        language_field.choices = [
            (code, label) for code, label in Language.choices if code in call.languages
        ]
        places: list[tuple[str, str]] = []
        if call.remote:
            places.append((REMOTE, str(_("Remotely, by video"))))
        places.extend(
            (f"{CITY_PREFIX}{city}", str(_("Face to face in %(city)s") % {"city": city}))
            for city in call.cities
        )
        place_field = self.fields["place"]
        assert isinstance(place_field, forms.ChoiceField)
        place_field.choices = places

    def slot_rows(self) -> list[dict[str, Any]]:
        """The weekday × part-of-day table of checkboxes, one row a weekday."""
        from booster.calls.models import DayPart, Weekday

        by_value = {widget.data["value"]: widget for widget in self["slots"]}
        return [
            {
                "day": day.label,
                "cells": [
                    {"part": part.label, "widget": by_value[f"{day.value}_{part.value}"]}
                    for part in DayPart
                ],
            }
            for day in Weekday
        ]

    def details(self) -> SignUpDetails:
        data = self.cleaned_data
        place: str = data["place"]
        is_remote = place == REMOTE
        return SignUpDetails(
            name=data["name"],
            email=data["email"],
            language=data["language"],
            form=MeetingForm.REMOTE if is_remote else MeetingForm.FACE_TO_FACE,
            city="" if is_remote else place.removeprefix(CITY_PREFIX),
            slots=list(data["slots"]),
            field_of_work=data["field_of_work"],
            consent=data["consent"],
        )


class MoveForm(forms.Form):
    """Where one person goes: a group being formed (its id), or "unplaced"."""

    signup = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    to = forms.CharField(label=_("Move to"), max_length=20)


class DraftAddForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    place = forms.ChoiceField(label=_("Meets"))

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language_field = self.fields["language"]
        assert isinstance(language_field, forms.ChoiceField)
        language_field.choices = [
            (code, label) for code, label in Language.choices if code in call.languages
        ]
        places: list[tuple[str, str]] = []
        if call.remote:
            places.append((REMOTE, str(_("Remotely"))))
        places.extend(
            (f"{CITY_PREFIX}{city}", str(_("Face to face in %(city)s") % {"city": city}))
            for city in call.cities
        )
        place_field = self.fields["place"]
        assert isinstance(place_field, forms.ChoiceField)
        place_field.choices = places


class DraftGroupForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=120, required=False)
    place = forms.CharField(label=_("Meeting place"), max_length=200, required=False)
    video_link = forms.URLField(
        label=_("Video-meeting link"), max_length=500, required=False, assume_scheme="https"
    )
    convener = forms.TypedChoiceField(
        label=_("Convener"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("One of the group's people, who looks after the group's practical matters."),
    )
    guide_email = forms.EmailField(
        label=_("Or a guide's e-mail address"),
        required=False,
        help_text=_(
            "A guide facilitates and looks after the group without taking a member's place."
        ),
    )

    def __init__(
        self, *args: Any, draft: DraftGroup, people: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", f"draft-{draft.pk}")
        kwargs.setdefault(
            "initial",
            {
                "name": draft.name,
                "place": draft.place,
                "video_link": draft.video_link,
                "convener": draft.convener_id,
                "guide_email": draft.guide_email,
            },
        )
        super().__init__(*args, **kwargs)
        convener_field = self.fields["convener"]
        assert isinstance(convener_field, forms.TypedChoiceField)
        convener_field.choices = [("", _("No convener (a guide looks after the group)")), *people]
        if draft.form == MeetingForm.REMOTE:
            del self.fields["place"]
        else:
            del self.fields["video_link"]

    def details(self) -> DraftDetails:
        data = self.cleaned_data
        return DraftDetails(
            name=data["name"],
            place=data.get("place", ""),
            video_link=data.get("video_link", ""),
            convener_id=data["convener"],
            guide_email=data["guide_email"],
        )
