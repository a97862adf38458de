"""Forms for meetings: times are typed in the viewer's own time zone."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import from_current_timezone
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booster.groups.models import MeetingForm, Membership
from booster.meetings.models import DateAnswer, DateSlot, Meeting
from booster.meetings.selectors import SEAT_ORDER, SlotRow
from booster.meetings.services import MAX_MINUTES, MIN_MINUTES
from booster.meetings.templatetags.meetings_tags import format_when

POLL_ROWS = 6


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


def zone_help() -> str:
    return str(
        _("In your time zone, %(zone)s. You can change it in your settings.")
        % {"zone": timezone.get_current_timezone_name()}
    )


def combine_local(day: date, moment: time) -> datetime:
    """A date and a time typed in the viewer's zone, as an aware datetime."""
    return from_current_timezone(datetime.combine(day, moment))


def local_when(value: datetime) -> str:
    return format_when(timezone.localtime(value))


def _duration_field(initial: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Length in minutes"),
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
        initial=initial,
        help_text=_("The programme plans 120–180 minutes for a meeting."),
    )


class ScheduleForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    duration_minutes = forms.IntegerField(label=_("Length in minutes"))
    form = forms.ChoiceField(
        label=_("Form"),
        choices=MeetingForm.choices,
        widget=forms.RadioSelect,
        help_text=_("The whole meeting is either remote or face to face, never both."),
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("Needed when you meet face to face."),
    )
    video_link = forms.URLField(
        label=_("Video-meeting link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Needed when the meeting is remote."),
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        group = meeting.group
        initial = {
            "duration_minutes": meeting.duration_minutes,
            "form": meeting.form or group.form,
            "place": meeting.place or group.place,
            "video_link": meeting.video_link or group.video_link,
        }
        if meeting.starts_at is not None:
            local = timezone.localtime(meeting.starts_at)
            initial["date"] = local.date()
            initial["time"] = local.time().replace(second=0, microsecond=0)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"] = _duration_field(meeting.duration_minutes)
        self.fields["time"].help_text = zone_help()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, moment = cleaned.get("date"), cleaned.get("time")
        if day is not None and moment is not None:
            try:
                cleaned["starts_at"] = combine_local(day, moment)
            except ValidationError as error:
                self.add_error("time", error)
        return cleaned


class PollCreateForm(forms.Form):
    """Up to six proposed times (date and time rows) and the meeting's length."""

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"] = _duration_field(meeting.duration_minutes)
        for row in range(1, POLL_ROWS + 1):
            self.fields[f"date_{row}"] = forms.DateField(
                label=_("Date"), required=False, widget=DateInput()
            )
            self.fields[f"time_{row}"] = forms.TimeField(
                label=_("Starts at"), required=False, widget=TimeInput()
            )

    def rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(row, self[f"date_{row}"], self[f"time_{row}"]) for row in range(1, POLL_ROWS + 1)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        slots: list[datetime] = []
        for row in range(1, POLL_ROWS + 1):
            day, moment = cleaned.get(f"date_{row}"), cleaned.get(f"time_{row}")
            if f"date_{row}" in self.errors or f"time_{row}" in self.errors:
                continue
            if day is None and moment is None:
                continue
            if day is None:
                self.add_error(f"date_{row}", _("Give the date for this time too."))
                continue
            if moment is None:
                self.add_error(f"time_{row}", _("Give the time for this date too."))
                continue
            try:
                slots.append(combine_local(day, moment))
            except ValidationError as error:
                self.add_error(f"time_{row}", error)
        cleaned["slots"] = slots
        return cleaned


class PollAnswerForm(forms.Form):
    """One yes / if need be / no per proposed time."""

    def __init__(self, *args: Any, slots: list[DateSlot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slots = slots
        for slot in slots:
            self.fields[f"slot_{slot.pk}"] = forms.ChoiceField(
                label=local_when(slot.starts_at),
                choices=DateAnswer.Answer.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Answer for this time.")},
            )

    def answers(self) -> dict[int, str]:
        return {slot.pk: self.cleaned_data[f"slot_{slot.pk}"] for slot in self.slots}


class PollChooseForm(forms.Form):
    slot = forms.TypedChoiceField(
        label=_("The time for the meeting"), coerce=int, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, rows: list[SlotRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        for row in rows:
            label = _("%(when)s — yes %(yes)s, if need be %(maybe)s, no %(no)s") % {
                "when": local_when(row.slot.starts_at),
                "yes": row.yes,
                "maybe": row.maybe,
                "no": row.no,
            }
            if row.suits_everyone:
                label = _("%(choice)s (suits everyone)") % {"choice": label}
            choices.append((row.slot.pk, label))
        self.fields["slot"].choices = choices  # type: ignore[attr-defined]
        self.fields["slot"].error_messages["required"] = _("Choose one of the times.")


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Someone in the group by their chosen name; guides are marked."""

    def label_from_instance(self, obj: Membership) -> str:
        if obj.is_guide:
            return str(_("%(name)s (guide)") % {"name": obj.display_name})
        return obj.display_name


class RolesForm(forms.Form):
    facilitator = PersonChoiceField(
        label=_("Facilitator"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
        help_text=_("Leads the conversation and keeps the time. A member or a guide."),
    )
    timekeeper = PersonChoiceField(
        label=_("Timekeeper (optional)"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("The facilitator keeps the time"),
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"facilitator": meeting.facilitator_id, "timekeeper": meeting.timekeeper_id}
        )
        super().__init__(*args, **kwargs)
        people = Membership.objects.active().filter(group_id=meeting.group_id)
        people = people.order_by(*SEAT_ORDER)
        for name in ("facilitator", "timekeeper"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = people


class AbsenceForm(forms.Form):
    note = forms.CharField(
        label=_("A note for the facilitator (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the facilitator, the conveners and the guides see it."),
    )
