"""Response headers that keep private pages private."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject


async def request_user(request: HttpRequest) -> Any:
    """The request's user, read without leaving the event loop (AuthenticationMiddleware's
    ``auser``), and given to ``request.user`` too so that the view's synchronous code does
    not load it a second time."""
    auser = getattr(request, "auser", None)
    if auser is None:
        return getattr(request, "user", None)
    user = await auser()
    if not hasattr(request, "_cached_user"):
        request._cached_user = user  # type: ignore[attr-defined]  # what request.user reads
    return user


class PrivateNoStoreMiddleware:
    """A page shown to a signed-in person is never stored by a browser or a proxy.

    Group pages, notebooks and exports hold confidential text; ``no-store`` keeps them out
    of shared caches and of the browser's back-forward history on a shared computer.
    Works both ways: under ASGI a request does not cross to a thread and back for it.
    """

    sync_capable = True
    async_capable = True

    def __init__(
        self,
        get_response: Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]],
    ) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self.__acall__(request)
        response = self.get_response(request)
        self._private(response, getattr(request, "user", None))
        return response

    async def __acall__(self, request: HttpRequest) -> Any:
        response = await self.get_response(request)  # type: ignore[misc]
        # As in the synchronous path, the user after the view (who may have signed in or
        # out); loaded without a database query when it has been loaded already.
        user = getattr(request, "user", None)
        if isinstance(user, SimpleLazyObject) and not hasattr(request, "_cached_user"):
            user = await request_user(request)
        self._private(response, user)
        return response

    @staticmethod
    def _private(response: Any, user: Any) -> None:
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
