"""Every form, fuzzed: each URL that takes a POST (tests/fuzz/endpoints.py, checked against
the URLconf) gets hypothesis-made values in the fields its page really shows — very long
text, nothing, white space, NUL and control characters, right-to-left text and emoji, markup
and script, SQL-ish text, numbers out of range, the wrong kinds of value, missing, extra and
repeated fields — as a person who may use the form.

Each answer must be a success or a clear error, never a server error: a page with an error
beside the form, or a redirect with a message. On an error nothing at all is written; on a
success every row written is valid (lengths, choices) and holds no NUL. Markup typed into a
field never comes back raw, on the answer or on the page a redirect leads to.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from tests.fuzz import strategies as fz
from tests.fuzz.conftest import FUZZ
from tests.fuzz.endpoints import ENDPOINTS, Endpoint
from tests.fuzz.harness import (
    FormField,
    PageForm,
    State,
    assert_escaped,
    assert_rows_coherent,
    changed_rows,
    db_state,
    has_error_marker,
    is_html,
    page_forms,
    queued_messages,
    rolled_back,
)
from tests.fuzz.scene import Scene

pytestmark = pytest.mark.django_db

REDIRECTS = {301, 302, 303}
# A form shown again (200, 400) or the newer version beside what was typed (409); an
# endpoint may add its own (Endpoint.statuses).
CLEAR_ERRORS = {200, 400, 409}
EXTRA_NAMES = ("id", "pk", "group", "group_id", "user", "role", "state", "is_convener", "author")


# What the examples of one test got (FUZZ_REPORT=1 prints it: are successes reached too?).
OUTCOMES: dict[str, int] = {}


def value_for(item: FormField) -> st.SearchStrategy[Any]:
    text = fz.nasty_text(limit=item.max_length)
    if item.kind in {"select", "radio"} and item.options:
        return st.one_of(st.sampled_from(item.options), text)
    if item.kind == "checkbox":
        return st.one_of(st.sampled_from([item.value or "on", "on", "off", "0", ""]), text)
    if item.kind == "number":
        return st.one_of(fz.nasty_number(), text)
    if item.kind == "date":
        return st.one_of(fz.nasty_date(), text)
    if item.kind == "time":
        return st.one_of(fz.nasty_time(), text)
    if item.kind == "hidden":
        return st.one_of(st.just(item.value), fz.nasty_number(), text)
    return text


TEXTY = {"text", "textarea", "email", "url", "search", "password", "tel"}


def is_emailish(item: FormField) -> bool:
    return item.kind == "email" or any(word in item.name.lower() for word in ("email", "address"))


def typical(item: FormField) -> str:
    """What a person would typically send in the field."""
    choices = [option for option in item.options if option] or item.options
    if item.kind in {"select", "radio"} and choices:
        return item.value or choices[0]
    if item.kind == "checkbox":
        return item.value or "on"
    if item.kind == "hidden" or (item.value and item.kind != "password"):
        return item.value
    if is_emailish(item):
        return "someone@example.org"
    if item.kind == "url" or "link" in item.name.lower():
        return "https://meet.example.org/room"
    if item.kind == "number":
        return "60"
    if item.kind == "date":
        return (date.today() + timedelta(days=30)).isoformat()
    if item.kind == "time":
        return "18:00"
    return "Calm words"


def plausible_for(item: FormField) -> st.SearchStrategy[Any]:
    """What a person would type, so that some examples get through validation and the
    fuzzed field is the only thing wrong with them."""
    if item.kind in {"select", "radio"} and item.options:
        choices = [option for option in item.options if option] or item.options
        return st.one_of(st.just(typical(item)), st.sampled_from(choices))
    if item.kind in {"checkbox", "hidden"} or (item.value and item.kind != "password"):
        return st.just(typical(item))
    if is_emailish(item):
        return st.integers(1, 999).map(lambda n: f"person{n}@example.org")
    if item.kind == "number":
        return st.one_of(st.just(typical(item)), st.integers(1, 200).map(str))
    if item.kind == "date":
        return st.integers(2, 300).map(
            lambda days: (date.today() + timedelta(days=days)).isoformat()
        )
    if item.kind in {"url", "time"} or "link" in item.name.lower():
        return st.just(typical(item))
    limit = item.max_length or 40
    return fz.PLAIN.filter(str.strip).map(lambda text: text[:limit])


def known_cases(forms: list[PageForm]) -> Iterator[dict[str, Any]]:
    """Each known troublemaker (NUL, 10k characters, a script, an over-long address, a
    huge number) in each field once, the other fields filled in as a person would."""
    seen = {"csrfmiddlewaretoken"}
    for form in forms:
        for name, item in form.fields.items():
            if name in seen:
                continue
            seen.add(name)
            if item.kind in TEXTY:
                values = fz.KNOWN_EMAIL if is_emailish(item) else fz.KNOWN_TEXT
            else:
                values = fz.KNOWN_OTHER
            for value in values:
                data = {other.name: [typical(other)] for other in form.fields.values()}
                data[name] = [value]
                if form.buttons:
                    button, button_value = form.buttons[0]
                    data[button] = [button_value]
                yield data


@st.composite
def payloads(draw: Any, form: PageForm) -> dict[str, Any]:
    """Either one field fuzzed and the rest filled in as a person would, or every field
    kept, fuzzed, dropped or sent twice at random."""
    data: dict[str, Any] = {}
    names = list(form.baseline())
    target = draw(st.sampled_from(names)) if names and draw(st.booleans()) else None
    for name, values in form.baseline().items():
        item = form.fields[name]
        if target is not None:
            value = value_for(item) if name == target else plausible_for(item)
            data[name] = [draw(value)]
            continue
        what = draw(st.sampled_from(("keep", "plausible", "fuzz", "fuzz", "drop", "twice")))
        if what == "keep":
            data[name] = values
        elif what == "plausible":
            data[name] = [draw(plausible_for(item))]
        elif what == "fuzz":
            data[name] = [draw(value_for(item))]
        elif what == "twice":
            data[name] = [draw(value_for(item)), draw(value_for(item))]
    for item in form.fields.values():  # an unticked box, ticked
        if item.name not in data and item.kind == "checkbox" and draw(st.booleans()):
            data[item.name] = [item.value or "on"]
    if form.buttons:
        name, value = draw(st.sampled_from(form.buttons))
        data[name] = [draw(st.one_of(st.just(value), st.just(value), fz.nasty_text()))]
    extra = draw(
        st.dictionaries(
            st.one_of(st.sampled_from(EXTRA_NAMES), st.text(min_size=1, max_size=12)),
            fz.nasty_text(),
            max_size=2,
        )
    )
    for name, value in extra.items():
        data.setdefault(name, [value])
    if data and draw(st.integers(0, 9)) == 0:  # a file where text belongs
        name = draw(st.sampled_from(sorted(data)))
        data[name] = SimpleUploadedFile("x.txt", b"\x00\xff" * 10)
    return data


def submit(
    client: Client, url: str, data: dict[str, Any], encoding: str, headers: dict[str, str]
) -> HttpResponse:
    files = any(isinstance(value, SimpleUploadedFile) for value in data.values())
    if encoding == "urlencoded" and not files:
        body = urlencode({k: v for k, v in data.items()}, doseq=True)
        return client.post(url, body, content_type="application/x-www-form-urlencoded", **headers)
    if encoding == "json":
        return client.post(url, {"fields": str(data)}, content_type="application/json", **headers)
    return client.post(url, data, **headers)


def sent_markup(data: dict[str, Any]) -> bool:
    return any(
        "fz" in value
        for values in data.values()
        if isinstance(values, list)
        for value in values
        if isinstance(value, str)
    )


def sent_nothing(response: HttpResponse) -> bool:
    request = getattr(response, "wsgi_request", None)
    return request is not None and not request.POST


def check_answer(
    *,
    endpoint: Endpoint,
    client: Client,
    response: HttpResponse,
    data: dict[str, Any],
    before: State,
) -> str:
    """Check one answer; return what happened (for hypothesis' statistics)."""
    status = response.status_code
    assert status < 500
    assert status in REDIRECTS | CLEAR_ERRORS | set(endpoint.statuses), f"status {status}"
    assert_escaped(response)
    after = db_state()
    outcome = f"{status} {'saved' if after != before else 'nothing saved'}"
    OUTCOMES[outcome] = OUTCOMES.get(outcome, 0) + 1
    if after == before:
        if status in REDIRECTS:
            assert endpoint.quiet_noop or queued_messages(response), (
                "a redirect that changed nothing must say why"
            )
        elif (is_html(response) or status >= 400) and not has_error_marker(response):
            # Only an empty POST may get its form back without a word (a browser always
            # sends at least the CSRF token).
            assert sent_nothing(response) and status == 200, (
                "an answer that changed nothing must show why"
            )
    else:
        assert status in REDIRECTS or status == 200, (
            f"status {status} is an error, yet something was written: {changed_rows(before, after)}"
        )
        assert_rows_coherent(changed_rows(before, after))
    if status in REDIRECTS and sent_markup(data):
        followed = client.get(response["Location"])
        assert followed.status_code < 500
        assert_escaped(followed)
    return outcome


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_a_form_answers_bad_input_clearly_and_saves_nothing_half_way(
    name: str, scene: Scene
) -> None:
    endpoint = ENDPOINTS[name]
    for need in endpoint.needs:
        getattr(scene, need)
    url = reverse(name, kwargs=endpoint.kwargs(scene))
    user = scene.user(endpoint.persona)
    client = Client()
    if user is not None:
        client.force_login(user)
    if endpoint.prepare is not None:
        endpoint.prepare(scene, client)
    page_url = reverse(
        endpoint.page or name, kwargs=(endpoint.page_kwargs or endpoint.kwargs)(scene)
    )
    if endpoint.page_post is not None:
        page = client.post(page_url, endpoint.page_post(scene))
    else:
        page = client.get(page_url)
    assert page.status_code == 200, f"{page_url} answered {page.status_code}"
    forms = [form for form in page_forms(page.content.decode(), page_url) if form.action == url]
    assert forms, f"no form posting to {url} on {page_url}"
    before = db_state()
    cookies = {key: morsel.value for key, morsel in client.cookies.items()}

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        form = data.draw(st.sampled_from(forms), label="form")
        payload = data.draw(payloads(form), label="payload")
        encoding = data.draw(
            st.sampled_from(("multipart", "multipart", "urlencoded", "json")), label="encoding"
        )
        headers = data.draw(st.sampled_from(({}, *endpoint.header_variants)), label="headers")
        cache.clear()  # rate limits count in the cache
        with rolled_back():
            fresh = Client()
            fresh.cookies.load(cookies)
            response = submit(fresh, url, payload, encoding, headers)
            event(
                check_answer(
                    endpoint=endpoint, client=fresh, response=response, data=payload, before=before
                )
            )

    OUTCOMES.clear()
    for payload in known_cases(forms):
        cache.clear()
        with rolled_back():
            fresh = Client()
            fresh.cookies.load(cookies)
            response = submit(fresh, url, payload, "multipart", {})
            try:
                check_answer(
                    endpoint=endpoint, client=fresh, response=response, data=payload, before=before
                )
            except AssertionError as failure:
                shown = {key: str(value)[:80] for key, value in payload.items()}
                raise AssertionError(f"{failure}\nknown case: {shown}") from failure
    run()
    if os.environ.get("FUZZ_REPORT"):
        print(f"\n{name}: {dict(sorted(OUTCOMES.items()))}")
