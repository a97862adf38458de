"""Forms for a person's own account: the extra sign-up fields and the profile."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from booster.accounts.models import Language, User
from booster.core.timezones import DEFAULT_TIME_ZONE, time_zone_names


def _language_choices() -> list[tuple[str, str]]:
    """Each language in its own name, so that everyone can find theirs."""
    return [(code, get_language_info(code)["name_local"].capitalize()) for code in Language.values]


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


class SignupForm(forms.Form):
    """Fields allauth's sign-up form gains: the name others see, language, time zone."""

    display_name = forms.CharField(
        label=_("Name shown to others"),
        max_length=60,
        help_text=_("Your groups see this name. A first name or a pseudonym is fine."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=_language_choices)
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=_time_zone_choices, initial=DEFAULT_TIME_ZONE
    )

    field_order = ["email", "display_name", "language", "time_zone", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = get_language() or Language.SWEDISH
        self.fields["language"].initial = active if active in Language.values else "sv"

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError(_("Please write the name your groups will see."))
        return name

    def signup(self, request: HttpRequest, user: User) -> None:
        # allauth calls this after it saved the account; the adapter already copied the
        # fields, so there is nothing more to store.
        return None


class ProfileForm(forms.ModelForm[User]):
    language = forms.ChoiceField(label=_("Language"), choices=_language_choices)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zone_choices)

    class Meta:
        model = User
        fields = ["display_name", "language", "time_zone"]
        labels = {"display_name": _("Name shown to others"), "language": _("Language")}
        widgets = {"display_name": forms.TextInput(attrs={"autocomplete": "nickname"})}
