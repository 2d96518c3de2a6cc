"""The request rate limit fails open when the cache is unreachable (bench/faults/redis_down.py found 429s)."""

import socket

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("arthomed.tests.probe_urls")]


def _closed_port() -> int:
    # Bound then released: nothing listens there, so connecting is refused at once.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
        }
    }
    settings.RATE_LIMIT_MAX_REQUESTS = 1
    settings.RATE_LIMIT_WINDOW_MS = 60_000


def test_requests_are_served_not_refused_when_the_cache_is_down(api, redis_down):
    statuses = [api.get("/api/_probe/users").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]


def test_the_limit_still_applies_with_a_working_cache(api, settings):
    settings.RATE_LIMIT_MAX_REQUESTS = 1
    settings.RATE_LIMIT_WINDOW_MS = 60_000
    assert api.get("/api/_probe/users").status_code == 200
    assert api.get("/api/_probe/users").status_code == 429
