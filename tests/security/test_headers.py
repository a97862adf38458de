"""Web hardening, page by page: every answer of the matrix's crawl (every URL pattern as every
role) carries the security headers; every page shown to a signed-in person is kept out of
caches; and no HTML page carries inline script or style, so the strict Content-Security-Policy
holds without exceptions. Then the production settings: secure cookies and HSTS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from cryptography.fernet import Fernet

from tests.personas import World
from tests.security.access import ROLES
from tests.security.crawl import Visit, crawl

# Data blocks (JSON for a script to read) are not scripts: a browser never runs them.
DATA_SCRIPT_TYPES = frozenset({"application/json", "application/ld+json"})


class InlineCode(HTMLParser):
    """Finds what a strict CSP would block: inline scripts, event-handler attributes, style
    attributes and <style> blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and not named.get("src"):
            kind = (named.get("type") or "").lower()
            if kind not in DATA_SCRIPT_TYPES:
                self.found.append(f"<script> without src (type={kind or 'js'})")
        if tag == "style":
            self.found.append("<style> block")
        for name, _value in attrs:
            if name == "style":
                self.found.append(f"style= on <{tag}>")
            elif name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return sorted(set(parser.found))


def header_problems(seen: Visit) -> list[str]:
    headers = seen.headers
    problems = []
    csp = headers.get("content-security-policy", "")
    if not csp:
        problems.append("no Content-Security-Policy")
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'"):
        if unsafe in csp:
            problems.append(f"CSP allows {unsafe}")
    if headers.get("x-content-type-options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not headers.get("referrer-policy"):
        problems.append("no Referrer-Policy")
    if headers.get("x-frame-options", "").upper() != "DENY" and (
        "frame-ancestors 'none'" not in csp
    ):
        problems.append("may be framed (no X-Frame-Options DENY or frame-ancestors 'none')")
    if seen.role != "anonymous" or seen.name == "calendar:feed":
        cache = headers.get("cache-control", "")
        if "no-store" not in cache:
            problems.append(f"Cache-Control {cache!r} lets a private page be stored")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_carries_the_security_headers(world: World, role: str) -> None:
    problems = []
    pages = 0
    for seen in crawl(world).visits[role]:
        if seen.status != 200:
            continue
        pages += 1
        problems += [f"{seen.name} {seen.address.url}: {p}" for p in header_problems(seen)]
    assert pages, role
    assert not problems, f"{role}:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_has_inline_script_or_style(world: World, role: str) -> None:
    problems = []
    for seen in crawl(world).visits[role]:
        if not seen.content_type.startswith("text/html"):
            continue  # every HTML answer, refusals and error pages included
        for found in inline_code(seen.body):
            problems.append(f"{seen.name} {seen.address.url}: {found}")
    assert not problems, f"{role}:\n" + "\n".join(problems)


def test_refusals_and_redirects_carry_the_headers_too(world: World) -> None:
    """A 404, a 403 or a redirect is answered with the same headers as a page."""
    problems = []
    for role, visits in crawl(world).visits.items():
        for seen in visits:
            if seen.status == 200:
                continue
            found = [p for p in header_problems(seen) if not p.startswith("Cache-Control")]
            problems += [f"{role} {seen.name} {seen.status}: {p}" for p in found]
    assert not problems, "\n".join(problems[:40])


def test_the_inline_code_finder_finds_inline_code() -> None:
    page = (
        '<script src="/static/a.js"></script><script type="application/json">{}</script>'
        '<script>alert(1)</script><p style="color:red" onclick="x()">hi</p><style>p{}</style>'
    )
    assert inline_code(page) == [
        "<script> without src (type=js)",
        "<style> block",
        "onclick= on <p>",
        "style= on <p>",
    ]


# --- production settings -----------------------------------------------------------------

PROBE = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps({
    name: getattr(settings, name, None)
    for name in (
        "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY", "LANGUAGE_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT", "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY", "X_FRAME_OPTIONS", "SECURE_PROXY_SSL_HEADER",
        "CONTENT_SECURITY_POLICY",
    )
}))
"""


def test_production_settings_are_https_only_with_secure_cookies() -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        # The production defaults are under test, not whatever this machine sets.
        if not key.startswith(("SECURE_", "SESSION_", "DEBUG"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="booster.settings.prod",
        SECRET_KEY="security-sweep-" + "k" * 50,
        ALLOWED_HOSTS="booster.example.org",
        BOOSTER_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
    )
    output = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    ).stdout
    prod = json.loads(output.strip().splitlines()[-1])
    assert prod["DEBUG"] is False
    assert prod["SESSION_COOKIE_SECURE"] is True
    assert prod["SESSION_COOKIE_HTTPONLY"] is True
    assert prod["CSRF_COOKIE_SECURE"] is True
    assert prod["CSRF_COOKIE_HTTPONLY"] is True
    assert prod["LANGUAGE_COOKIE_SECURE"] is True
    assert prod["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert prod["SECURE_SSL_REDIRECT"] is True
    assert prod["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert prod["SECURE_REFERRER_POLICY"]
    assert prod["X_FRAME_OPTIONS"] == "DENY"
    assert prod["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    directives = prod["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    for name, sources in directives.items():
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, name
    assert directives["frame-ancestors"] == ["'none'"]
