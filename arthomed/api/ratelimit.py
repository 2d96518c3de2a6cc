"""Baseline request rate limit (SPEC.md §1, ARCHITECTURE.md configuration).

Anonymous callers are counted per client IP, signed-in users per user with 10x the
allowance, in fixed windows. Counters live in the cache, so with Redis they are shared by
every process. Every request is counted; with Redis the count is one command.
"""

import time
from functools import cache

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import BaseThrottle

from arthomed.api.clientip import client_ip

try:
    from django_redis.cache import RedisCache
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - django-redis is a requirement
    RedisCache, RedisError = (), OSError

# Counters outlive their window a little, so a slow clock between processes never resets one early.
EXPIRY_FUDGE_SECONDS = 5


def _window_seconds() -> int:
    return max(1, settings.RATE_LIMIT_WINDOW_MS // 1000)


def _caller(request) -> tuple[str, int]:
    """Who is counted, and their allowance per window."""
    user = getattr(request, "user", None)
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


class RequestRateThrottle(BaseThrottle):
    """DRF throttle counting every request (runs after authentication)."""

    def allow_request(self, request, view) -> bool:
        window = _window_seconds()
        now = time.time()
        window_start = int(now // window) * window
        who, limit = _caller(request)
        count = _count(f"rl:api:{who}:{window_start}", window + EXPIRY_FUDGE_SECONDS)
        self._wait = max(1, round(window_start + window - now))
        return count is None or count <= limit

    def wait(self) -> float:
        return getattr(self, "_wait", _window_seconds())
