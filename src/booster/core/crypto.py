"""Private text at rest: model fields that store Fernet tokens instead of plain text.

The keys are dedicated (setting ``BOOSTER_ENCRYPTION_KEYS``, never derived from
``SECRET_KEY``): the first key encrypts, every key decrypts. Rotating is lossless —
put a new key first, run ``manage.py rotate_encryption_keys`` (which re-encrypts every
encrypted column with the first key), then drop the old key. See docs/deployment.md.

Encrypted columns cannot be searched or compared in the database; only ``isnull`` works.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Field, Model
from django.db.models.lookups import IsNull


class EncryptionKeysError(ImproperlyConfigured):
    """BOOSTER_ENCRYPTION_KEYS is missing or holds something that is not a Fernet key."""


class DecryptionError(RuntimeError):
    """A stored token could not be read with any configured key (a key was dropped too
    early, or the column holds something else)."""


def configured_keys() -> tuple[str, ...]:
    raw = getattr(settings, "BOOSTER_ENCRYPTION_KEYS", None) or ()
    if isinstance(raw, str):
        raw = raw.split(",")
    return tuple(key.strip() for key in raw if key and key.strip())


@lru_cache(maxsize=8)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    if not keys:
        raise EncryptionKeysError(
            "BOOSTER_ENCRYPTION_KEYS must hold at least one Fernet key "
            "(generate one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())')"
        )
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode("ascii")))
        except (ValueError, UnicodeEncodeError) as error:
            raise EncryptionKeysError(
                f"BOOSTER_ENCRYPTION_KEYS: key number {position} is not a Fernet key "
                "(32 bytes, URL-safe base64)"
            ) from error
    return MultiFernet(fernets), fernets[0]


def multifernet() -> MultiFernet:
    """Every configured key; encrypts with the first."""
    return _fernets(configured_keys())[0]


def current_fernet() -> Fernet:
    """The first key alone: what new tokens are made with."""
    return _fernets(configured_keys())[1]


def encrypt_text(text: str) -> str:
    return multifernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return multifernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as error:
        raise DecryptionError(
            "an encrypted value cannot be read with the configured BOOSTER_ENCRYPTION_KEYS"
        ) from error


def token_rotate(token: str) -> str:
    """The same plain text under the first key (MultiFernet.rotate keeps its timestamp)."""
    try:
        return multifernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError) as error:
        raise DecryptionError("a stored value cannot be read with any configured key") from error


def token_is_current(token: str) -> bool:
    """Whether the token was made with the first key (so older keys are not needed for it)."""
    try:
        current_fernet().decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored as a Fernet token. Reads give the plain text back."""

    description = "Text encrypted at rest"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt_text(self.to_plain(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return self.from_plain(decrypt_text(value))

    def to_plain(self, value: Any) -> str:
        """The value as the text to encrypt."""
        return str(value)

    def from_plain(self, text: str) -> Any:
        """The value a read gives back from the decrypted text."""
        return text

    def get_lookup(self, lookup_name: str) -> Any:
        # Tokens differ on every write: any comparison in the database would be wrong.
        if lookup_name == "isnull":
            return IsNull
        return None

    def get_transform(self, lookup_name: str) -> Any:
        return None


class EncryptedJSONField(EncryptedTextField):
    """JSON-serialisable data (dicts, lists, strings, numbers) stored as a Fernet token."""

    description = "JSON encrypted at rest"
    # For django-stubs: the attribute holds Python data, not text.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def to_plain(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    def from_plain(self, text: str) -> Any:
        return json.loads(text)

    def to_python(self, value: Any) -> Any:
        # Forms and full_clean hand over Python data, never a token.
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return encrypt_text(self.to_plain(value))

    def value_to_string(self, obj: Model) -> str:
        return self.to_plain(self.value_from_object(obj))

    def validate(self, value: Any, model_instance: Model | None) -> None:
        # TextField.validate would check max_length against the data's repr.
        if value is None and not self.null:
            super().validate(value, model_instance)


def encrypted_fields() -> Iterator[tuple[type[Model], Field[Any, Any]]]:
    """Every encrypted column of every installed model (concrete, non-proxy models)."""
    for model in apps.get_models():
        if model._meta.proxy or model._meta.abstract or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field
