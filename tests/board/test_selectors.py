"""What the group home shows of the board."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone

from booster.board.selectors import home_section
from booster.groups.permissions import group_access
from tests.board.helpers import close_group
from tests.factories import PostFactory
from tests.personas import World


def test_the_three_newest_visible_posts_of_the_group(world: World) -> None:
    start = timezone.now() - timedelta(hours=10)
    for number in range(5):
        PostFactory(
            author=world.member, text=f"Post {number}", created_at=start + timedelta(hours=number)
        )
    PostFactory(author=world.member, text="", deleted_at=timezone.now())
    PostFactory(author=world.other_member, text="Elsewhere")
    section = home_section(access=group_access(user=world.member.user, group_id=world.group.pk))
    assert [post.text for post in section["posts"]] == ["Post 4", "Post 3", "Post 2"]
    assert section["board_path"] == f"/en/groups/{world.group.pk}/board/"
    assert section["can_post"] is True


def test_one_query_however_many_posts(world: World, django_assert_num_queries: object) -> None:
    access = group_access(user=world.member.user, group_id=world.group.pk)
    authors = (world.member, world.second_member, world.guide)
    for count in (3, 30):
        while world.group.posts.count() < count:
            PostFactory(author=authors[world.group.posts.count() % 3])
        with django_assert_num_queries(1):  # type: ignore[operator]
            section = home_section(access=access)
            html = render_to_string("board/_home_section.html", {"section": section})
        assert html.count('class="board-post"') == 3


def test_the_partial_shows_names_times_and_links(world: World) -> None:
    world.member.display_name = "Moonlight"
    world.member.save(update_fields=["display_name"])
    PostFactory(
        author=world.member,
        text="Tea?",
        link="https://example.org/tea",
        created_at=datetime(2026, 3, 10, 12, 30, tzinfo=ZoneInfo("UTC")),
        edited_at=timezone.now(),
    )
    access = group_access(user=world.member.user, group_id=world.group.pk)
    with timezone.override(ZoneInfo("Europe/Helsinki")):
        html = render_to_string(
            "board/_home_section.html", {"section": home_section(access=access)}
        )
    assert "<h2" in html
    assert "Moonlight" in html
    assert "March 10, 2026, 2:30 p.m." in html
    assert "edited" in html
    assert '<a href="https://example.org/tea" rel="noopener nofollow ugc">' in html
    assert f'href="/en/groups/{world.group.pk}/board/"' in html


def test_an_empty_board_and_a_closed_group(world: World) -> None:
    close_group(world.group)
    access = group_access(user=world.member.user, group_id=world.group.pk)
    section = home_section(access=access)
    assert section["can_post"] is False
    html = render_to_string("board/_home_section.html", {"section": section})
    assert "Nothing on the board yet." in html
    assert "Go to the board" in html
