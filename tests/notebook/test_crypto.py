"""Private text at rest: the encrypted fields, the keys, and a lossless key rotation."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from booster.core import crypto
from booster.groups.permissions import GroupAccess
from booster.notebook import services
from booster.notebook.checks import encryption_keys_check
from booster.notebook.models import MapIdea, NotebookEntry, SharedSnapshot
from booster.settings.env import encryption_keys_from_file
from tests.notebook.helpers import MAP, SCALES, access_of, consent, raw_rows, write
from tests.personas import World

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def test_text_round_trips_and_tokens_differ_every_time() -> None:
    first = crypto.encrypt_text("hello åäö 🌱")
    second = crypto.encrypt_text("hello åäö 🌱")
    assert first != second
    assert "hello" not in first
    assert crypto.decrypt_text(first) == "hello åäö 🌱"


def test_no_keys_is_a_clear_configuration_error() -> None:
    with override_settings(BOOSTER_ENCRYPTION_KEYS=[]):
        with pytest.raises(crypto.EncryptionKeysError, match="at least one Fernet key"):
            crypto.encrypt_text("x")
        assert [m.id for m in encryption_keys_check()] == ["booster.E001"]


def test_a_malformed_key_is_named_by_position_never_printed() -> None:
    with (
        override_settings(BOOSTER_ENCRYPTION_KEYS=[NEW_KEY, "not-a-key-secret"]),
        pytest.raises(crypto.EncryptionKeysError) as error,
    ):
        crypto.multifernet()
    assert "key number 2" in str(error.value)
    assert "not-a-key-secret" not in str(error.value)


def test_keys_may_come_as_one_comma_separated_string() -> None:
    with override_settings(BOOSTER_ENCRYPTION_KEYS=f" {NEW_KEY} , {OLD_KEY} "):
        token = crypto.encrypt_text("x")
        assert Fernet(NEW_KEY.encode()).decrypt(token.encode()) == b"x"


def test_the_configured_keys_pass_the_system_check() -> None:
    assert encryption_keys_check() == []


def test_a_value_from_an_unknown_key_fails_loudly() -> None:
    token = Fernet(OLD_KEY.encode()).encrypt(b"secret").decode()
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(token)


def test_stored_rows_hold_no_plaintext(world: World, mika: GroupAccess) -> None:
    """Every encrypted column, read past the ORM, holds Fernet tokens and none of the text."""
    entry = write(world.member, "resources_demands", SCALES)
    map_entry = write(world.member, "network_map", MAP)
    from tests.notebook.helpers import slot_of

    snapshot = services.snapshot_create(
        access=mika, entry=map_entry, slot=slot_of(world.member, "network_map")
    )
    consent(world.second_member)
    services.idea_add(
        access=access_of(world.second_member), snapshot=snapshot, text="Try the poster fair 🎨"
    )
    secrets = ["Meaningful work", "Irregular income", "Maria Illustrator", "union", "poster fair"]
    for table, column in (
        ("notebook_notebookentry", "content"),
        ("notebook_sharedsnapshot", "content"),
        ("notebook_mapidea", "text"),
    ):
        values = raw_rows(table, column)
        assert values
        for value in values:
            assert value.startswith("gAAAAA"), (table, value[:20])
            for secret in secrets:
                assert secret not in value
            assert crypto.decrypt_text(value)  # and it is really a token of our key
    # The ORM gives the text back.
    assert NotebookEntry.objects.get(pk=entry.pk).content["resources"][0]["text"] == (
        "Meaningful work"
    )
    assert MapIdea.objects.get().text == "Try the poster fair 🎨"


def test_encrypted_columns_cannot_be_searched(world: World, mika: GroupAccess) -> None:
    write(world.member, "goals", {"goals": ["a", "b", "c"], "notes": ""})
    with pytest.raises(FieldError):
        list(NotebookEntry.objects.filter(content__contains="a"))
    with pytest.raises(FieldError):
        list(MapIdea.objects.filter(text="a"))
    assert NotebookEntry.objects.filter(content__isnull=False).count() == 1


def test_every_encrypted_column_is_known_to_the_rotation() -> None:
    found = {(model._meta.label, field.name) for model, field in crypto.encrypted_fields()}
    assert found >= {
        ("notebook.NotebookEntry", "content"),
        ("notebook.SharedSnapshot", "content"),
        ("notebook.MapIdea", "text"),
    }


def test_key_rotation_is_lossless(world: World) -> None:
    """Written under the old key; a new key is put first and the old one still reads;
    rotation re-encrypts everything; then the old key can be dropped and all still reads."""
    with override_settings(BOOSTER_ENCRYPTION_KEYS=[OLD_KEY]):
        access = consent(world.member)
        entries = [
            write(world.member, "network_map", MAP),
            write(world.member, "goals", {"goals": ["Exhibit in Oslo", "", ""], "notes": ""}),
        ]
        from tests.notebook.helpers import slot_of

        snapshot = services.snapshot_create(
            access=access, entry=entries[0], slot=slot_of(world.member, "network_map")
        )
        consent(world.second_member)
        services.idea_add(access=access_of(world.second_member), snapshot=snapshot, text="🌱")
        before = [list(raw_rows(t, c)) for t, c in _COLUMNS]

    with override_settings(BOOSTER_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        # Before rotation: the old key still reads everything.
        assert NotebookEntry.objects.get(pk=entries[1].pk).content["goals"][0] == "Exhibit in Oslo"
        out = StringIO()
        call_command("rotate_encryption_keys", "--check", stdout=out)
        assert "still need an older key" in out.getvalue()
        assert [list(raw_rows(t, c)) for t, c in _COLUMNS] == before  # --check changes nothing

        out = StringIO()
        call_command("rotate_encryption_keys", "--batch-size", "1", stdout=out)
        assert "notebook.NotebookEntry.content: 2 re-encrypted" in out.getvalue()
        after = [list(raw_rows(t, c)) for t, c in _COLUMNS]
        new_only = Fernet(NEW_KEY.encode())
        for column in after:
            for token in column:
                new_only.decrypt(token.encode())  # every value is now under the new key

        out = StringIO()
        call_command("rotate_encryption_keys", "--check", stdout=out)
        assert "older keys can go" in out.getvalue()
        call_command("rotate_encryption_keys", stdout=StringIO())  # running again is harmless
        assert [list(raw_rows(t, c)) for t, c in _COLUMNS] == after

    with override_settings(BOOSTER_ENCRYPTION_KEYS=[NEW_KEY]):
        # The old key is gone and nothing is lost.
        assert NotebookEntry.objects.get(pk=entries[1].pk).content["goals"][0] == "Exhibit in Oslo"
        assert NotebookEntry.objects.get(pk=entries[0].pk).content == MAP
        assert SharedSnapshot.objects.get().content["widen"] == MAP["widen"]
        assert MapIdea.objects.get().text == "🌱"


def test_rotation_stops_at_a_value_no_key_can_read(world: World) -> None:
    with override_settings(BOOSTER_ENCRYPTION_KEYS=[OLD_KEY]):
        consent(world.member)
        write(world.member, "goals", {"goals": ["x", "", ""], "notes": ""})
    with (
        override_settings(BOOSTER_ENCRYPTION_KEYS=[NEW_KEY]),
        pytest.raises(CommandError, match="cannot be read with any configured key"),
    ):
        call_command("rotate_encryption_keys", stdout=StringIO())
    with override_settings(BOOSTER_ENCRYPTION_KEYS=[OLD_KEY]):
        assert NotebookEntry.objects.get().content["goals"][0] == "x"


_COLUMNS = (
    ("notebook_notebookentry", "content"),
    ("notebook_sharedsnapshot", "content"),
    ("notebook_mapidea", "text"),
)


def test_development_keys_are_made_once_and_readable(tmp_path: Path) -> None:
    path = tmp_path / "var" / "encryption_keys"
    first = encryption_keys_from_file(path)
    assert len(first) == 1
    Fernet(first[0].encode())  # a real Fernet key
    assert path.stat().st_mode & 0o777 == 0o600
    assert encryption_keys_from_file(path) == first
    path.write_text(f"{NEW_KEY}\n\n{first[0]}\n")  # a rotation in development
    assert encryption_keys_from_file(path) == [NEW_KEY, first[0]]
