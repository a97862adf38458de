"""The board's one form: a message with an optional web link."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from booster.board.models import POST_LINK_MAX_LENGTH, POST_TEXT_MAX_LENGTH, validate_link


class WebLinkField(forms.URLField):
    """A URL field that accepts http and https only (Django's default also takes ftp)."""

    default_validators = [validate_link]


class PostForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        max_length=POST_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only members and guides of this group can read the board."),
        error_messages={"required": _("Write a message.")},
    )
    link = WebLinkField(
        label=_("Link"),
        required=False,
        max_length=POST_LINK_MAX_LENGTH,
        assume_scheme="https",
        help_text=_("Optional: a web address that starts with http:// or https://."),
        error_messages={"invalid": _("Enter a web address that starts with http:// or https://.")},
    )
