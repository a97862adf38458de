"""Pydantic models of a content pack (docs/content-packs.md): the programme as validated data.

The models are pure (no Django) so a pack can be checked anywhere. Cross-file rules (theme
files against the theme list, kinds of the first and last theme) live in ``loader``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

# The languages Booster itself speaks; a pack declares a subset of them.
BOOSTER_LANGUAGES: tuple[str, ...] = ("sv", "fi", "en")

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]+$")]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
Minutes = Annotated[int, Field(gt=0)]


class ThemeKind(StrEnum):
    OPENING = "opening"
    OPTIONAL = "optional"
    CLOSING = "closing"


class PhaseMode(StrEnum):
    ALONE = "alone"
    PAIRS = "pairs"
    GROUP = "group"
    ROUND = "round"


class WorksheetKind(StrEnum):
    EXPECTATIONS = "expectations"
    RESOURCES_DEMANDS = "resources_demands"
    RECOVERY_DAY = "recovery_day"
    COMPETENCE = "competence"
    SELF_PRESENTATION = "self_presentation"
    GOALS = "goals"
    COLLABORATION = "collaboration"
    NETWORK_MAP = "network_map"
    APPRECIATIVE_INTERVIEW = "appreciative_interview"
    EVALUATION = "evaluation"


class ToolKind(StrEnum):
    GOALS = "goals"
    GROUND_RULES = "ground_rules"
    AGREEMENTS = "agreements"
    THEME_PLAN = "theme_plan"


class Frozen(BaseModel):
    """Base of every pack model: immutable, and unknown fields are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _context_languages(info: ValidationInfo) -> tuple[str, ...] | None:
    context = info.context
    if isinstance(context, Mapping):
        languages = context.get("languages")
        if isinstance(languages, list | tuple):
            return tuple(str(language) for language in languages)
    return None


class I18nText(RootModel[dict[LanguageCode, str]]):
    """A text in every language of its pack: ``{"sv": ..., "fi": ..., "en": ...}``.

    Validated with ``context={"languages": [...]}`` (as the loader does), every declared
    language must be present and non-empty, no other language may appear, and the entries
    are kept in the pack's order so that the first one is the pack's first language.
    """

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _in_pack_order(cls, value: Any, info: ValidationInfo) -> Any:
        languages = _context_languages(info)
        if languages and isinstance(value, Mapping):
            rank = {language: index for index, language in enumerate(languages)}
            return dict(sorted(value.items(), key=lambda item: rank.get(item[0], len(rank))))
        return value

    @model_validator(mode="after")
    def _complete(self, info: ValidationInfo) -> Self:
        languages = _context_languages(info)
        if languages is None:
            return self
        unknown = [language for language in self.root if language not in languages]
        if unknown:
            raise PydanticCustomError(
                "unknown_language",
                "language {unknown} is not among the pack's languages ({languages})",
                {"unknown": ", ".join(unknown), "languages": " ".join(languages)},
            )
        missing = [language for language in languages if not self.root.get(language, "").strip()]
        if missing:
            raise PydanticCustomError(
                "missing_translation",
                "missing translation for {missing}",
                {"missing": ", ".join(missing)},
            )
        return self

    def get(self, language: str | None = None) -> str:
        """The text in ``language``, else in the pack's first language."""
        if language:
            text = self.root.get(language) or self.root.get(language.split("-")[0].lower())
            if text:
                return text
        return next(iter(self.root.values()), "")

    def __str__(self) -> str:
        return self.get()


class DurationRange(Frozen):
    """A planning range in minutes, ``{min: 30, max: 45}``."""

    min: Minutes
    max: Minutes

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min > self.max:
            raise PydanticCustomError(
                "duration_order",
                "minimum {min} is longer than maximum {max}",
                {"min": self.min, "max": self.max},
            )
        return self

    def __add__(self, other: DurationRange) -> DurationRange:
        return DurationRange(min=self.min + other.min, max=self.max + other.max)


# --- pack.yaml --------------------------------------------------------------------------


class Rules(Frozen):
    max_members: Annotated[int, Field(gt=1)]
    min_meetings: Annotated[int, Field(ge=2)]
    max_meetings: Annotated[int, Field(ge=2)]
    meeting_minutes: DurationRange
    first_theme: Key
    last_theme: Key
    unique_themes: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.min_meetings > self.max_meetings:
            raise PydanticCustomError(
                "meetings_order",
                "min_meetings {min} is more than max_meetings {max}",
                {"min": self.min_meetings, "max": self.max_meetings},
            )
        if self.first_theme == self.last_theme:
            raise PydanticCustomError(
                "same_first_last",
                "first_theme and last_theme are both {key}",
                {"key": self.first_theme},
            )
        return self


class ArrangementItem(Frozen):
    """One point of how a group is arranged (size, form, length…), for the public page."""

    key: Key
    title: I18nText
    text: I18nText


class Precondition(Frozen):
    key: Key
    text: I18nText


class Principle(Frozen):
    key: Key
    title: I18nText
    text: I18nText


class Guideline(Frozen):
    key: Key
    text: I18nText


class RoundQuestions(Frozen):
    """A round where each member answers in turn, timed per person."""

    title: I18nText
    questions: tuple[I18nText, ...] = Field(min_length=1)
    per_person_minutes: DurationRange


class TimedText(Frozen):
    title: I18nText
    text: I18nText
    duration: DurationRange


class TimedQuestions(Frozen):
    title: I18nText
    questions: tuple[I18nText, ...] = Field(min_length=1)
    duration: DurationRange


class MeetingStart(Frozen):
    title: I18nText
    checkin: RoundQuestions
    rules: TimedText
    first_meeting_rules: TimedText


class MeetingBreak(Frozen):
    title: I18nText
    text: I18nText
    minutes: Minutes
    every_minutes: Minutes


class MeetingClose(Frozen):
    title: I18nText
    lessons: RoundQuestions
    observations: TimedQuestions


class MeetingFrame(Frozen):
    """What every meeting shares around its theme: start, breaks and close."""

    start: MeetingStart
    introduction_minutes: DurationRange
    break_: MeetingBreak = Field(alias="break")
    close: MeetingClose


# --- themes/<key>.yaml ------------------------------------------------------------------


class Phase(Frozen):
    """One step of a task: who works with whom, for how long, on what."""

    mode: PhaseMode
    duration: DurationRange
    instructions: I18nText
    questions: tuple[I18nText, ...] = ()


class Introduction(Frozen):
    type: Literal["introduction"]
    key: Key
    title: I18nText
    text: I18nText


class Task(Frozen):
    type: Literal["task"]
    key: Key
    title: I18nText
    text: I18nText
    duration: DurationRange
    worksheet: WorksheetKind | None = None
    tool: ToolKind | None = None
    phases: tuple[Phase, ...] = Field(min_length=1)

    @field_validator("phases")
    @classmethod
    def _phases_fit(cls, phases: tuple[Phase, ...], info: ValidationInfo) -> tuple[Phase, ...]:
        duration = info.data.get("duration")
        if not isinstance(duration, DurationRange):
            return phases  # the duration has its own error
        least = sum(phase.duration.min for phase in phases)
        most = sum(phase.duration.max for phase in phases)
        if least > duration.max:
            raise PydanticCustomError(
                "phases_too_long",
                "the phases take at least {least} min, more than the task's maximum {max}",
                {"least": least, "max": duration.max},
            )
        if most < duration.min:
            raise PydanticCustomError(
                "phases_too_short",
                "the phases take at most {most} min, less than the task's minimum {min}",
                {"most": most, "min": duration.min},
            )
        return phases

    @property
    def phase_minutes(self) -> DurationRange:
        """The sum of the phases' ranges."""
        total = self.phases[0].duration
        for phase in self.phases[1:]:
            total = total + phase.duration
        return total


Part = Annotated[Introduction | Task, Field(discriminator="type")]
PART_TYPES: frozenset[str] = frozenset({"introduction", "task"})


class Theme(Frozen):
    key: Key
    kind: ThemeKind
    title: I18nText
    local_title: I18nText | None = None
    summary: I18nText
    parts: tuple[Part, ...] = Field(min_length=1)
    ending: I18nText | None = None

    def tasks(self) -> list[Task]:
        return [part for part in self.parts if isinstance(part, Task)]

    def introductions(self) -> list[Introduction]:
        return [part for part in self.parts if isinstance(part, Introduction)]

    def numbered_parts(self) -> list[tuple[int, Introduction | Task]]:
        """The parts in order, each with its number among parts of its type (1, 2, …)."""
        counts = {"introduction": 0, "task": 0}
        numbered: list[tuple[int, Introduction | Task]] = []
        for part in self.parts:
            counts[part.type] += 1
            numbered.append((counts[part.type], part))
        return numbered

    @property
    def task_minutes(self) -> DurationRange | None:
        """The sum of the tasks' ranges, None when the theme has no task."""
        tasks = self.tasks()
        if not tasks:
            return None
        total = tasks[0].duration
        for task in tasks[1:]:
            total = total + task.duration
        return total


# --- crisis.yaml ------------------------------------------------------------------------


class CrisisNotice(Frozen):
    title: I18nText
    text: I18nText
    emergency: I18nText


class CrisisContact(Frozen):
    key: Key
    name: I18nText
    number: Annotated[str, StringConstraints(min_length=1)]
    languages: tuple[LanguageCode, ...] = Field(min_length=1)
    hours: I18nText
    always_open: bool = False
    url: Url | None = None


class Country(Frozen):
    name: I18nText
    contacts: tuple[CrisisContact, ...] = Field(min_length=1)


class Crisis(Frozen):
    notice: CrisisNotice
    countries: dict[CountryCode, Country]


# --- the pack ---------------------------------------------------------------------------


class PackBase(Frozen):
    """The fields of pack.yaml other than the theme list."""

    id: Slug
    version: Annotated[str, StringConstraints(min_length=1)]
    languages: tuple[LanguageCode, ...] = Field(min_length=1)
    title: I18nText
    summary: I18nText
    purpose: I18nText
    rules: Rules
    arrangement: tuple[ArrangementItem, ...] = ()
    preconditions: tuple[Precondition, ...] = ()
    principles: tuple[Principle, ...] = ()
    principles_source: I18nText | None = None
    confidentiality: I18nText
    guidelines: tuple[Guideline, ...] = ()
    meeting: MeetingFrame


class PackFile(PackBase):
    """pack.yaml as written: the themes are keys, each with a file in themes/."""

    themes: tuple[Key, ...] = Field(min_length=2)


class Pack(PackBase):
    """A whole validated pack: pack.yaml with its themes in order, and crisis.yaml."""

    themes: tuple[Theme, ...]
    crisis: Crisis

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Pack:
        """Parse data as dumped by :meth:`to_data` (e.g. from the database)."""
        return cls.model_validate(data, context={"languages": data.get("languages")})

    def to_data(self) -> dict[str, Any]:
        """The pack as JSON-safe data that :meth:`from_data` reads back."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    @property
    def first_language(self) -> str:
        return self.languages[0]

    def theme(self, key: str) -> Theme:
        """The theme with this key; KeyError when there is none."""
        for theme in self.themes:
            if theme.key == key:
                return theme
        raise KeyError(key)

    def theme_neighbours(self, key: str) -> tuple[Theme | None, Theme | None]:
        """The themes before and after this one on the path."""
        keys = [theme.key for theme in self.themes]
        index = keys.index(key)
        before = self.themes[index - 1] if index > 0 else None
        after = self.themes[index + 1] if index + 1 < len(self.themes) else None
        return before, after

    @property
    def first_theme(self) -> Theme:
        return self.theme(self.rules.first_theme)

    @property
    def last_theme(self) -> Theme:
        return self.theme(self.rules.last_theme)

    def optional_themes(self) -> list[Theme]:
        return [theme for theme in self.themes if theme.kind is ThemeKind.OPTIONAL]

    def tasks(self) -> list[Task]:
        """Every task of every theme, in path order."""
        return [task for theme in self.themes for task in theme.tasks()]

    def iter_parts(self) -> Iterator[tuple[Theme, Introduction | Task]]:
        for theme in self.themes:
            for part in theme.parts:
                yield theme, part

    @property
    def theme_count(self) -> int:
        return len(self.themes)

    @property
    def task_count(self) -> int:
        return len(self.tasks())

    @property
    def introduction_count(self) -> int:
        return sum(len(theme.introductions()) for theme in self.themes)
