"""The form that asks a person to confirm the deletion of their account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from booster.accounts.models import User


class AccountDeleteForm(forms.Form):
    """Typing one's own e-mail address and password: no deletion by a stray click, nor by
    someone who finds a computer left logged in."""

    email = forms.CharField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("Type the address you log in with, to show that you mean it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Your password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            # An account that logs in by e-mailed codes alone has no password to type.
            del self.fields["password"]

    def clean_email(self) -> str:
        typed = " ".join(self.cleaned_data["email"].split()).lower()
        if typed != self.user.email.strip().lower():
            raise forms.ValidationError(
                _("This is not the address of your account. Type it exactly as you log in."),
                code="email",
            )
        return typed

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This password is not right."), code="password")
        return password
