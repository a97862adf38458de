"""Read a content pack folder into a :class:`~booster.programme.schema.Pack`, or explain why not.

Every problem becomes one line, ``FILE: path.to.field: message``, with FILE relative to the
pack folder; all files are checked so that an author sees every error at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from booster.programme.schema import (
    BOOSTER_LANGUAGES,
    PART_TYPES,
    Crisis,
    Pack,
    PackBase,
    PackFile,
    Theme,
    ThemeKind,
)

# The BOOSTER programme as shipped with Booster.
BOOSTER_PACK_PATH: Path = Path(__file__).resolve().parent.parent / "packs" / "booster"

PACK_FILE = "pack.yaml"
CRISIS_FILE = "crisis.yaml"
THEMES_DIR = "themes"

ModelT = TypeVar("ModelT", bound=BaseModel)


class PackError(Exception):
    """A pack that cannot be loaded; ``errors`` holds one ``FILE: path: message`` per problem."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


# --- YAML -------------------------------------------------------------------------------


class _PackYamlLoader(yaml.SafeLoader):
    """Safe YAML that refuses duplicate mapping keys and reads only true/false as booleans.

    YAML 1.1 would read ``NO`` (Norway) or ``on`` as booleans; a pack means the text.
    """

    yaml_implicit_resolvers = {
        first: [resolver for resolver in resolvers if resolver[0] != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: the base class reports it
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_PackYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _read_yaml(folder: Path, relative: str, errors: list[str]) -> dict[str, Any] | None:
    """The mapping in one file, or None after adding its error."""
    file = folder / relative
    if not file.is_file():
        errors.append(f"{relative}: missing file")
        return None
    try:
        text = file.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=_PackYamlLoader)  # noqa: S506 - a SafeLoader subclass
    except UnicodeDecodeError as exc:
        errors.append(f"{relative}: not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = exc.problem or exc.context or "unreadable"
        errors.append(f"{relative}: {where}invalid YAML: {problem}")
        return None
    except yaml.YAMLError as exc:
        errors.append(f"{relative}: invalid YAML: {exc}")
        return None
    if data is None:
        errors.append(f"{relative}: the file is empty")
        return None
    if not isinstance(data, dict):
        errors.append(f"{relative}: the file must hold a mapping of fields, not a {_kind(data)}")
        return None
    return data


def _kind(value: object) -> str:
    return {list: "list", str: "text", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


# --- pydantic errors as lines -----------------------------------------------------------

_PATTERNS = {
    r"^[a-z0-9_]+$": "a key (lower-case letters, digits and _)",
    r"^[a-z0-9_-]+$": "a slug (lower-case letters, digits, _ and -)",
    r"^[a-z]{2,3}$": "a language code such as sv",
    r"^[A-Z]{2}$": "a two-letter country code in capitals such as FI",
    r"^https?://\S+$": "an http or https address",
}


def _location(loc: Iterable[int | str]) -> list[str]:
    """The error's path, without the tags pydantic adds for the part type of a theme."""
    path: list[str] = []
    previous: int | str | None = None
    for item in loc:
        if isinstance(previous, int) and item in PART_TYPES:
            previous = item
            continue
        path.append(str(item))
        previous = item
    return path


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return "missing required field"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "enum":
        return f"unknown value {value!r} (expected {ctx.get('expected')})"
    if kind == "union_tag_invalid":
        return f"unknown type {ctx.get('tag')!r} (expected {ctx.get('expected_tags')})"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern"))
        return f"{value!r} is not {_PATTERNS.get(pattern, f'matching {pattern}')}"
    if kind == "too_short" and ctx.get("actual_length") == 0:
        return "must not be empty"
    if kind == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
        return f"expected a text, not the number {value!r} (write it in quotes)"
    if kind == "dict_type" and isinstance(value, str):
        return "expected one text per language (sv: …, fi: …), not a single text"
    if kind in ("model_type", "model_attributes_type"):
        return f"expected a mapping of fields, not a {_kind(value)}"
    message = error["msg"]
    return message[:1].lower() + message[1:]


def _is_echo(error: ErrorDetails) -> bool:
    """A list too short only because its items had errors (reported on their own)."""
    if error["type"] != "too_short":
        return False
    value = error.get("input")
    return isinstance(value, list | tuple | dict) and len(value) >= int(
        error.get("ctx", {}).get("min_length", 0)
    )


def _validation_errors(relative: str, exc: ValidationError) -> list[str]:
    lines = []
    for error in exc.errors(include_url=False):
        if _is_echo(error):
            continue
        path = _location(error["loc"])
        if error["type"] == "union_tag_not_found":
            path.append("type")
            message = "missing required field"
        else:
            message = _message(error)
        lines.append(
            f"{relative}: {'.'.join(path)}: {message}" if path else f"{relative}: {message}"
        )
    return lines


def _validate(
    model: type[ModelT],
    data: Mapping[str, Any] | None,
    relative: str,
    context: Mapping[str, Any] | None,
    errors: list[str],
) -> ModelT | None:
    if data is None:
        return None
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        errors.extend(_validation_errors(relative, exc))
        return None


# --- checks on raw data (they run even when the file has other errors) -------------------


def _duplicate_keys(items: object, path: str, relative: str) -> list[str]:
    """Errors for items of a list whose ``key`` repeats an earlier item's."""
    if not isinstance(items, list):
        return []
    errors = []
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        key = item.get("key") if isinstance(item, dict) else None
        if not isinstance(key, str):
            continue
        if key in first_index:
            errors.append(
                f"{relative}: {path}.{index}.key: duplicate key {key!r} "
                f"(also {path}.{first_index[key]}.key)"
            )
        else:
            first_index[key] = index
    return errors


def _declared_languages(raw: Mapping[str, Any] | None, errors: list[str]) -> tuple[str, ...] | None:
    """The pack's languages, for the translation checks; None when they cannot be known."""
    languages = raw.get("languages") if raw else None
    if not isinstance(languages, list) or not all(isinstance(code, str) for code in languages):
        return None
    for index, code in enumerate(languages):
        if code not in BOOSTER_LANGUAGES:
            errors.append(
                f"{PACK_FILE}: languages.{index}: {code!r} is not one of Booster's languages "
                f"({' '.join(BOOSTER_LANGUAGES)})"
            )
        elif code in languages[:index]:
            errors.append(f"{PACK_FILE}: languages.{index}: {code!r} is listed twice")
    unique = tuple(dict.fromkeys(languages))
    return unique or None


def _str_at(raw: Mapping[str, Any] | None, *path: str) -> str | None:
    value: Any = raw
    for name in path:
        value = value.get(name) if isinstance(value, dict) else None
    return value if isinstance(value, str) else None


def _theme_list(raw: Mapping[str, Any] | None, errors: list[str]) -> list[str]:
    """The theme keys listed in pack.yaml, each once."""
    listed = raw.get("themes") if raw else None
    if not isinstance(listed, list):
        return []
    keys: list[str] = []
    for index, key in enumerate(listed):
        if not isinstance(key, str):
            continue
        if key in keys:
            errors.append(f"{PACK_FILE}: themes.{index}: duplicate theme key {key!r}")
        else:
            keys.append(key)
    return keys


def _check_path(raw: Mapping[str, Any] | None, listed: list[str], errors: list[str]) -> None:
    """The first and last themes are in the list, at its ends, and the meetings can be filled."""
    first = _str_at(raw, "rules", "first_theme")
    last = _str_at(raw, "rules", "last_theme")
    for field, key in (("first_theme", first), ("last_theme", last)):
        if key is not None and key not in listed:
            errors.append(f"{PACK_FILE}: rules.{field}: theme {key!r} is not in themes")
    raw_list = raw.get("themes") if raw else None
    if not listed or not isinstance(raw_list, list):
        return
    count = len(raw_list)
    if first in listed and raw_list[0] != first:
        errors.append(
            f"{PACK_FILE}: themes.0: the themes must begin with rules.first_theme {first!r}, "
            f"not {raw_list[0]!r}"
        )
    if last in listed and raw_list[-1] != last:
        errors.append(
            f"{PACK_FILE}: themes.{count - 1}: the themes must end with rules.last_theme "
            f"{last!r}, not {raw_list[-1]!r}"
        )
    rules = raw.get("rules") if raw else None
    max_meetings = rules.get("max_meetings") if isinstance(rules, dict) else None
    unique = rules.get("unique_themes", True) if isinstance(rules, dict) else True
    optional = len([key for key in listed if key not in (first, last)])
    if unique is True and isinstance(max_meetings, int) and max_meetings - 2 > optional:
        errors.append(
            f"{PACK_FILE}: rules.max_meetings: {max_meetings} meetings need "
            f"{max_meetings - 2} optional themes, but the pack has {optional}"
        )


def _check_kind(
    relative: str, raw: Mapping[str, Any], first: str | None, last: str | None, key: str
) -> list[str]:
    kind = raw.get("kind")
    if kind not in set(ThemeKind) or first is None or last is None:
        return []  # reported by the schema, or by the check of the rules
    if key == first and kind != ThemeKind.OPENING:
        return [f"{relative}: kind: the first theme must have kind opening, not {kind}"]
    if key == last and kind != ThemeKind.CLOSING:
        return [f"{relative}: kind: the last theme must have kind closing, not {kind}"]
    if key not in (first, last) and kind != ThemeKind.OPTIONAL:
        field = "first_theme" if kind == ThemeKind.OPENING else "last_theme"
        return [
            f"{relative}: kind: only rules.{field} may have kind {kind}; "
            f"this theme must have kind optional"
        ]
    return []


# --- the pack ---------------------------------------------------------------------------


def validate_pack(path: str | Path) -> tuple[Pack | None, list[str]]:
    """Load the pack in ``path``: the pack and no errors, or None and every error found."""
    folder = Path(path)
    if not folder.is_dir():
        return None, [f"{path}: no such pack folder"]
    errors: list[str] = []

    raw_pack = _read_yaml(folder, PACK_FILE, errors)
    languages = _declared_languages(raw_pack, errors)
    context = {"languages": languages} if languages else None
    pack_file = _validate(PackFile, raw_pack, PACK_FILE, context, errors)
    if raw_pack is not None:
        for field in ("arrangement", "preconditions", "principles", "guidelines"):
            errors.extend(_duplicate_keys(raw_pack.get(field), field, PACK_FILE))
    listed = _theme_list(raw_pack, errors)
    _check_path(raw_pack, listed, errors)

    raw_crisis = _read_yaml(folder, CRISIS_FILE, errors)
    crisis = _validate(Crisis, raw_crisis, CRISIS_FILE, context, errors)
    countries = raw_crisis.get("countries") if raw_crisis else None
    if isinstance(countries, dict):
        for code, country in countries.items():
            if isinstance(country, dict):
                errors.extend(
                    _duplicate_keys(
                        country.get("contacts"), f"countries.{code}.contacts", CRISIS_FILE
                    )
                )

    themes = _load_themes(folder, raw_pack, listed, context, errors)

    if errors or pack_file is None or crisis is None:
        return None, errors
    fields = {name: getattr(pack_file, name) for name in PackBase.model_fields}
    pack = Pack.model_validate(
        {**fields, "themes": [themes[key] for key in pack_file.themes], "crisis": crisis},
        context=context,
    )
    return pack, []


def _load_themes(
    folder: Path,
    raw_pack: Mapping[str, Any] | None,
    listed: list[str],
    context: Mapping[str, Any] | None,
    errors: list[str],
) -> dict[str, Theme]:
    """Validate every listed theme file and every file in themes/; the valid ones by key."""
    theme_dir = folder / THEMES_DIR
    files = sorted(theme_dir.glob("*.yaml")) if theme_dir.is_dir() else []
    on_disk = {file.stem for file in files}
    # Kinds are checked only against first and last themes that are really on the list.
    first = _str_at(raw_pack, "rules", "first_theme")
    last = _str_at(raw_pack, "rules", "last_theme")
    first = first if first in listed else None
    last = last if last in listed else None
    raw_list = raw_pack.get("themes") if raw_pack else None
    themes: dict[str, Theme] = {}
    for key in [*listed, *sorted(on_disk - set(listed))]:
        relative = f"{THEMES_DIR}/{key}.yaml"
        if key not in on_disk:
            index = raw_list.index(key) if isinstance(raw_list, list) else 0
            errors.append(f"{PACK_FILE}: themes.{index}: no file {relative} for theme {key!r}")
            continue
        if key not in listed:
            errors.append(f"{relative}: key: theme {key!r} is not listed in {PACK_FILE} themes")
        raw = _read_yaml(folder, relative, errors)
        if raw is None:
            continue
        theme = _validate(Theme, raw, relative, context, errors)
        written_key = raw.get("key")
        if isinstance(written_key, str) and written_key != key:
            errors.append(
                f"{relative}: key: {written_key!r} does not match the file name {key}.yaml"
            )
        errors.extend(_duplicate_keys(raw.get("parts"), "parts", relative))
        errors.extend(_check_kind(relative, raw, first, last, key))
        if theme is not None:
            themes[key] = theme
    return themes


def load_pack(path: str | Path) -> Pack:
    """The valid pack in ``path``; :class:`PackError` with every error otherwise."""
    pack, errors = validate_pack(path)
    if pack is None:
        raise PackError(errors)
    return pack


def summary_line(pack: Pack) -> str:
    """One line about a valid pack, e.g. ``booster 1.0: 9 themes, 21 tasks, languages sv fi en``."""
    return (
        f"{pack.id} {pack.version}: {pack.theme_count} themes, {pack.task_count} tasks, "
        f"languages {' '.join(pack.languages)}"
    )
