"""The board's services on their own: the rules hold whoever calls them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from booster.board import services
from booster.board.models import Post
from booster.groups.permissions import GroupAccess, group_access
from tests.board.helpers import close_group
from tests.factories import PostFactory
from tests.personas import World


def _access(world: World, persona: str) -> GroupAccess:
    return group_access(user=world.user(persona), group_id=world.group.pk)


@pytest.mark.parametrize("persona", ["member", "convener", "guide"])
def test_members_and_guides_post(world: World, persona: str) -> None:
    post = services.post_create(access=_access(world, persona), text="Hi", link="")
    assert post.author == getattr(world, persona)


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "data:text/html,hi", "ftp://example.org/", "mailto:a@b.fi"]
)
def test_the_service_refuses_links_that_are_not_web_links(world: World, link: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.post_create(access=_access(world, "member"), text="Hi", link=link)
    assert "link" in caught.value.message_dict
    assert not Post.objects.exists()


def test_the_service_refuses_empty_and_overlong_text(world: World) -> None:
    access = _access(world, "member")
    with pytest.raises(ValidationError) as caught:
        services.post_create(access=access, text="  ", link="")
    assert caught.value.message_dict == {"text": ["Write a message."]}
    with pytest.raises(ValidationError):
        services.post_create(access=access, text="x" * 2001, link="")
    assert not Post.objects.exists()


@pytest.mark.parametrize("persona", ["second_member", "convener", "guide"])
def test_nobody_changes_anothers_post(world: World, persona: str) -> None:
    post = PostFactory(author=world.member, text="Mine")
    access = _access(world, persona)
    with pytest.raises(PermissionDenied):
        services.post_edit(access=access, post=post, text="Theirs", link="")
    with pytest.raises(PermissionDenied):
        services.post_delete(access=access, post=post)
    post.refresh_from_db()
    assert post.text == "Mine"
    assert post.deleted_at is None


def test_a_deleted_post_cannot_be_edited(world: World) -> None:
    access = _access(world, "member")
    post = PostFactory(author=world.member)
    services.post_delete(access=access, post=post)
    with pytest.raises(PermissionDenied):
        services.post_edit(access=access, post=post, text="Back again", link="")


def test_nothing_changes_in_a_closed_group(world: World) -> None:
    post = PostFactory(author=world.member)
    close_group(world.group)
    access = _access(world, "member")
    for attempt in (
        lambda: services.post_create(access=access, text="Hi", link=""),
        lambda: services.post_edit(access=access, post=post, text="Hi", link=""),
        lambda: services.post_delete(access=access, post=post),
    ):
        with pytest.raises(PermissionDenied):
            attempt()


def test_the_database_keeps_deleted_posts_empty(world: World) -> None:
    post = PostFactory(author=world.member, text="Secret")
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(deleted_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(text="")


def test_a_person_posts_at_most_thirty_times_an_hour_in_a_group(world: World) -> None:
    access = _access(world, "member")
    for number in range(services.POSTS_PER_HOUR):
        services.post_create(access=access, text=f"Post {number}")
    with pytest.raises(ValidationError) as caught:
        services.post_create(access=access, text="One too many")
    assert "text" in caught.value.message_dict
    assert Post.objects.count() == services.POSTS_PER_HOUR
