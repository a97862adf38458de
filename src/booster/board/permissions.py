"""Who may change a board post: its author alone. Stewards read like everyone else."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from booster.board import selectors
from booster.board.models import Post
from booster.groups.permissions import GroupAccess


def is_author(access: GroupAccess, post: Post) -> bool:
    return post.author_id == access.membership.pk


def post_for_author(access: GroupAccess, post_id: int) -> Post:
    """The post, when the person wrote it: 404 when it is not on their board (or deleted),
    403 when someone else wrote it. Conveners and guides get no exception: the board is
    equal for all."""
    post = selectors.post_of_group(access=access, post_id=post_id)
    if post is None:
        raise Http404
    if not is_author(access, post):
        raise PermissionDenied
    return post
