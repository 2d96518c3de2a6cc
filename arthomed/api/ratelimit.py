"""Baseline request rate limit (SPEC.md §1, ARCHITECTURE.md configuration).

Anonymous callers are counted per client IP, signed-in users per user with 10x the
allowance, in fixed windows. Counters live in the cache, so with Redis they are shared by
every process. Every request is counted; with Redis the count is one command.
"""

import time
from contextlib import suppress
from functools import cache

from django.conf import settings
from django.core.cache import caches
from rest_framework.exceptions import APIException, Throttled
from rest_framework.throttling import BaseThrottle

from arthomed.api.clientip import client_ip
from arthomed.core.errors import ApplicationError

try:
    from django_redis.cache import RedisCache
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - django-redis is a requirement
    RedisCache, RedisError = (), OSError

# Counters outlive their window a little, so a slow clock between processes never resets one early.
EXPIRY_FUDGE_SECONDS = 5


def _window_seconds() -> int:
    return max(1, settings.RATE_LIMIT_WINDOW_MS // 1000)


def _caller(request, user) -> tuple[str, int]:
    """Who is counted, and their allowance per window."""
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}", settings.RATE_LIMIT_MAX_REQUESTS * settings.RATE_LIMIT_AUTHENTICATED_MULTIPLIER
    return f"ip:{client_ip(request)}", settings.RATE_LIMIT_MAX_REQUESTS


# Increment, and give a new counter its expiry, atomically in one command: redis-py's Script
# runs it by EVALSHA (loading it once per server), with none of a pipeline's per-call set-up.
COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


@cache
def _count_script(client):
    """The counting script registered with a Redis client (its SHA1 worked out once)."""
    return client.register_script(COUNT_SCRIPT)


def _count(key: str, ttl: int) -> int | None:
    """Add one to the window's counter; its new value, or None when the cache is unreachable."""
    counters = caches[settings.RATELIMIT_USE_CACHE]
    if isinstance(counters, RedisCache):
        try:
            client = counters.client.get_client(write=True)
            return int(_count_script(client)(keys=[counters.make_key(key)], args=[ttl]))
        except RedisError:
            return None  # an outage stops the counting, never the API (RATELIMIT_FAIL_OPEN)
    counters.add(key, 0, ttl)
    try:
        return counters.incr(key)
    except ValueError:  # expired between the two calls
        return None


def _counted(request, user) -> tuple[bool, int]:
    """Count the request in its caller's window: (within the allowance, seconds until the window ends)."""
    request.rate_counted = True
    window = _window_seconds()
    now = time.time()
    window_start = int(now // window) * window
    who, limit = _caller(request, user)
    count = _count(f"rl:api:{who}:{window_start}", window + EXPIRY_FUDGE_SECONDS)
    return count is None or count <= limit, max(1, round(window_start + window - now))


class RequestRateThrottle(BaseThrottle):
    """DRF throttle counting every request (runs after authentication)."""

    def allow_request(self, request, view) -> bool:
        allowed, self._wait = _counted(request, getattr(request, "user", None))
        return allowed

    def wait(self) -> float:
        return getattr(self, "_wait", _window_seconds())


def throttled_instead(exc: Exception, request, view) -> Throttled | None:
    """Count a request DRF refused before its throttles ran; the 429 to answer instead when over the limit.

    DRF authenticates and checks permissions before it throttles, so a bad, forged or revoked token,
    a missing one, or a role that may not would never be counted: a stranger could replay tokens
    (each revoked one costs a database read) without limit. Such a request counts once, against
    its address when it is not signed in.
    """
    if request is None or view is None or getattr(request, "rate_counted", False):
        return None
    if not any(isinstance(throttle, RequestRateThrottle) for throttle in view.get_throttles()):
        return None  # a route that opted out (Twilio's callbacks)
    user = None
    if getattr(exc, "status_code", None) != 401:  # a refused token is not looked up twice
        # Refused before authentication (406): authenticate now; a failure leaves the caller anonymous.
        with suppress(APIException, ApplicationError):
            user = request.user
    allowed, wait = _counted(request, user)
    return None if allowed else Throttled(wait)
