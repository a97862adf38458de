"""Forms of the group pages. They check the shape of what was typed; the rules live in
services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from booster.accounts.models import Language
from booster.core.timezones import time_zone_names
from booster.groups import services
from booster.groups.models import Country, Group, Invite, MeetingForm, Membership

INVITE_EMAIL_MAX = Invite._meta.get_field("email").max_length or 254


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


class GroupDetailsForm(forms.Form):
    name = forms.CharField(label=_("Name of the group"), max_length=120)
    language = forms.ChoiceField(
        label=_("Working language"),
        choices=Language.choices,
        help_text=_("The language of the group's meetings and invitations."),
    )
    form = forms.ChoiceField(
        label=_("How the group meets"),
        choices=MeetingForm.choices,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _(
                "A group meets either remotely or face to face, never both at once. Choose one."
            )
        },
        help_text=_("Remote or face to face, never a mix of both in one meeting."),
    )
    place = forms.CharField(
        label=_("Where the group meets"),
        max_length=200,
        required=False,
        help_text=_("Needed when the group meets face to face: an address or a room."),
    )
    video_link = forms.URLField(
        label=_("Link to the video meeting"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Needed when the group meets remotely."),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=Country.choices,
        help_text=_("Booster shows the crisis contacts of this country."),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zone_choices)
    description = forms.CharField(
        label=_("A few words about the group"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    allow_late_joining = forms.BooleanField(
        label=_("People may still join after the programme has started"),
        required=False,
        initial=True,
    )

    def details(self) -> services.GroupDetails:
        data = self.cleaned_data
        return services.GroupDetails(
            name=data["name"],
            language=data["language"],
            form=data["form"],
            place=data["place"],
            video_link=data["video_link"],
            country=data["country"],
            time_zone=data["time_zone"],
            description=data["description"],
            allow_late_joining=data["allow_late_joining"],
        )

    @classmethod
    def initial_from(cls, group: Group) -> dict[str, Any]:
        return {
            field: getattr(group, field)
            for field in (
                "name",
                "language",
                "form",
                "place",
                "video_link",
                "country",
                "time_zone",
                "description",
                "allow_late_joining",
            )
        }


class GroupCreateForm(GroupDetailsForm):
    OPENING_FIXED = "fixed"
    OPENING_POLL = "poll"

    display_name = forms.CharField(
        label=_("Your name in this group"),
        max_length=60,
        help_text=_("The others see this name. A first name or a pseudonym is fine."),
    )
    opening = forms.ChoiceField(
        label=_("The opening meeting"),
        choices=(
            (OPENING_FIXED, _("I know the date and time")),
            (OPENING_POLL, _("Find a date that suits everyone with a poll")),
        ),
        widget=forms.RadioSelect,
        initial=OPENING_FIXED,
    )
    opening_date = forms.DateField(
        label=_("Date of the opening meeting"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    opening_time = forms.TimeField(
        label=_("Starts at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("In the group's time zone."),
    )
    opening_length = forms.IntegerField(
        label=_("Length in minutes"),
        min_value=30,
        max_value=360,
        initial=150,
        help_text=_("Meetings usually take 2 to 3 hours (120–180 minutes)."),
    )
    accept_principles = forms.BooleanField(
        label=_(
            "I have read the safer-space principles and the confidentiality precondition, "
            "and I accept them."
        ),
        required=True,
        error_messages={"required": _("Please read the principles and tick the box.")},
    )

    field_order = [
        "name",
        "description",
        "language",
        "form",
        "place",
        "video_link",
        "country",
        "time_zone",
        "allow_late_joining",
        "opening",
        "opening_date",
        "opening_time",
        "opening_length",
        "display_name",
        "accept_principles",
    ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("opening") == self.OPENING_FIXED:
            if not data.get("opening_date") and "opening_date" not in self.errors:
                self.add_error("opening_date", _("Choose the date, or find one with a poll."))
            if not data.get("opening_time") and "opening_time" not in self.errors:
                self.add_error("opening_time", _("Choose the time the meeting starts."))
        return data

    def opening_meeting(self) -> services.OpeningMeeting:
        data = self.cleaned_data
        starts_at = None
        if data["opening"] == self.OPENING_FIXED:
            starts_at = services.opening_starts_at(
                day=data["opening_date"], at=data["opening_time"], time_zone=data["time_zone"]
            )
        return services.OpeningMeeting(starts_at=starts_at, duration_minutes=data["opening_length"])


class GroupStateForm(forms.Form):
    state = forms.ChoiceField(label=_("State of the group"), choices=Group.State.choices)


class JoinForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name in this group"),
        max_length=60,
        help_text=_("The others see this name. A first name or a pseudonym is fine."),
    )
    accept_principles = forms.BooleanField(
        label=_(
            "I have read the safer-space principles and the confidentiality precondition, "
            "and I accept them."
        ),
        required=True,
        error_messages={"required": _("Please read the principles and tick the box to join.")},
    )


class WaitingListForm(forms.Form):
    display_name = forms.CharField(label=_("Your name in this group"), max_length=60)


class InviteLinkForm(forms.Form):
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=services.INVITE_DAYS_MIN,
        max_value=services.INVITE_DAYS_MAX,
        initial=services.INVITE_DAYS_DEFAULT,
    )
    role = forms.ChoiceField(
        label=_("Joins as"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class InviteEmailForm(InviteLinkForm):
    addresses = forms.CharField(
        label=_("E-mail addresses"),
        # An hour's allowance of the longest addresses, with separators.
        max_length=services.EMAIL_INVITES_PER_HOUR * 256,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or more, separated by commas or on separate lines."),
    )

    field_order = ["addresses", "days", "role"]

    def clean_addresses(self) -> list[str]:
        try:
            addresses = services.parse_addresses(self.cleaned_data["addresses"])
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["addresses"]) from error
        # A valid address can be longer than an invitation's column holds (254).
        too_long = [address for address in addresses if len(address) > INVITE_EMAIL_MAX]
        if too_long:
            raise forms.ValidationError(
                _("These do not look like e-mail addresses: %(wrong)s")
                % {"wrong": ", ".join(too_long)}
            )
        return addresses


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (kept in the group's records; the person won't see it)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConcernForm(forms.Form):
    text = forms.CharField(
        label=_("What worries you"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Only the group's conveners and guides can read this, and you."),
    )


class MySettingsForm(forms.Form):
    display_name = forms.CharField(label=_("Your name in this group"), max_length=60)
    reminders = forms.BooleanField(
        label=_("E-mail me a reminder before each meeting"), required=False
    )
    board_digest = forms.BooleanField(
        label=_("E-mail me a digest of new posts on the group's board"), required=False
    )
