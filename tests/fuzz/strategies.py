"""Hypothesis strategies for bad input: what a careless browser, a script or an attacker
might put into a form field or a room message.

Every HTML payload carries the marker ``fz`` so that a test can look for it, unescaped, in
any page the server sends back (a raw ``<script>`` elsewhere in a page is the page's own).
"""

from __future__ import annotations

import string
from typing import Any

from hypothesis import strategies as st

# Markup and script that must never come back raw. Each contains "fz" and a "<".
INJECTIONS = (
    "<script>alert('fz')</script>",
    '"><img src=x onerror=alert("fz")>',
    "<svg onload=alert('fz')>",
    "</textarea><b class=fz>bold</b>",
    "<a href='javascript:alert(\"fz\")'>fz</a>",
    "<!--fz--><style>body{display:none}</style>",
)

SQLISH = (
    "'; DROP TABLE groups_group; --",
    "1 OR 1=1",
    '" OR ""="',
    "1; SELECT pg_sleep(1)",
    "%s%s%s",
    "%(name)s",
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "../../../../etc/passwd",
    "\\x00",
)

ODD = (
    "",
    " ",
    "   \t\n  ",
    "\x00",
    "a\x00b",
    "\x00" * 20,
    "\r\n\r\n",
    "\x07\x08\x0b\x0c\x1b[31m",
    "\u202eevil\u202c",  # right-to-left override
    "שלום עולם",  # Hebrew (RTL)
    "مرحبا بالعالم",  # Arabic (RTL)
    "😀🎉👩‍👩‍👧‍👦🏳️‍🌈",
    "\u200b\u200c\u200d\ufeff",  # zero-width characters and a BOM
    "e\u0301\u0301\u0301\u0301",  # stacked combining accents
    "Ⅻ",
    "١٢٣",  # Arabic-Indic digits (int() accepts them)
    "ＡＢＣ１２３",  # full-width
    "\ud7ff\ue000\uffff",
    "NaN",
    "Infinity",
    "-1",
    "0",
    "-0",
    "1e309",
    "9" * 30,
    "-" + "9" * 30,
    "2147483648",
    "9223372036854775808",
    "0x10",
    "1_000",
    " 12 ",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    '{"a": [1, 2]}',
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "2030-02-30",
    "25:61",
    "javascript:alert(1)",
    "http://",
    "https://exa mple.org",
    "ftp://example.org/x",
    "mailto:a@b.c",
    "a@b",
    "@",
    "x@" + "y" * 300 + ".org",
    "a" * 64 + "@" + ".".join(["b" * 63] * 3) + ".org",
)

# A valid address longer than the 254 characters a database column holds.
LONG_EMAIL = "a" * 64 + "@" + ".".join(["b" * 63] * 3) + ".org"

# Put into every field once, one field at a time, in every run (tests/fuzz/test_forms.py).
KNOWN_TEXT = ("a\x00b", "x" * 10_001, INJECTIONS[0])
KNOWN_EMAIL = (*KNOWN_TEXT, LONG_EMAIL)
KNOWN_OTHER = ("9" * 30, "\x00")

LONG_UNITS = ("a", "é", "😀", "\u202e", "word ", "<b>", "\x00", "\n")

# Plain text a person would type, so that some examples get past validation.
PLAIN = st.text(alphabet=string.ascii_letters + string.digits + " .,-åäöÅÄÖ", max_size=40)


@st.composite
def long_text(draw: Any, *, low: int = 10_001, high: int = 12_000) -> str:
    """A string of 10k+ characters (a field's limit is never that high)."""
    unit = draw(st.sampled_from(LONG_UNITS))
    length = draw(st.integers(low, high))
    return (unit * (length // len(unit) + 1))[:length]


@st.composite
def just_over(draw: Any, limit: int) -> str:
    """A string one to a few characters past ``limit``."""
    unit = draw(st.sampled_from(("a", "ä", "😀", " ")))
    return unit * (limit + draw(st.integers(1, 3)))


def with_injection(base: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda before, attack, after: f"{before}{attack}{after}",
        base,
        st.sampled_from(INJECTIONS),
        base,
    )


def nasty_text(*, limit: int | None = None) -> st.SearchStrategy[str]:
    """Any text a field might receive, from the plausible to the hostile."""
    parts: list[st.SearchStrategy[str]] = [
        PLAIN,
        st.text(max_size=60),  # any unicode, NUL and control characters included
        st.sampled_from(ODD),
        st.sampled_from(SQLISH),
        with_injection(PLAIN),
        long_text(),
    ]
    if limit:
        parts.append(just_over(limit))
    return st.one_of(*parts)


def nasty_number() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-5, 400).map(str),
        st.integers(-(2**70), 2**70).map(str),
        st.sampled_from(("1.5", "-0", "1e3", "٣", "9" * 5000, " 5 ", "5px", "")),
    )


def nasty_date() -> st.SearchStrategy[str]:
    return st.one_of(
        st.dates().map(lambda d: d.isoformat()),
        st.sampled_from(("2030-02-30", "0000-00-00", "31.12.2030", "tomorrow", "")),
    )


def nasty_time() -> st.SearchStrategy[str]:
    return st.one_of(
        st.times().map(lambda t: t.strftime("%H:%M")),
        st.sampled_from(("24:00", "25:61", "-1:00", "noon", "12:00:00.000001", "")),
    )


# JSON values of every shape, for room messages.
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**80), 2**80),
    st.sampled_from((-1, 0, 1, 2, 3, 10, 30, 31, 240, 241, -(2**63), 2**63, 2**64)),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(ODD),
    st.sampled_from(INJECTIONS),
)


def json_values(*, max_leaves: int = 12) -> st.SearchStrategy[Any]:
    return st.recursive(
        JSON_SCALARS,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.text(max_size=8), children, max_size=4),
        ),
        max_leaves=max_leaves,
    )
