"""Activate each signed-in person's own time zone for the request."""

from __future__ import annotations

import zoneinfo
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from booster.core.middleware import request_user


def _activate(user: Any) -> None:
    if user is not None and user.is_authenticated:
        try:
            timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
    else:
        timezone.deactivate()


class UserTimezoneMiddleware:
    """Works both ways: under ASGI a request does not cross to a thread and back for it."""

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
        _activate(getattr(request, "user", None))
        return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        _activate(await request_user(request))
        response = self.get_response(request)
        assert not isinstance(response, HttpResponse)
        return await response
