"""The fuzz tests' machinery: every URL from the URLconf, the HTTP methods each view takes,
the forms a page really shows, and the whole database as a comparable picture.

Nothing here knows a particular form: fields are read from the rendered page, so a field
added to a form next year is fuzzed without anyone remembering to.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.apps import apps
from django.contrib.messages import get_messages
from django.db import models, transaction
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver

from tests.fuzz.strategies import INJECTIONS

# --- the URLconf ------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" as reverse() takes it
    route: str
    callback: Callable[..., Any]


def routes() -> Iterator[Route]:
    """Every named URL pattern, walked from the root URLconf as Django's resolver sees it."""

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> Iterator[Route]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                if namespace and inner:
                    inner = f"{namespace}:{inner}"
                yield from walk(
                    pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield Route(name, prefix + str(pattern.pattern), pattern.callback)

    yield from walk(get_resolver().url_patterns, "", None)


def allowed_methods(callback: Callable[..., Any]) -> frozenset[str] | None:
    """The HTTP methods a view answers, read from ``require_http_methods`` (and its
    shortcuts) or a class-based view's handlers; None when the view does not say."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return frozenset(
            method.upper() for method in view_class.http_method_names if hasattr(view_class, method)
        )
    function: Any = callback
    while function is not None:
        for cell in getattr(function, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if (
                isinstance(value, list | tuple | set | frozenset)
                and value
                and all(isinstance(item, str) and item.isupper() for item in value)
            ):
                return frozenset(value)
        function = getattr(function, "__wrapped__", None)
    return None


def post_routes() -> dict[str, Route]:
    """Every named route that may take a POST (or does not say which methods it takes)."""
    found: dict[str, Route] = {}
    for route in routes():
        methods = allowed_methods(route.callback)
        if methods is None or "POST" in methods:
            found[route.name] = route
    return found


# --- forms on a page --------------------------------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str  # text, textarea, select, radio, checkbox, hidden, number, date, time, email, …
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False
    max_length: int | None = None


@dataclass
class PageForm:
    action: str  # an absolute path
    fields: dict[str, FormField] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (name, value)

    def baseline(self) -> dict[str, list[str]]:
        """What a browser would send without anyone touching the form."""
        data: dict[str, list[str]] = {}
        for item in self.fields.values():
            if item.kind == "checkbox":
                if item.checked:
                    data[item.name] = [item.value or "on"]
            elif item.kind in {"select", "radio"}:
                chosen = item.value or next((o for o in item.options if o), "")
                data[item.name] = [chosen]
            else:
                data[item.name] = [item.value]
        return data


class _FormParser(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[PageForm] = []
        self.current: PageForm | None = None
        self.select: FormField | None = None
        self.option_value: str | None = None
        self.option_text = ""
        self.option_selected = False
        self.textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                action = urlsplit(urljoin(self.page_path, a.get("action") or self.page_path)).path
                self.current = PageForm(action=action)
                self.forms.append(self.current)
            else:
                self.current = None
            return
        form = self.current
        if form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "image"}:
                form.buttons.append((name, a.get("value", "")))
                return
            maxlength = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
            if kind == "radio":
                item = form.fields.setdefault(name, FormField(name, "radio"))
                item.options.append(a.get("value", "on"))
                if "checked" in a:
                    item.value = a.get("value", "on")
                return
            form.fields[name] = FormField(
                name,
                kind,
                value=a.get("value", ""),
                checked="checked" in a,
                max_length=maxlength,
            )
        elif tag == "button" and name and a.get("type", "submit").lower() == "submit":
            form.buttons.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            maxlength = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
            self.textarea = FormField(name, "textarea", max_length=maxlength)
            form.fields[name] = self.textarea
        elif tag == "select" and name:
            self.select = FormField(name, "select")
            form.fields[name] = self.select
        elif tag == "option" and self.select is not None:
            self.option_value = a.get("value")
            self.option_text = ""
            self.option_selected = "selected" in a

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.value += data
        if self.select is not None and self.option_value is None:
            self.option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "textarea":
            if self.textarea is not None and self.textarea.value.startswith("\n"):
                self.textarea.value = self.textarea.value[1:]
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "option" and self.select is not None:
            value = self.option_value if self.option_value is not None else self.option_text.strip()
            self.select.options.append(value)
            if self.option_selected:
                self.select.value = value
            self.option_value = None


def page_forms(html: str, page_path: str) -> list[PageForm]:
    parser = _FormParser(page_path)
    parser.feed(html)
    return parser.forms


# --- the database as a picture ----------------------------------------------------------


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run one example inside a savepoint that is always undone."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


# The project's own apps, and allauth's e-mail addresses (sign-up and e-mail changes).
EXTRA_MODELS = ("account.EmailAddress",)


def watched_models() -> list[type[models.Model]]:
    found = [
        model
        for model in apps.get_models()
        if model.__module__.startswith("booster.") and not model._meta.proxy
    ]
    found += [apps.get_model(label) for label in EXTRA_MODELS]
    return found


State = dict[str, dict[Any, tuple[Any, ...]]]


def db_state() -> State:
    """Every row of every watched model, by primary key, with all its column values."""
    state: State = {}
    for model in watched_models():
        names = [f.attname for f in model._meta.concrete_fields]
        rows = model._default_manager.order_by().values_list(*names)
        pk_index = names.index(model._meta.pk.attname)
        state[model._meta.label] = {row[pk_index]: tuple(row) for row in rows}
    return state


def changed_rows(before: State, after: State) -> dict[str, dict[Any, set[int]]]:
    """Rows added or changed, by model and primary key, with the indexes of the columns
    that changed (every column of a new row); deletions aside."""
    changes: dict[str, dict[Any, set[int]]] = {}
    for label, rows in after.items():
        old = before.get(label, {})
        for pk, row in rows.items():
            previous = old.get(pk)
            if previous == row:
                continue
            columns = {
                index
                for index, value in enumerate(row)
                if previous is None or previous[index] != value
            }
            changes.setdefault(label, {})[pk] = columns
    return changes


def _strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings_in(key)
            yield from _strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings_in(item)


def assert_rows_coherent(changes: dict[str, dict[Any, set[int]]]) -> None:
    """Every value written passes its field's validation (length, choices, …) and holds no
    NUL character (which PostgreSQL refuses in text)."""
    for label, rows in changes.items():
        model = apps.get_model(label)
        fields = list(model._meta.concrete_fields)
        for instance in model._default_manager.filter(pk__in=list(rows)):
            written = [fields[index] for index in rows[instance.pk]]
            for model_field in written:
                for text in _strings_in(getattr(instance, model_field.attname)):
                    assert "\x00" not in text, f"{label}.{model_field.name} stored a NUL"
            instance.clean_fields(
                exclude=[f.name for f in fields if f not in written or not f.editable]
            )


# --- what a response must look like ------------------------------------------------------

ERROR_MARKERS = (
    'class="field__error"',
    'class="form-errors"',
    "field--error",
    'role="alert"',
    "message--error",
    "message--warning",
    "nb-conflict",
    "planning-conflict",
)


def is_html(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def text_of(response: HttpResponse) -> str:
    content = getattr(response, "content", b"")
    return content.decode("utf-8", errors="replace")


def assert_escaped(response: HttpResponse) -> None:
    """No injected markup comes back raw."""
    if not is_html(response):
        return
    body = text_of(response)
    for attack in INJECTIONS:
        assert attack not in body, f"raw markup in the page: {attack!r}"
        # A part of the attack that survived truncation or stripping, tag and all.
        head = attack[: attack.index("fz") + 2]
        if head.count("<"):
            assert head[head.rindex("<") :] not in body, f"raw markup in the page: {head!r}"


def has_error_marker(response: HttpResponse) -> bool:
    if response.get("Content-Type", "").startswith("application/json"):
        data = json.loads(response.content)
        # Ours ({"ok": false, "errors" or "message"}) and allauth's ({"form": {…errors}}).
        return isinstance(data, dict) and (
            data.get("ok") is False or bool({"errors", "message", "form"} & set(data))
        )
    body = text_of(response)
    return any(marker in body for marker in ERROR_MARKERS)


def queued_messages(response: HttpResponse) -> list[str]:
    request = getattr(response, "wsgi_request", None)
    if request is None:
        return []
    return [str(message) for message in get_messages(request)]
