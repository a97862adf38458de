"""The notebook's small fixed forms. Worksheet pages are parsed by ``worksheets``."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from booster.notebook.models import IDEA_MAX_LENGTH
from booster.notebook.worksheets import TITLE_MAX


class ConsentForm(forms.Form):
    agree = forms.BooleanField(
        label=_("I have read this and I want to keep a private notebook in this group."),
        error_messages={"required": _("Tick the box to agree, or go back to the group.")},
    )


class NoteCreateForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the new note"),
        max_length=TITLE_MAX,
        required=False,
        help_text=_("Optional. Only you see it."),
    )


class IdeaForm(forms.Form):
    text = forms.CharField(
        label=_("An idea, a symbol or an emoji for the presenter"),
        max_length=IDEA_MAX_LENGTH,
        help_text=format_lazy(
            _("At most {max} characters. The group sees it beside the map."), max=IDEA_MAX_LENGTH
        ),
        error_messages={
            "required": _("Write an idea, a symbol or an emoji."),
            "max_length": _("An idea can have at most %(limit_value)d characters."),
        },
    )
