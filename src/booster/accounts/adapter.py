"""How allauth creates accounts and sends its e-mails for Booster."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from booster.accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        # A valid address may be longer than the column holds; allauth would store it cut
        # short (another address), so refuse it (sign-up and adding an address alike).
        if len(email) > (User._meta.get_field("email").max_length or 254):
            raise ValidationError(_("Enter a valid email address."), code="invalid")
        return super().clean_email(email)

    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.display_name = data.get("display_name") or user.email.split("@")[0]
        user.language = data.get("language") or translation.get_language() or "sv"
        user.time_zone = data.get("time_zone") or user.time_zone
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Write every account e-mail in the language of the person who receives it.
        user = context.get("user")
        if user is None:
            user = User.objects.filter(email__iexact=email).first()
        language = getattr(user, "language", None) or translation.get_language() or "sv"
        with translation.override(language):
            super().send_mail(template_prefix, email, context)
