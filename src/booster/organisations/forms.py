"""Forms of the organisation pages. They check the shape of what was typed; the rules live
in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from booster.organisations.models import CoordinatorInvite, Organisation

RETENTION_MIN = 7
RETENTION_MAX = 730


def _max_length(model: type, name: str) -> int:
    length = model._meta.get_field(name).max_length  # type: ignore[attr-defined]
    assert isinstance(length, int)
    return length


class OrganisationSettingsForm(forms.Form):
    retention_days = forms.IntegerField(
        label=_("Days a closed group's content is kept"),
        min_value=RETENTION_MIN,
        max_value=RETENTION_MAX,
        help_text=_(
            "After a group closes, its records and its members' notebooks are deleted this "
            "many days later: at least 7, at most 730."
        ),
        error_messages={
            "required": _("Write a number of days, from 7 to 730."),
            "invalid": _("Write a whole number of days, from 7 to 730."),
            "min_value": _("Keep the content at least 7 days, so members can download it."),
            "max_value": _("Keep the content at most 730 days (two years)."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    crisis_contacts = forms.CharField(
        label=_("Crisis contacts"),
        required=False,
        max_length=_max_length(Organisation, "crisis_contacts"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One contact a line, for example a support line and its number. The support "
            "card of your groups shows them beside the usual crisis contacts."
        ),
    )
    controller_name = forms.CharField(
        label=_("Data controller"),
        required=False,
        max_length=_max_length(Organisation, "controller_name"),
        help_text=_("The organisation responsible for the data, as the privacy notice names it."),
    )
    controller_address = forms.CharField(
        label=_("Controller's postal address"),
        required=False,
        max_length=_max_length(Organisation, "controller_address"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    controller_email = forms.EmailField(
        label=_("Controller's e-mail for data questions"),
        required=False,
        max_length=_max_length(Organisation, "controller_email"),
        error_messages={"invalid": _("Write an e-mail address, like name@example.org.")},
    )

    def clean_crisis_contacts(self) -> str:
        text: str = self.cleaned_data["crisis_contacts"]
        lines = [" ".join(line.split()) for line in text.splitlines()]
        return "\n".join(line for line in lines if line)

    def clean_controller_name(self) -> str:
        return " ".join(str(self.cleaned_data["controller_name"]).split())


class CoordinatorInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the new coordinator"),
        max_length=_max_length(CoordinatorInvite, "email"),
        error_messages={
            "required": _("Write the e-mail address to send the invitation to."),
            "invalid": _("Write an e-mail address, like name@example.org."),
        },
        help_text=_("The invitation works once, for 14 days, for the account with this address."),
    )
