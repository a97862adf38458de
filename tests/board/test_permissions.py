"""Every board URL for every persona, plus a removed member.

Columns: anon(ymous) · outsider · other (member of another group) · author (the member who
wrote the post) · second (another member) · convener · guide · removed (a removed author).

| URL (method)      | anon  | outsider | other | author | second | convener | guide | removed |
| ----------------- | ----- | -------- | ----- | ------ | ------ | -------- | ----- | ------- |
| index (GET)       | login | 404      | 404   | 200    | 200    | 200      | 200   | 404     |
| index (POST)      | login | 404      | 404   | 302    | 302    | 302      | 302   | 404     |
| edit (GET)        | login | 404      | 404   | 200    | 403    | 403      | 403   | 404     |
| edit (POST)       | login | 404      | 404   | 302    | 403    | 403      | 403   | 404     |
| delete (GET)      | login | 404      | 404   | 200    | 403    | 403      | 403   | 404     |
| delete (POST)     | login | 404      | 404   | 302    | 403    | 403      | 403   | 404     |

In a closed group every change is 403 for everyone, while reading stays 200.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from booster.board.models import Post
from tests.board.helpers import client_for, close_group, remove_member
from tests.factories import PostFactory
from tests.personas import PERSONAS, World

ALL = (*PERSONAS, "second_member")

INDEX = {
    "anonymous": 302,
    "outsider": 404,
    "other_member": 404,
    "member": 200,
    "second_member": 200,
    "convener": 200,
    "guide": 200,
}
INDEX_POST = {**INDEX, "member": 302, "second_member": 302, "convener": 302, "guide": 302}
AUTHOR_ONLY_GET = {**INDEX, "second_member": 403, "convener": 403, "guide": 403}
AUTHOR_ONLY_POST = {**AUTHOR_ONLY_GET, "member": 302}


def _check(world: World, persona: str, method: str, url: str, expected: int) -> None:
    client = client_for(world.user(persona))
    data = {"text": "Hello from the matrix", "link": ""}
    response = client.get(url) if method == "GET" else client.post(url, data)
    assert response.status_code == expected, (persona, method, url)
    if persona == "anonymous":
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ALL)
def test_index(world: World, persona: str) -> None:
    url = reverse("board:index", kwargs={"group_id": world.group.pk})
    _check(world, persona, "GET", url, INDEX[persona])
    _check(world, persona, "POST", url, INDEX_POST[persona])
    posted = Post.objects.filter(text="Hello from the matrix").count()
    assert posted == (1 if INDEX_POST[persona] == 302 and persona != "anonymous" else 0)


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("name", ["board:edit", "board:delete"])
def test_author_only_pages(world: World, persona: str, name: str) -> None:
    post = PostFactory(author=world.member, text="Mika's words")
    url = reverse(name, kwargs={"group_id": world.group.pk, "post_id": post.pk})
    _check(world, persona, "GET", url, AUTHOR_ONLY_GET[persona])
    _check(world, persona, "POST", url, AUTHOR_ONLY_POST[persona])
    post.refresh_from_db()
    changed = persona == "member"
    assert (post.text != "Mika's words") is changed


def test_a_guide_and_a_convener_may_change_their_own_posts(world: World) -> None:
    for membership in (world.guide, world.convener):
        post = PostFactory(author=membership)
        client = client_for(membership.user)
        edit = reverse("board:edit", kwargs={"group_id": world.group.pk, "post_id": post.pk})
        delete = reverse("board:delete", kwargs={"group_id": world.group.pk, "post_id": post.pk})
        assert client.get(edit).status_code == 200
        assert client.post(edit, {"text": "Changed", "link": ""}).status_code == 302
        assert client.post(delete).status_code == 302


def test_a_removed_member_is_refused_at_once_and_their_words_stay(world: World) -> None:
    post = PostFactory(author=world.second_member, text="Words that stay")
    client = client_for(world.second_member.user)
    index = reverse("board:index", kwargs={"group_id": world.group.pk})
    edit = reverse("board:edit", kwargs={"group_id": world.group.pk, "post_id": post.pk})
    delete = reverse("board:delete", kwargs={"group_id": world.group.pk, "post_id": post.pk})
    assert client.get(index).status_code == 200

    remove_member(world.second_member)

    assert client.get(index).status_code == 404
    assert client.post(index, {"text": "Let me back"}).status_code == 404
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"text": "Rewritten"}).status_code == 404
    assert client.post(delete).status_code == 404
    post.refresh_from_db()
    assert post.text == "Words that stay"
    page = client_for(world.member.user).get(index)
    assert "Words that stay" in page.content.decode()
    assert "Sanna" in page.content.decode()


def test_a_post_of_another_group_is_not_found(world: World) -> None:
    post = PostFactory(author=world.other_member)
    client = client_for(world.member.user)
    for name in ("board:edit", "board:delete"):
        url = reverse(name, kwargs={"group_id": world.group.pk, "post_id": post.pk})
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["member", "convener", "guide"])
def test_a_closed_group_can_be_read_but_not_changed(world: World, persona: str) -> None:
    post = PostFactory(author=getattr(world, persona), text="Before the end")
    close_group(world.group)
    client = client_for(world.user(persona))
    index = reverse("board:index", kwargs={"group_id": world.group.pk})
    edit = reverse("board:edit", kwargs={"group_id": world.group.pk, "post_id": post.pk})
    delete = reverse("board:delete", kwargs={"group_id": world.group.pk, "post_id": post.pk})
    page = client.get(index)
    assert page.status_code == 200
    assert "Before the end" in page.content.decode()
    assert 'name="text"' not in page.content.decode()
    assert client.post(index, {"text": "After the end"}).status_code == 403
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"text": "After the end"}).status_code == 403
    assert client.get(delete).status_code == 403
    assert client.post(delete).status_code == 403
    assert not Post.objects.filter(text="After the end").exists()
    post.refresh_from_db()
    assert post.text == "Before the end"
    assert post.deleted_at is None
