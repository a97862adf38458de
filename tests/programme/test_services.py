"""Importing packs: versions are numbered, deduplicated by content, and never changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from booster.programme.loader import PackError
from booster.programme.models import PackVersion, PackVersionImmutableError, pack_digest
from booster.programme.schema import Pack
from booster.programme.selectors import pack_current, pack_version_current
from booster.programme.services import pack_import
from tests.programme.packs import pack_files, write_pack

pytestmark = pytest.mark.django_db


def changed_pack(folder: Path) -> Path:
    files = pack_files()
    files["pack.yaml"]["version"] = "0.2"
    files["themes/money.yaml"]["title"]["en"] = "Money matters (en)"
    return write_pack(folder, files)


def test_first_import_creates_version_1(tmp_path: Path) -> None:
    version, created = pack_import(path=write_pack(tmp_path))

    assert created is True
    assert (version.pack_id, version.number, version.label) == ("mini", 1, "0.1")
    assert version.digest == pack_digest(version.data)
    assert version.pack.theme("money").title.get("en") == "Theme money (en)"


def test_same_content_is_unchanged(tmp_path: Path) -> None:
    first, _ = pack_import(path=write_pack(tmp_path))

    again, created = pack_import(path=tmp_path)

    assert created is False
    assert again.pk == first.pk
    assert PackVersion.objects.count() == 1


def test_changed_content_is_the_next_version(tmp_path: Path) -> None:
    pack_import(path=write_pack(tmp_path / "a"))

    version, created = pack_import(path=changed_pack(tmp_path / "b"))

    assert created is True
    assert (version.number, version.label) == (2, "0.2")
    assert pack_version_current(pack_id="mini") == version
    current = pack_current(pack_id="mini")
    assert current is not None
    assert current.theme("money").title.get("en") == "Money matters (en)"


def test_returning_to_old_content_gives_the_old_version(tmp_path: Path) -> None:
    first, _ = pack_import(path=write_pack(tmp_path / "a"))
    pack_import(path=changed_pack(tmp_path / "b"))

    version, created = pack_import(path=tmp_path / "a")

    assert (version.pk, created) == (first.pk, False)


def test_numbers_count_per_pack(tmp_path: Path) -> None:
    pack_import(path=write_pack(tmp_path / "a"))
    files = pack_files()
    files["pack.yaml"]["id"] = "other"

    version, _ = pack_import(path=write_pack(tmp_path / "b", files))

    assert (version.pack_id, version.number) == ("other", 1)


def test_broken_pack_imports_nothing(tmp_path: Path) -> None:
    pack_import(path=write_pack(tmp_path / "a"))
    files = pack_files()
    files["pack.yaml"]["version"] = "0.2"
    files["themes/money.yaml"]["title"] = {"sv": "Pengar"}

    with pytest.raises(PackError) as caught:
        pack_import(path=write_pack(tmp_path / "b", files))

    assert caught.value.errors == ["themes/money.yaml: title: missing translation for en"]
    assert PackVersion.objects.count() == 1


def test_versions_are_immutable(tmp_path: Path) -> None:
    version, _ = pack_import(path=write_pack(tmp_path))

    version.label = "edited"
    with pytest.raises(PackVersionImmutableError):
        version.save()
    with pytest.raises(PackVersionImmutableError):
        PackVersion.objects.filter(pk=version.pk).update(label="edited")

    version.refresh_from_db()
    assert version.label == "0.1"


def test_stored_data_parses_back_to_the_pack(tmp_path: Path) -> None:
    version, _ = pack_import(path=write_pack(tmp_path))

    fresh = PackVersion.objects.get(pk=version.pk)

    assert isinstance(fresh.pack, Pack)
    assert fresh.pack.to_data() == version.data


def test_no_version_without_import() -> None:
    assert pack_version_current() is None
    assert pack_current() is None
