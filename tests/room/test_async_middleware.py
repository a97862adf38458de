"""The two project middlewares work under ASGI without a hop to a thread, and do what they
do in a synchronous stack: the signed-in person's time zone, and no-store for them."""

from __future__ import annotations

import pytest
from asgiref.sync import iscoroutinefunction, sync_to_async
from django.contrib.auth.middleware import get_user
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import AsyncRequestFactory
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from booster.accounts.middleware import UserTimezoneMiddleware
from booster.core.middleware import PrivateNoStoreMiddleware
from tests.factories import UserFactory

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _with_user(request: HttpRequest, user: object) -> HttpRequest:
    """What AuthenticationMiddleware gives the request: a lazy ``user`` (loaded from the
    database when first read: that would fail here, in the event loop) and ``auser``."""

    async def auser() -> object:
        return user

    request.user = SimpleLazyObject(lambda: get_user(request))  # type: ignore[assignment]
    request.auser = auser  # type: ignore[attr-defined]
    return request


async def test_both_are_coroutines_in_an_async_stack() -> None:
    async def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    for middleware in (UserTimezoneMiddleware(view), PrivateNoStoreMiddleware(view)):
        assert iscoroutinefunction(middleware)
    assert not iscoroutinefunction(UserTimezoneMiddleware(lambda request: HttpResponse()))


async def test_the_time_zone_and_no_store_for_a_signed_in_person() -> None:
    user = await sync_to_async(UserFactory)(time_zone="Europe/Helsinki")
    seen: list[str] = []

    async def view(request: HttpRequest) -> HttpResponse:
        seen.append(timezone.get_current_timezone_name())
        return HttpResponse("private")

    stack = PrivateNoStoreMiddleware(UserTimezoneMiddleware(view))
    request = _with_user(AsyncRequestFactory().get("/"), user)
    response = await stack(request)
    assert seen == ["Europe/Helsinki"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    # request.user is the same person, without loading them again.
    assert request._cached_user == user  # type: ignore[attr-defined]


async def test_nothing_private_for_someone_signed_out() -> None:
    seen: list[str] = []

    async def view(request: HttpRequest) -> HttpResponse:
        seen.append(timezone.get_current_timezone_name())
        return HttpResponse("public")

    stack = PrivateNoStoreMiddleware(UserTimezoneMiddleware(view))
    response = await stack(_with_user(AsyncRequestFactory().get("/"), AnonymousUser()))
    assert seen == [timezone.get_default_timezone_name()]
    assert not response.has_header("Cache-Control")


async def test_signing_out_in_the_view_is_seen_as_in_a_synchronous_stack() -> None:
    user = await sync_to_async(UserFactory)()

    async def view(request: HttpRequest) -> HttpResponse:
        request.user = AnonymousUser()  # what django.contrib.auth.logout does
        return HttpResponse("bye")

    stack = PrivateNoStoreMiddleware(UserTimezoneMiddleware(view))
    response = await stack(_with_user(AsyncRequestFactory().get("/"), user))
    assert not response.has_header("Cache-Control")
