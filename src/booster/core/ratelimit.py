"""A small hourly allowance per person and purpose, counted in the shared cache."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone


class RateLimitExceededError(Exception):
    """Taking this much would go over the hour's allowance; ``left`` can still be taken."""

    def __init__(self, left: int) -> None:
        super().__init__(left)
        self.left = left


def rate_limit_take(*, key: str, limit: int, count: int = 1) -> None:
    """Take ``count`` from this hour's allowance of ``limit`` under ``key`` (e.g.
    ``"groups:concerns:<group>:<user>"``), or raise RateLimitExceededError and take nothing."""
    bucket = f"ratelimit:{key}:{timezone.now():%Y%m%d%H}"
    cache.add(bucket, 0, timeout=3600)
    try:
        total = cache.incr(bucket, count)
    except ValueError:  # the key expired between add and incr: a new hour began
        cache.set(bucket, count, timeout=3600)
        total = count
    if total > limit:
        cache.decr(bucket, count)
        raise RateLimitExceededError(max(limit - (total - count), 0))
