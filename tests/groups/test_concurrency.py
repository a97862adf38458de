"""Twenty people accept invitations at the same moment into a group of nine: exactly one
gets in. On PostgreSQL and on a file-based SQLite database (where select_for_update does
nothing and the unique seat is the only guard)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from booster.groups import services
from booster.groups.models import Membership
from tests.factories import GroupFactory, MembershipFactory, UserFactory

THREADS = 20


@pytest.fixture
def shared_database(tmp_path: Path) -> Iterator[None]:
    """Threads need one database they all reach. PostgreSQL's test database is one; SQLite's
    is in memory, so for this test the connection moves to a file copy of it."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    path = tmp_path / "concurrency.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)  # the migrated schema, as it is now
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    memory = connection.connection
    memory_name = connection.settings_dict["NAME"]
    connection.connection = None
    connection.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = memory_name
        connection.connection = memory


@pytest.mark.django_db(transaction=True)
def test_twenty_at_once_into_a_group_of_nine(shared_database: None) -> None:
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db()
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    group = GroupFactory()
    convener = MembershipFactory(group=group, is_convener=True)
    for _ in range(8):
        MembershipFactory(group=group)
    assert group.memberships.members().count() == 9
    invite = services.invite_link_create(actor=convener.user, group=group, days=14, role="member")
    people = [UserFactory() for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    joined: list[Membership] = []
    full: list[services.GroupFullError] = []
    other: list[BaseException] = []
    lock = threading.Lock()

    def accept(person: object) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=30)
            membership = services.invite_accept(
                invite=invite,
                user=person,  # type: ignore[arg-type]
                display_name="Racer",
                principles_accepted=True,
            )
            with lock:
                joined.append(membership)
        except services.GroupFullError as error:
            with lock:
                full.append(error)
        except BaseException as error:
            with lock:
                other.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=accept, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not other, other
    assert len(joined) == 1
    assert len(full) == THREADS - 1
    assert group.memberships.members().count() == 10
    assert sorted(group.memberships.members().values_list("seat", flat=True)) == list(range(1, 11))
    invite.refresh_from_db()
    assert invite.uses == 1
