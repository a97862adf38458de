"""The closing pages' forms: sharing evaluation answers and the anonymous feedback."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from booster.feedback.models import STATEMENTS, Agreement, Recommend

COMMENT_MAX_LENGTH = 500

SHARE_CHOICES = (
    ("", pgettext_lazy("share", "Not shared")),
    ("signed", _("Share with my name")),
    ("unsigned", _("Share without my name")),
)


class ShareForm(forms.Form):
    """One choice per answer of the member's evaluation page."""

    def __init__(self, *args: Any, questions: list[tuple[int, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index, question, _answer in questions:
            self.fields[f"answer-{index}"] = forms.ChoiceField(
                label=question,
                choices=SHARE_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _("Choose: not shared, with my name, or without my name.")
                },
            )

    def choices(self) -> dict[int, str]:
        return {
            int(name.split("-", 1)[1]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("answer-")
        }


_AGREEMENT_ERROR = _(
    "Choose one of the five answers, from “strongly disagree” to “strongly agree”."
)


class FeedbackForm(forms.Form):
    """Five statements on an agreement scale, a recommendation and one line. All optional."""

    recommend = forms.ChoiceField(
        label=_("Would you recommend such a group to a colleague?"),
        choices=Recommend.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose yes, maybe or no.")},
    )
    comment = forms.CharField(
        label=_("One line for the group's conveners and guides (optional)"),
        help_text=_(
            "Only this group's conveners and guides read it, without your name. "
            "The organisation never sees it."
        ),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"maxlength": COMMENT_MAX_LENGTH, "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statements: dict[str, forms.Field] = {
            key: forms.TypedChoiceField(
                label=str(label),
                choices=Agreement.choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _AGREEMENT_ERROR},
            )
            for key, label in STATEMENTS
        }
        # The statements come first, in the order of the booklet.
        self.fields = {**statements, **self.fields}

    @property
    def statement_fields(self) -> list[forms.BoundField]:
        return [self[key] for key, _label in STATEMENTS]

    def answers(self) -> dict[str, object]:
        data = self.cleaned_data
        answers: dict[str, object] = {key: data.get(key) for key, _label in STATEMENTS}
        answers["recommend"] = data.get("recommend") or ""
        answers["comment"] = " ".join((data.get("comment") or "").split())
        return answers
