"""Writes of the board: posting, editing and deleting one's own posts, and the e-mail digest."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booster.board.models import BoardDigestSent, Post
from booster.board.permissions import is_author
from booster.core.duplicates import person_lock, recent_twin
from booster.core.email import email_send, site_url_in
from booster.core.models import audit_log
from booster.core.ratelimit import RateLimitExceededError, rate_limit_take
from booster.groups.models import Group, Membership
from booster.groups.permissions import GroupAccess, require_open_group

# A person's posts in one group in an hour: enough for any conversation, not for a flood.
POSTS_PER_HOUR = 30


def _clean_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write a message.")})
    return text


def _require_author(access: GroupAccess, post: Post) -> None:
    if post.group_id != access.group.pk or post.is_deleted or not is_author(access, post):
        raise PermissionDenied


@transaction.atomic
def post_create(*, access: GroupAccess, text: str, link: str = "") -> Post:
    """Put a post on the group's board. Members and guides alike; not in a closed group."""
    require_open_group(access)
    post = Post(
        group=access.group, author=access.membership, text=_clean_text(text), link=link.strip()
    )
    post.full_clean()
    person_lock(Membership, access.membership.pk)
    twin = recent_twin(
        Post.objects.visible().filter(group=access.group, author=access.membership),
        text=post.text,
        link=post.link,
    )
    if twin is not None:
        return twin  # the same form sent twice: one post, and no second count in the limit
    try:
        rate_limit_take(
            key=f"board:posts:{access.group.pk}:{access.membership.user_id}", limit=POSTS_PER_HOUR
        )
    except RateLimitExceededError as exceeded:
        raise ValidationError(
            {
                "text": _(
                    "You can post at most %(limit)d messages an hour on a group's board. "
                    "What you wrote is kept here: please post it a little later."
                )
                % {"limit": POSTS_PER_HOUR}
            },
            code="rate_limited",
        ) from exceeded
    post.save()
    return post


@transaction.atomic
def post_edit(*, access: GroupAccess, post: Post, text: str, link: str = "") -> Post:
    """Change one's own post. Nobody else, a convener or a guide included, may change it."""
    require_open_group(access)
    _require_author(access, post)
    post.text = _clean_text(text)
    post.link = link.strip()
    post.edited_at = timezone.now()
    post.full_clean()
    post.save(update_fields=["text", "link", "edited_at"])
    return post


@transaction.atomic
def post_delete(*, access: GroupAccess, post: Post) -> None:
    """Delete one's own post: the text and link are erased and the post leaves the board."""
    require_open_group(access)
    _require_author(access, post)
    post.text = ""
    post.link = ""
    post.deleted_at = timezone.now()
    post.save(update_fields=["text", "link", "deleted_at"])
    audit_log(
        actor=access.user, action="board.post_deleted", group_id=access.group.pk, post_id=post.pk
    )


def board_digests_send(*, now: datetime | None = None) -> int:
    """E-mail every member and guide who wants the digest the posts that others made since
    their last digest (or since they joined). Returns how many e-mails were queued.

    Safe to run again and from several places at once: each person's marker is read and
    moved forward inside one transaction, so no post is ever sent to anyone twice.
    """
    now = now or timezone.now()
    recipients = list(
        Membership.objects.active()
        .filter(board_digest=True, user__is_active=True)
        .select_related("user", "group")
        .order_by("group_id", "id")
    )
    if not recipients:
        return 0
    sent_up_to = dict(
        BoardDigestSent.objects.filter(membership__in=recipients).values_list(
            "membership_id", "sent_up_to"
        )
    )
    earliest = min(sent_up_to.get(m.pk, m.joined_at) for m in recipients)
    posts_by_group: dict[int, list[Post]] = defaultdict(list)
    for post in (
        Post.objects.visible()
        .filter(
            group_id__in={m.group_id for m in recipients},
            created_at__gt=earliest,
            created_at__lte=now,
        )
        .select_related("author")
        .order_by("created_at", "id")
    ):
        posts_by_group[post.group_id].append(post)
    sent = 0
    for membership in recipients:
        try:
            if _digest_send_one(
                membership=membership, posts=posts_by_group[membership.group_id], now=now
            ):
                sent += 1
        except IntegrityError:
            # Another run created this person's first marker at the same moment: it sends.
            continue
    return sent


@transaction.atomic
def _digest_send_one(*, membership: Membership, posts: list[Post], now: datetime) -> bool:
    marker = BoardDigestSent.objects.select_for_update().filter(membership=membership).first()
    since = marker.sent_up_to if marker is not None else membership.joined_at
    news = [p for p in posts if p.created_at > since and p.author_id != membership.pk]
    if marker is None:
        BoardDigestSent.objects.create(
            membership=membership, sent_up_to=max(since, now), sent_at=now
        )
    elif now > since:
        marker.sent_up_to = now
        marker.sent_at = now
        marker.save(update_fields=["sent_up_to", "sent_at"])
    if not news:
        return False
    user = membership.user
    group: Group = membership.group
    email_send(
        to=user.email,
        template_prefix="board/email/digest",
        language=user.language,
        time_zone=user.time_zone,
        context={
            "recipient_name": membership.display_name,
            "group_name": group.name,
            "posts": news,
            "board_url": site_url_in("board:index", language=user.language, group_id=group.pk),
            # Where the digest is turned off: the member's own settings for this group.
            "settings_url": site_url_in(
                "groups:my_settings", language=user.language, group_id=group.pk
            ),
        },
    )
    return True
