"""The board digest: others' posts since the last digest, in the recipient's language and
time zone, never twice, only for those who want it, and a daily schedule that never loops."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from booster.board.models import BoardDigestSent
from booster.board.services import board_digests_send
from booster.board.tasks import board_digest_schedule, board_digest_send, next_digest_time
from tests.board.helpers import remove_member
from tests.factories import PostFactory
from tests.personas import World

HELSINKI = ZoneInfo("Europe/Helsinki")


def _mails_to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if address in message.to]


@pytest.fixture
def joined_long_ago(world: World) -> World:
    """Everyone joined a week ago, so today's posts are news to them."""
    week_ago = timezone.now() - timedelta(days=7)
    world.group.memberships.update(joined_at=week_ago)
    for name in ("convener", "member", "second_member", "guide"):
        getattr(world, name).refresh_from_db()
    return world


def test_each_member_gets_the_posts_of_others_only(joined_long_ago: World) -> None:
    world = joined_long_ago
    PostFactory(author=world.member, text="From Mika", link="https://example.org/mika")
    PostFactory(author=world.guide, text="From the guide")
    sent = board_digests_send()
    assert sent == 4
    to_member = _mails_to(world.member.user.email)
    assert len(to_member) == 1
    assert "From the guide" in to_member[0].body
    assert "From Mika" not in to_member[0].body
    to_second = _mails_to(world.second_member.user.email)[0]
    assert "From Mika" in to_second.body
    assert "https://example.org/mika" in to_second.body
    assert "From the guide" in to_second.body
    assert to_second.subject == "Booster: 2 new posts on the board of Lantern group"
    assert _mails_to(world.guide.user.email)[0].subject == (
        "Booster: 1 new post on the board of Lantern group"
    )
    assert not _mails_to(world.other_member.user.email)


def test_the_digest_shows_the_chosen_names(joined_long_ago: World) -> None:
    world = joined_long_ago
    world.member.display_name = "Moonlight"
    world.member.save(update_fields=["display_name"])
    PostFactory(author=world.member, text="Hello")
    board_digests_send()
    body = _mails_to(world.second_member.user.email)[0].body
    assert "Moonlight" in body
    assert world.member.user.display_name not in body


def test_never_twice(joined_long_ago: World) -> None:
    world = joined_long_ago
    PostFactory(author=world.member, text="Only once")
    assert board_digests_send() == 3
    assert board_digests_send() == 0
    assert board_digest_send.enqueue().return_value == 0
    assert sum("Only once" in m.body for m in mail.outbox) == 3
    PostFactory(author=world.member, text="Something new")
    assert board_digests_send() == 3
    latest = _mails_to(world.second_member.user.email)[-1].body
    assert "Something new" in latest
    assert "Only once" not in latest


def test_posts_before_joining_are_not_news(world: World) -> None:
    PostFactory(
        author=world.member, text="Before Sanna", created_at=timezone.now() - timedelta(days=30)
    )
    world.second_member.joined_at = timezone.now() - timedelta(days=1)
    world.second_member.save(update_fields=["joined_at"])
    board_digests_send()
    assert not _mails_to(world.second_member.user.email)


def test_deleted_posts_are_not_sent(joined_long_ago: World) -> None:
    world = joined_long_ago
    PostFactory(author=world.member, text="", deleted_at=timezone.now())
    assert board_digests_send() == 0
    assert not mail.outbox


def test_opting_out_is_respected(joined_long_ago: World) -> None:
    world = joined_long_ago
    world.second_member.board_digest = False
    world.second_member.save(update_fields=["board_digest"])
    PostFactory(author=world.member, text="Hello")
    board_digests_send()
    assert not _mails_to(world.second_member.user.email)
    assert _mails_to(world.convener.user.email)


def test_removed_members_get_no_digest(joined_long_ago: World) -> None:
    world = joined_long_ago
    remove_member(world.second_member)
    PostFactory(author=world.member, text="Hello")
    board_digests_send()
    assert not _mails_to(world.second_member.user.email)


@pytest.mark.parametrize(
    ("language", "time_zone", "expected_time", "prefix"),
    [
        ("en", "America/New_York", "March 10, 2026, 8:30 a.m.", "/en/"),
        ("sv", "Europe/Stockholm", "10 mars 2026 13:30", "/sv/"),
        ("fi", "Europe/Helsinki", "10. maaliskuuta 2026 kello 14.30", "/fi/"),
    ],
)
def test_in_the_recipients_language_and_time_zone(
    joined_long_ago: World, language: str, time_zone: str, expected_time: str, prefix: str
) -> None:
    world = joined_long_ago
    reader = world.second_member.user
    reader.language = language
    reader.time_zone = time_zone
    reader.save(update_fields=["language", "time_zone"])
    world.group.memberships.update(joined_at=datetime(2026, 3, 1, tzinfo=HELSINKI))
    PostFactory(
        author=world.member,
        text="Tea after the meeting?",
        created_at=datetime(2026, 3, 10, 12, 30, tzinfo=ZoneInfo("UTC")),
    )
    board_digests_send(now=datetime(2026, 3, 11, 5, 0, tzinfo=ZoneInfo("UTC")))
    message = _mails_to(reader.email)[0]
    assert expected_time in message.body
    assert "Tea after the meeting?" in message.body
    board = f"http://127.0.0.1:8000{prefix}groups/{world.group.pk}/board/"
    assert board in message.body
    settings = f"http://127.0.0.1:8000{prefix}groups/{world.group.pk}/me/"
    assert settings in message.body
    assert "&#x27;" not in message.body


def test_plain_text_is_not_html_escaped(joined_long_ago: World) -> None:
    world = joined_long_ago
    PostFactory(author=world.member, text='Sanna\'s "tea" & <cake>')
    board_digests_send()
    assert 'Sanna\'s "tea" & <cake>' in _mails_to(world.second_member.user.email)[0].body


def test_the_marker_never_moves_back(joined_long_ago: World) -> None:
    world = joined_long_ago
    later = timezone.now() + timedelta(hours=1)
    board_digests_send(now=later)
    board_digests_send(now=later - timedelta(hours=2))
    marker = BoardDigestSent.objects.get(membership=world.member)
    assert marker.sent_up_to == later


def test_digest_queries_do_not_grow_with_posts(
    joined_long_ago: World, django_assert_max_num_queries: object
) -> None:
    world = joined_long_ago
    authors = (world.member, world.guide, world.convener)

    def run_with(posts: int, now: datetime) -> int:
        for number in range(posts):
            PostFactory(author=authors[number % 3], created_at=now - timedelta(minutes=number + 1))
        with CaptureQueriesContext(connection) as context:
            assert board_digests_send(now=now) == 4
        return len(context.captured_queries)

    start = timezone.now()
    assert run_with(3, start) == run_with(30, start + timedelta(days=1))
    # Three reads, then per person who wants a digest (five, counting the other group):
    # lock the marker, write it, and the savepoint around the two.
    with django_assert_max_num_queries(3 + 5 * 4):  # type: ignore[operator]
        board_digests_send(now=start + timedelta(days=2))


# --- the daily schedule ---------------------------------------------------------------


def test_next_digest_time_is_the_next_seven_in_helsinki() -> None:
    before = datetime(2026, 1, 15, 6, 59, tzinfo=HELSINKI)
    assert next_digest_time(now=before) == datetime(2026, 1, 15, 7, 0, tzinfo=HELSINKI)
    at = datetime(2026, 1, 15, 7, 0, tzinfo=HELSINKI)
    assert next_digest_time(now=at) == datetime(2026, 1, 16, 7, 0, tzinfo=HELSINKI)
    # The night summer time begins (29 March 2026): still 07:00 local, 04:00 UTC.
    spring = datetime(2026, 3, 28, 20, 0, tzinfo=ZoneInfo("UTC"))
    assert next_digest_time(now=spring).astimezone(ZoneInfo("UTC")) == datetime(
        2026, 3, 29, 4, 0, tzinfo=ZoneInfo("UTC")
    )


def test_the_immediate_backend_never_schedules(joined_long_ago: World) -> None:
    # The tests' backend runs tasks at once: scheduling there would recurse for ever.
    assert board_digest_schedule() is None
    result = board_digest_send.enqueue()
    assert result.return_value == 0


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_database_queue_runs_it_daily_without_copies(joined_long_ago: World) -> None:
    run_after = board_digest_schedule()
    assert run_after is not None
    assert run_after.astimezone(HELSINKI).hour == 7
    assert run_after > timezone.now()
    # A second schedule, a cron run or a manual run adds no copy while one is waiting.
    assert board_digest_schedule() is None
    out = StringIO()
    call_command("send_board_digests", stdout=out)
    assert "Board digests sent: 0" in out.getvalue()
    waiting = DBTaskResult.objects.filter(task_path=board_digest_send.module_path)
    assert waiting.count() == 1
    assert waiting.get().run_after == run_after


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_a_run_of_the_task_queues_the_next_one(joined_long_ago: World) -> None:
    world = joined_long_ago
    PostFactory(author=world.member, text="Queued")
    # What the worker does: the row is taken (no longer READY) and the task body runs.
    assert board_digest_send.call() == 3
    waiting = DBTaskResult.objects.filter(task_path=board_digest_send.module_path)
    assert waiting.count() == 1
    # The e-mails themselves wait in the same queue for the worker.
    assert DBTaskResult.objects.exclude(task_path=board_digest_send.module_path).count() == 3


def test_the_command_sends_the_digests(joined_long_ago: World) -> None:
    world = joined_long_ago
    PostFactory(author=world.member, text="From the command")
    out = StringIO()
    call_command("send_board_digests", "--no-schedule", stdout=out)
    assert "Board digests sent: 3" in out.getvalue()
    assert len(mail.outbox) == 3
