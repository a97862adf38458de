"""Demo posts for the demo group."""

from __future__ import annotations

from booster.board.demo import board_demo_create
from booster.board.models import Post
from tests.factories import GroupFactory, MembershipFactory
from tests.personas import World


def test_three_friendly_posts_by_different_members(world: World) -> None:
    posts = board_demo_create(world.group)
    assert len(posts) == 3
    assert len({post.author_id for post in posts}) == 3
    assert all(post.author.group == world.group for post in posts)
    assert any(post.link for post in posts)
    # Only once: running the demo again adds nothing.
    assert board_demo_create(world.group) == []
    assert Post.objects.filter(group=world.group).count() == 3


def test_in_the_groups_language_and_fewer_for_a_small_group(db: None) -> None:
    group = GroupFactory(language="fi")
    MembershipFactory(group=group)
    MembershipFactory(group=group)
    posts = board_demo_create(group)
    assert len(posts) == 2
    assert posts[0].text.startswith("Mukava")
