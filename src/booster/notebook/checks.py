"""A system check: the encryption keys are set and well-formed before anything is served."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from booster.core.crypto import EncryptionKeysError, multifernet


@register()
def encryption_keys_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        multifernet()
    except EncryptionKeysError as error:
        return [Error(str(error), id="booster.E001")]
    return []
