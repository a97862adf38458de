"""Reads of the board, always scoped to the requesting person's group."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.urls import reverse

from booster.board.models import Post
from booster.groups.permissions import GroupAccess

POSTS_PER_PAGE = 20
HOME_SECTION_POSTS = 3


def _visible_posts(*, group_id: int) -> Any:
    return Post.objects.visible().filter(group_id=group_id).select_related("author")


def home_section(*, access: GroupAccess) -> dict[str, Any]:
    """What the group home shows of the board: the three newest posts (one query)."""
    posts = list(_visible_posts(group_id=access.group.pk)[:HOME_SECTION_POSTS])
    return {
        "posts": posts,
        "board_path": reverse("board:index", kwargs={"group_id": access.group.pk}),
        "can_post": access.group.state != access.group.State.CLOSED,
    }


def posts_page(*, access: GroupAccess, page_number: str | None) -> Page[Post]:
    """One page of the group's board, newest first (two queries: the count and the page)."""
    paginator = Paginator(_visible_posts(group_id=access.group.pk), POSTS_PER_PAGE)
    return paginator.get_page(page_number)


def post_of_group(*, access: GroupAccess, post_id: int) -> Post | None:
    """A visible post on the person's own group's board, or None."""
    return _visible_posts(group_id=access.group.pk).filter(pk=post_id).first()
