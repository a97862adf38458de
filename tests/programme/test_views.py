"""The public programme pages: the overview and every theme, in every language."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from pytest_django import DjangoAssertNumQueries

from booster.programme.models import PackVersion
from booster.programme.services import pack_import
from tests.programme.packs import pack_files, write_pack

LANGUAGES = ("sv", "fi", "en")


def url(language: str, name: str, *args: str) -> str:
    with translation.override(language):
        return reverse(f"programme:{name}", args=args)


def test_urls() -> None:
    assert url("sv", "overview") == "/sv/programme/"
    assert url("en", "theme", "money") == "/en/programme/money/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_overview(
    client: Client,
    booster_pack: PackVersion,
    language: str,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    pack = booster_pack.pack

    with django_assert_max_num_queries(1):
        response = client.get(url(language, "overview"))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{escape(pack.title.get(language))}</h1>" in html
    assert html.count("<h1") == 1
    for theme in pack.themes:
        assert url(language, "theme", theme.key) in html
    for principle in pack.principles:
        assert escape(principle.title.get(language)) in html
    assert "style=" not in html
    assert "<script" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_theme(
    client: Client,
    booster_pack: PackVersion,
    language: str,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    pack = booster_pack.pack
    for theme in pack.themes:
        with django_assert_max_num_queries(1):
            response = client.get(url(language, "theme", theme.key))

        assert response.status_code == 200
        html = response.content.decode()
        assert f"<h1>{escape(theme.title.get(language))}</h1>" in html
        assert escape(pack.title.get(language)) in html
        assert html.count("<h1") == 1
        for task in theme.tasks():
            assert escape(task.title.get(language)) in html
        assert "style=" not in html


def test_theme_page_shows_phases_and_neighbours(client: Client, booster_pack: PackVersion) -> None:
    pack = booster_pack.pack
    theme = pack.themes[1]

    html = client.get(url("en", "theme", theme.key)).content.decode()

    assert "Alone" in html
    assert "30–45 min" in html
    assert f'href="{url("en", "theme", pack.themes[0].key)}" rel="prev"' in html
    assert f'href="{url("en", "theme", pack.themes[2].key)}" rel="next"' in html


def test_first_and_last_theme_have_one_neighbour(client: Client, booster_pack: PackVersion) -> None:
    pack = booster_pack.pack

    first = client.get(url("en", "theme", pack.themes[0].key)).content.decode()
    last = client.get(url("en", "theme", pack.themes[-1].key)).content.decode()

    assert 'rel="prev"' not in first and 'rel="next"' in first
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_unknown_theme_is_404(client: Client, booster_pack: PackVersion) -> None:
    assert client.get(url("en", "theme", "astrology")).status_code == 404


@pytest.mark.django_db
def test_no_pack_is_404(client: Client) -> None:
    assert client.get(url("en", "overview")).status_code == 404
    assert client.get(url("en", "theme", "opening")).status_code == 404


@pytest.mark.django_db
def test_pages_follow_the_current_version(client: Client, tmp_path: Path) -> None:
    files = pack_files()
    files["pack.yaml"]["id"] = "booster"
    pack_import(path=write_pack(tmp_path / "a", files))
    files["themes/money.yaml"]["title"]["sv"] = "Pengar"
    pack_import(path=write_pack(tmp_path / "b", files))

    html = client.get(url("sv", "theme", "money")).content.decode()

    assert "Pengar</h1>" in html


@pytest.mark.django_db
def test_text_missing_in_the_language_falls_back_to_the_first(
    client: Client, tmp_path: Path
) -> None:
    # The mini pack has no Finnish: its Swedish texts are shown.
    files = pack_files()
    files["pack.yaml"]["id"] = "booster"
    pack_import(path=write_pack(tmp_path, files))

    html = client.get(url("fi", "overview")).content.decode()

    assert "<h1>Mini programme (sv)</h1>" in html


@pytest.mark.django_db
def test_mini_pack_pages_render(
    client: Client, tmp_path: Path, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    files = pack_files()
    files["pack.yaml"]["id"] = "booster"
    files["themes/closing.yaml"]["ending"] = {"sv": "Tack!", "en": "Thank you!"}
    pack_import(path=write_pack(tmp_path, files))

    with django_assert_num_queries(3):  # the current version, once per page
        overview = client.get(url("en", "overview")).content.decode()
        opening = client.get(url("en", "theme", "opening")).content.decode()
        closing = client.get(url("en", "theme", "closing")).content.decode()

    assert "Listen (en)" in overview
    assert "After somebody (en)" in overview
    assert "Worksheet: My goals" in opening
    assert "<p>First paragraph on opening.</p>" in opening
    assert "Whole group" in opening
    assert "Thank you!" in closing
