"""Re-encrypt every encrypted column with the first of BOOSTER_ENCRYPTION_KEYS.

Run after putting a new key first; once it reports nothing left under an older key,
the older keys can be dropped. Safe to run again or to interrupt: each batch commits on
its own and values already under the first key are left alone. ``--check`` only counts.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from booster.core.crypto import (
    DecryptionError,
    encrypted_fields,
    multifernet,
    token_is_current,
    token_rotate,
)


class Command(BaseCommand):
    help = "Re-encrypt private text with the first of BOOSTER_ENCRYPTION_KEYS (key rotation)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=500, help="rows per transaction (default 500)"
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="change nothing; count the values still under an older key",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size: int = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        check_only: bool = options["check"]
        multifernet()  # fails early, with a clear message, when the keys are wrong
        total_old = 0
        for model, field in encrypted_fields():
            table = connection.ops.quote_name(model._meta.db_table)
            column = connection.ops.quote_name(field.column)
            pk = connection.ops.quote_name(model._meta.pk.column)
            label = f"{model._meta.label}.{field.name}"
            old, current, last_pk = 0, 0, None
            while True:
                with transaction.atomic():
                    rows = self._batch(table, pk, column, last_pk, batch_size)
                    if not rows:
                        break
                    last_pk = rows[-1][0]
                    for row_pk, token in rows:
                        if token is None or token == "":
                            continue
                        if token_is_current(token):
                            current += 1
                            continue
                        old += 1
                        if check_only:
                            # An older key is still needed, or no key reads it at all.
                            try:
                                token_rotate(token)
                            except DecryptionError as error:
                                raise CommandError(
                                    f"{label} row {row_pk} cannot be read with any configured key."
                                ) from error
                            continue
                        try:
                            rotated = token_rotate(token)
                        except DecryptionError as error:
                            raise CommandError(
                                f"{label} row {row_pk} cannot be read with any configured "
                                "key; nothing in this batch was changed. Put back the key "
                                "it was written with and run again."
                            ) from error
                        with connection.cursor() as cursor:
                            cursor.execute(
                                f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608
                                [rotated, row_pk],
                            )
            total_old += old
            verb = "under an older key" if check_only else "re-encrypted"
            self.stdout.write(f"{label}: {old} {verb}, {current} already under the first key")
        if check_only:
            if total_old:
                self.stdout.write(
                    self.style.WARNING(
                        f"{total_old} values still need an older key: run without --check."
                    )
                )
            else:
                self.stdout.write(
                    self.style.SUCCESS("Everything is under the first key; older keys can go.")
                )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Done: {total_old} values re-encrypted. The older keys can now be removed."
                )
            )

    @staticmethod
    def _batch(
        table: str, pk: str, column: str, last_pk: Any, batch_size: int
    ) -> list[tuple[Any, str | None]]:
        # Raw SQL: the ORM would decrypt on read, and rotation must work on the tokens.
        with connection.cursor() as cursor:
            if last_pk is None:
                cursor.execute(
                    f"SELECT {pk}, {column} FROM {table} ORDER BY {pk} LIMIT %s",  # noqa: S608
                    [batch_size],
                )
            else:
                cursor.execute(
                    f"SELECT {pk}, {column} FROM {table} WHERE {pk} > %s "  # noqa: S608
                    f"ORDER BY {pk} LIMIT %s",
                    [last_pk, batch_size],
                )
            return list(cursor.fetchall())
