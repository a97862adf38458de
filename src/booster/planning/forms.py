"""Forms for the planning pages. They only check the shape of what was typed; the rules
live in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from booster.planning.models import (
    AGREEMENT_FIELDS,
    AGREEMENT_TOPICS,
    TEXT_MAX,
    AgreementsVersion,
    agreement_model_field,
)
from booster.planning.services import MAX_GOALS
from booster.programme.schema import Pack, ThemeKind

NOT_AGREED = _("Not agreed yet")
# Version numbers are stored as positive integers (the database's 32-bit range).
VERSION_NUMBER_MAX = 2_147_483_647
# A hidden field came back wrong (a broken page or a tampered form): the person cannot see
# the field, so the message goes above the form.
HIDDEN_FIELD_PROBLEM = _("Something in the form was not understood. Please try again.")


def check_hidden_fields(form: forms.BaseForm) -> None:
    """Say so above the form when a hidden field was refused (its own error is invisible)."""
    if any(form[name].is_hidden for name in form.errors if name in form.fields):
        form.add_error(None, forms.ValidationError(HIDDEN_FIELD_PROBLEM, code="hidden"))


class BaseNumberMixin(forms.Form):
    """The version the person was looking at when they started editing."""

    base_number = forms.IntegerField(
        min_value=0, max_value=VERSION_NUMBER_MAX, widget=forms.HiddenInput
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_hidden_fields(self)
        return data


def set_base_number(form: forms.BaseForm, number: int) -> None:
    """Point a bound form at a newer version, so that saving after a conflict is a
    conscious choice rather than a loop of conflicts."""
    data = QueryDict(mutable=True)
    data.update(form.data)
    data[form.add_prefix("base_number")] = str(number)
    form.data = data
    if hasattr(form, "cleaned_data"):
        form.cleaned_data["base_number"] = number


class GoalProposalForm(forms.Form):
    text = forms.CharField(
        label=_("A goal you propose for the group"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: to find ways to keep a steady income between projects."),
    )


class GoalsRecordForm(BaseNumberMixin):
    goals = forms.CharField(
        label=_("The goals the group agreed"),
        # At most MAX_GOALS lines of TEXT_MAX characters, with room for list bullets.
        max_length=MAX_GOALS * (TEXT_MAX + 10),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One goal per line."),
    )


class RuleWishForm(forms.Form):
    text = forms.CharField(
        label=_("Your wish for how we work together"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Think of a group where working together went well. What made it work?"),
    )


class GroundRulesForm(BaseNumberMixin):
    rules = forms.CharField(
        label=_("The ground rules the group agreed"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    conflict_procedure = forms.CharField(
        label=_("What we do if a conflict arises"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class AgreementsForm(forms.ModelForm):  # type: ignore[type-arg]
    base_number = forms.IntegerField(
        min_value=0, max_value=VERSION_NUMBER_MAX, widget=forms.HiddenInput
    )

    class Meta:
        model = AgreementsVersion
        fields = AGREEMENT_FIELDS
        widgets = {
            "schedule_notes": forms.Textarea(attrs={"rows": 3}),
            "roles_notes": forms.Textarea(attrs={"rows": 3}),
            "confidentiality_notes": forms.Textarea(attrs={"rows": 3}),
            "absence_reporting": forms.Textarea(attrs={"rows": 3}),
            "leaving_early": forms.Textarea(attrs={"rows": 3}),
            "channel_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, pack: Pack, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = pack.rules
        counts = range(rules.min_meetings, rules.max_meetings + 1)
        self.fields["meeting_count"] = forms.TypedChoiceField(
            label=self.fields["meeting_count"].label,
            choices=[("", NOT_AGREED), *((count, str(count)) for count in counts)],
            coerce=int,
            empty_value=None,
            required=False,
            help_text=_("Between %(min)d and %(max)d, the opening and the closing included.")
            % {"min": rules.min_meetings, "max": rules.max_meetings},
        )
        self.fields["meeting_minutes"].help_text = _(
            "The model plans %(min)d–%(max)d minutes; outside that you will see a warning."
        ) % {"min": rules.meeting_minutes.min, "max": rules.meeting_minutes.max}
        self.fields["time_of_day"].help_text = _("For example: Tuesdays 17–19.30.")
        self.fields["form"].help_text = _(
            "Every meeting is wholly remote or wholly face to face, never hybrid."
        )
        self.fields["meeting_minutes"].widget.attrs.update({"min": 15, "max": 600})
        for name in AGREEMENT_FIELDS:
            field = self.fields[name]
            if isinstance(field, forms.TypedChoiceField) and name != "meeting_count":
                field.choices = [("", NOT_AGREED), *agreement_model_field(name).flatchoices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_hidden_fields(self)
        return data

    def topics(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """The fields in the model's six topics, for one fieldset each."""
        return [
            (key, str(title), [self[name] for name in names])
            for key, title, names in AGREEMENT_TOPICS
        ]


def optional_theme_choices(pack: Pack) -> list[tuple[str, str]]:
    language = get_language()
    return [(theme.key, theme.title.get(language)) for theme in pack.optional_themes()]


def meeting_count_choices(pack: Pack) -> list[tuple[int, str]]:
    return [
        (count, str(count)) for count in range(pack.rules.min_meetings, pack.rules.max_meetings + 1)
    ]


class MeetingCountForm(forms.Form):
    """Step one of the plan: how many meetings (a GET form that shows the slots)."""

    meetings = forms.TypedChoiceField(label=_("Number of meetings"), coerce=int)

    def __init__(self, *args: Any, pack: Pack, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["meetings"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = meeting_count_choices(pack)


class ThemePlanForm(BaseNumberMixin):
    """Step two: a theme for each meeting between the opening and the closing."""

    meetings = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        pack: Pack,
        count: int,
        held: dict[int, str],
        **kwargs: Any,
    ) -> None:
        # Its own ids: the page also holds the form that chooses the number of meetings.
        kwargs.setdefault("auto_id", "plan_%s")
        super().__init__(*args, **kwargs)
        self.pack = pack
        self.count = count
        choices = optional_theme_choices(pack)
        titles = {theme.key: theme.title.get(get_language()) for theme in pack.themes}
        for number in range(2, count):
            field = forms.ChoiceField(
                label=_("Meeting %(number)d") % {"number": number},
                choices=[("", _("Choose a theme")), *choices],
                error_messages={"required": _("Please choose a theme for this meeting.")},
            )
            if number in held:
                # A meeting already held keeps its theme; the browser does not send it.
                field.disabled = True
                field.initial = held[number]
                self.initial[self.slot_name(number)] = held[number]
                field.help_text = _("Already held.")
                if held[number] not in dict(choices):
                    key = held[number]
                    field.choices = [(key, titles.get(key, key))]
            self.fields[self.slot_name(number)] = field

    @staticmethod
    def slot_name(number: int) -> str:
        return f"meeting_{number}"

    def theme_keys(self) -> list[str]:
        """The whole plan from the opening to the closing, as chosen."""
        rules = self.pack.rules
        middle = [self.cleaned_data[self.slot_name(n)] for n in range(2, self.count)]
        return [rules.first_theme, *middle, rules.last_theme]


def theme_plan_initial(
    *, pack: Pack, count: int, current: list[str] | None, base_number: int
) -> dict[str, Any]:
    """Start from the current plan's middle themes, as many as fit."""
    initial: dict[str, Any] = {"meetings": count, "base_number": base_number}
    middle = [
        key
        for key in (current or [])[1:-1]
        if key in {theme.key for theme in pack.themes if theme.kind is ThemeKind.OPTIONAL}
    ]
    for number, key in zip(range(2, count), middle, strict=False):
        initial[ThemePlanForm.slot_name(number)] = key
    return initial
