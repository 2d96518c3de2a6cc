"""Baseline request rate limit (SPEC.md §1, ARCHITECTURE.md configuration).

Anonymous callers are counted per client IP, signed-in users per user with 10x the
allowance. Counters live in the cache through django-ratelimit, so with Redis they
are shared by every process.
"""

from django.conf import settings
from django_ratelimit.core import get_usage
from rest_framework.throttling import BaseThrottle

from arthomed.api.clientip import client_ip


def _window_seconds() -> int:
    return max(1, settings.RATE_LIMIT_WINDOW_MS // 1000)


def _key(group, request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def _rate(group, request) -> str:
    limit = settings.RATE_LIMIT_MAX_REQUESTS
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        limit *= settings.RATE_LIMIT_AUTHENTICATED_MULTIPLIER
    return f"{limit}/{_window_seconds()}s"


class RequestRateThrottle(BaseThrottle):
    """DRF throttle backed by django-ratelimit's counters (runs after authentication)."""

    def allow_request(self, request, view) -> bool:
        usage = get_usage(request, group="api", key=_key, rate=_rate, increment=True)
        if usage is None:
            return True
        self._wait = usage["time_left"]
        return not usage["should_limit"]

    def wait(self) -> float:
        return getattr(self, "_wait", _window_seconds())
