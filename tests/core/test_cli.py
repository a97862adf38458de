"""The `booster` command's guard rails."""

from __future__ import annotations

import pytest

from booster import cli


def test_several_workers_without_redis_are_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert cli.main(["serve", "--workers", "2", "--no-worker"]) == 2
    assert "REDIS_URL" in capsys.readouterr().err
