"""The board pages: posting, editing and deleting one's own posts, links, pagination."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booster.board.models import Post
from booster.core.models import AuditEntry
from tests.board.helpers import client_for
from tests.factories import PostFactory
from tests.personas import World


def _index(world: World) -> str:
    return reverse("board:index", kwargs={"group_id": world.group.pk})


def test_posting_puts_the_post_at_the_top(world: World) -> None:
    PostFactory(author=world.convener, text="An older post")
    client = client_for(world.member.user)
    response = client.post(
        _index(world), {"text": "  See you on Tuesday!  ", "link": "https://example.org/notes"}
    )
    assert response.status_code == 302
    assert response.url == _index(world)
    post = Post.objects.get(text="See you on Tuesday!")
    assert post.author == world.member
    assert post.group == world.group
    assert post.link == "https://example.org/notes"
    page = client.get(_index(world)).content.decode()
    assert page.index("See you on Tuesday!") < page.index("An older post")
    assert "Your post is on the board." in page
    assert (
        '<a href="https://example.org/notes" rel="noopener nofollow ugc">'
        "https://example.org/notes</a>" in page
    )


def test_a_link_without_a_scheme_is_taken_as_https(world: World) -> None:
    client = client_for(world.member.user)
    client.post(_index(world), {"text": "Notes", "link": "example.org/notes"})
    assert Post.objects.get().link == "https://example.org/notes"


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/file",
        "file:///etc/passwd",
        "https://",
        "not a link at all",
        "https://example.org/" + "a" * 500,
    ],
)
def test_only_web_links_are_accepted_and_what_was_typed_is_kept(world: World, link: str) -> None:
    client = client_for(world.member.user)
    response = client.post(_index(world), {"text": "My words, kept", "link": link})
    assert response.status_code == 200
    body = response.content.decode()
    assert not Post.objects.exists()
    assert body.count('class="field__error" id="id_link_error"') == 1
    assert "My words, kept" in body
    assert 'href="javascript:' not in body.lower()


def test_text_is_required_and_the_link_is_kept(world: World) -> None:
    client = client_for(world.member.user)
    for text in ("", "   \n  "):
        response = client.post(_index(world), {"text": text, "link": "https://example.org/x"})
        assert response.status_code == 200
        body = response.content.decode()
        assert "Write a message." in body
        assert 'value="https://example.org/x"' in body
    assert not Post.objects.exists()


def test_text_is_at_most_2000_characters(world: World) -> None:
    client = client_for(world.member.user)
    response = client.post(_index(world), {"text": "x" * 2001, "link": ""})
    assert response.status_code == 200
    assert "x" * 2001 in response.content.decode()
    assert not Post.objects.exists()
    client.post(_index(world), {"text": "x" * 2000, "link": ""})
    assert Post.objects.get().text == "x" * 2000


def test_the_board_shows_chosen_names_times_and_edited_marks(world: World) -> None:
    world.member.display_name = "Moonlight"
    world.member.save(update_fields=["display_name"])
    world.member.user.language = "sv"
    world.member.user.time_zone = "America/New_York"
    world.member.user.save(update_fields=["language", "time_zone"])
    when = datetime(2026, 3, 10, 12, 30, tzinfo=ZoneInfo("UTC"))
    PostFactory(author=world.member, text="Mine", created_at=when, edited_at=when)
    PostFactory(author=world.second_member, text="Yours", created_at=when)
    client = client_for(world.guide.user)
    english = client.get(_index(world)).content.decode()
    assert "Moonlight" in english
    assert world.member.user.display_name not in english
    assert "March 10, 2026, 2:30 p.m." in english  # the guide lives in Helsinki
    assert english.count('class="board-post__edited"') == 1
    swedish = client_for(world.member.user).get(
        reverse("board:index", kwargs={"group_id": world.group.pk}).replace("/en/", "/sv/")
    )
    assert "10 mars 2026 08:30" in swedish.content.decode()  # New York, in Swedish


def test_post_text_is_escaped(world: World) -> None:
    PostFactory(author=world.member, text="<script>alert(1)</script>")
    body = client_for(world.member.user).get(_index(world)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_edit_and_delete_links_show_only_on_ones_own_posts(world: World) -> None:
    mine = PostFactory(author=world.member)
    theirs = PostFactory(author=world.second_member)
    body = client_for(world.member.user).get(_index(world)).content.decode()
    edit = "board:edit"
    assert reverse(edit, kwargs={"group_id": world.group.pk, "post_id": mine.pk}) in body
    assert reverse(edit, kwargs={"group_id": world.group.pk, "post_id": theirs.pk}) not in body
    steward = client_for(world.convener.user).get(_index(world)).content.decode()
    assert "/edit/" not in steward
    assert "/delete/" not in steward


def test_editing_ones_own_post(world: World) -> None:
    post = PostFactory(author=world.member, text="First words", link="https://example.org/a")
    url = reverse("board:edit", kwargs={"group_id": world.group.pk, "post_id": post.pk})
    client = client_for(world.member.user)
    form = client.get(url).content.decode()
    assert "First words" in form
    assert 'value="https://example.org/a"' in form
    response = client.post(url, {"text": "Better words", "link": ""})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.text == "Better words"
    assert post.link == ""
    assert post.edited_at is not None
    assert "edited" in client.get(_index(world)).content.decode()


def test_a_failed_edit_keeps_what_was_typed_and_changes_nothing(world: World) -> None:
    post = PostFactory(author=world.member, text="First words")
    url = reverse("board:edit", kwargs={"group_id": world.group.pk, "post_id": post.pk})
    client = client_for(world.member.user)
    response = client.post(url, {"text": "Half-way thought", "link": "javascript:alert(1)"})
    assert response.status_code == 200
    assert "Half-way thought" in response.content.decode()
    post.refresh_from_db()
    assert post.text == "First words"
    assert post.edited_at is None


def test_deleting_ones_own_post_asks_first_then_erases_the_text(world: World) -> None:
    post = PostFactory(author=world.member, text="Regretted words", link="https://example.org/r")
    url = reverse("board:delete", kwargs={"group_id": world.group.pk, "post_id": post.pk})
    client = client_for(world.member.user)
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Regretted words" in confirm.content.decode()
    post.refresh_from_db()
    assert post.deleted_at is None
    assert client.post(url).status_code == 302
    post.refresh_from_db()
    assert post.deleted_at is not None
    assert post.text == ""
    assert post.link == ""
    assert "Regretted words" not in client.get(_index(world)).content.decode()
    assert client.get(url).status_code == 404
    entry = AuditEntry.objects.get(action="board.post_deleted")
    assert entry.data == {"post_id": post.pk}
    assert entry.actor == world.member.user


def test_pagination_twenty_per_page_newest_first(world: World) -> None:
    start = timezone.now() - timedelta(days=1)
    for number in range(45):
        PostFactory(
            author=world.member,
            text=f"Post {number:02d}",
            created_at=start + timedelta(minutes=number),
        )
    client = client_for(world.member.user)
    first = client.get(_index(world)).content.decode()
    assert first.count('class="board-post card"') == 20
    assert "Post 44" in first
    assert "Post 25" in first
    assert "Post 24" not in first
    assert "Page 1 of 3" in first
    assert 'href="?page=2"' in first
    third = client.get(_index(world) + "?page=3").content.decode()
    assert third.count('class="board-post card"') == 5
    assert "Post 00" in third
    assert 'href="?page=2"' in third
    # A page past the end or a nonsense page shows a real page rather than an error.
    assert client.get(_index(world) + "?page=99").status_code == 200
    assert client.get(_index(world) + "?page=abc").status_code == 200


def _count_queries(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200
    return len(context.captured_queries)


def test_page_queries_do_not_grow_with_posts(
    world: World, django_assert_max_num_queries: object
) -> None:
    authors = [world.member, world.second_member, world.guide]
    for number in range(3):
        PostFactory(author=authors[number % 3])
    client = client_for(world.member.user)
    mine = PostFactory(author=world.member)
    urls = [
        _index(world),
        reverse("board:edit", kwargs={"group_id": world.group.pk, "post_id": mine.pk}),
        reverse("board:delete", kwargs={"group_id": world.group.pk, "post_id": mine.pk}),
    ]
    few = [_count_queries(client, url) for url in urls]
    for number in range(27):
        PostFactory(author=authors[number % 3])
    many = [_count_queries(client, url) for url in urls]
    assert few == many
    for url in urls:
        with django_assert_max_num_queries(6):  # type: ignore[operator]
            client.get(url)


def test_at_most_thirty_posts_an_hour_and_the_text_is_kept(world: World) -> None:
    from booster.board import services
    from booster.groups.permissions import group_access

    access = group_access(user=world.member.user, group_id=world.group.pk)
    for number in range(services.POSTS_PER_HOUR):
        services.post_create(access=access, text=f"Post {number}")
    client = client_for(world.member.user)
    response = client.post(
        _index(world), {"text": "One more thought", "link": "https://example.org/x"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "at most 30 messages an hour" in " ".join(response.context["form"].errors["text"])
    assert 'id="id_text_error"' in body
    assert "One more thought" in body
    assert 'value="https://example.org/x"' in body
    assert Post.objects.count() == services.POSTS_PER_HOUR
    # Another person in the group has their own allowance.
    other = group_access(user=world.second_member.user, group_id=world.group.pk)
    services.post_create(access=other, text="Mine")
