"""The validate and import commands: their output and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from booster.programme.commands import import_pack_command, validate_pack_command
from booster.programme.models import PackVersion
from tests.programme.packs import pack_files, write_pack


def broken_pack(folder: Path) -> Path:
    files = pack_files()
    files["themes/money.yaml"]["parts"][1]["duration"] = {"min": 50, "max": 45}
    files["crisis.yaml"] = None
    return write_pack(folder, files)


def test_validate_prints_the_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = validate_pack_command(str(write_pack(tmp_path)))

    captured = capsys.readouterr()
    assert code == 0
    assert captured.out == "mini 0.1: 3 themes, 3 tasks, languages sv en\n"
    assert captured.err == ""


def test_validate_prints_one_line_per_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = validate_pack_command(str(broken_pack(tmp_path)))

    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "crisis.yaml: missing file",
        "themes/money.yaml: parts.1.duration: minimum 50 is longer than maximum 45",
    ]


@pytest.mark.django_db
def test_import_then_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(write_pack(tmp_path))

    assert import_pack_command(path) == 0
    assert capsys.readouterr().out == "mini 0.1 imported as version 1\n"
    assert import_pack_command(path) == 0
    assert capsys.readouterr().out == "mini 0.1 unchanged (version 1)\n"


@pytest.mark.django_db
def test_import_of_a_broken_pack(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = import_pack_command(str(broken_pack(tmp_path)))

    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 2
    assert PackVersion.objects.count() == 0


@pytest.mark.django_db
def test_management_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(write_pack(tmp_path))

    call_command("validate_pack", path)
    call_command("import_pack", path)

    assert capsys.readouterr().out.splitlines() == [
        "mini 0.1: 3 themes, 3 tasks, languages sv en",
        "mini 0.1 imported as version 1",
    ]


@pytest.mark.django_db
def test_management_command_exit_code(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        call_command("import_pack", str(broken_pack(tmp_path)))

    assert caught.value.code == 1
    assert PackVersion.objects.count() == 0
