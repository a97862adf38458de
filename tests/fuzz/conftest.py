"""Fuzzing settings: a small number of examples per form or message (the CI budget), more
on demand with FUZZ_EXAMPLES=200; no shrinking in CI, where a failure prints its example."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, settings

from tests.fuzz.scene import Scene
from tests.personas import World

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=(
        [Phase.explicit, Phase.generate]
        if os.environ.get("CI")
        else [Phase.explicit, Phase.generate, Phase.shrink]
    ),
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


@pytest.fixture
def scene(world: World) -> Scene:
    return Scene(world)
