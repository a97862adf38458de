"""Changes a person makes to their own account."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError

from booster.accounts.models import User


def user_update_profile(*, user: User, display_name: str, language: str, time_zone: str) -> User:
    user.display_name = display_name
    user.language = language
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "language", "time_zone"])
    return user


def user_set_language(*, user: User, language: str) -> None:
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": "unknown language"}, code="language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
