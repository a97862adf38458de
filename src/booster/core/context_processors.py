"""Template context every page needs: the languages for the switcher."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def booster(request: HttpRequest) -> dict[str, Any]:
    return {"booster_languages": settings.LANGUAGES}
