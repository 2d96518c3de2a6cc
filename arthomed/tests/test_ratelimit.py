"""Baseline request rate limit: per IP when anonymous, per user (10x) when signed in."""

import pytest
from django.core.cache import caches

from arthomed.api.clientip import client_ip
from arthomed.core.roles import Role
from conftest import TEST_REDIS_URL

pytestmark = [pytest.mark.django_db, pytest.mark.urls("arthomed.tests.probe_urls")]


@pytest.fixture
def small_limit(settings):
    settings.RATE_LIMIT_MAX_REQUESTS = 3
    settings.RATE_LIMIT_WINDOW_MS = 60_000


def test_anonymous_callers_limited_per_ip_with_retry_after(api, small_limit):
    for _ in range(3):
        assert api.get("/api/_probe/users").status_code == 200
    response = api.get("/api/_probe/users")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another address still gets through.
    assert api.get("/api/_probe/users", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_signed_in_users_get_ten_times_the_allowance(as_user, make_user, small_limit):
    client = as_user(make_user(Role.ADMIN))
    statuses = [client.get("/api/_probe/admin-only").status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


def test_users_are_counted_separately_from_their_ip(as_user, make_user, api, small_limit):
    client = as_user(make_user(Role.ADMIN))
    for _ in range(5):
        assert client.get("/api/_probe/admin-only").status_code == 200
    assert api.get("/api/_probe/users").status_code == 200


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": TEST_REDIS_URL}}
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


@pytest.mark.redis
def test_with_redis_each_request_is_counted_once_in_an_expiring_counter(api, small_limit, redis_cache):
    for _ in range(3):
        assert api.get("/api/_probe/users").status_code == 200
    response = api.get("/api/_probe/users")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    client = redis_cache.client.get_client()
    [key] = client.keys("*rl:api:ip:*")
    assert int(client.get(key)) == 4  # the refused request counted too
    assert 60 <= client.ttl(key) <= 65  # the window, plus a little


@pytest.mark.redis
def test_with_redis_counting_survives_a_restarted_server_forgetting_the_script(api, small_limit, redis_cache):
    """The count is a Lua script run by its SHA1; a Redis restart (or SCRIPT FLUSH) forgets it. It must be
    loaded again, not turn into a Redis error that fails open and stops the counting."""
    assert api.get("/api/_probe/users").status_code == 200
    redis_cache.client.get_client().script_flush()
    assert [api.get("/api/_probe/users").status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.redis
def test_with_redis_signed_in_users_get_ten_times_the_allowance(as_user, make_user, small_limit, redis_cache):
    client = as_user(make_user(Role.ADMIN))
    statuses = [client.get("/api/_probe/admin-only").status_code for _ in range(31)]
    assert statuses == [200] * 30 + [429]


class FakeRequest:
    def __init__(self, remote, forwarded=None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


def test_forwarded_for_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(FakeRequest("10.0.0.1", "1.2.3.4")) == "10.0.0.1"


def test_forwarded_for_read_through_trusted_proxies_only(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # A client-forged first entry is skipped: the proxy appended the real address last.
    assert client_ip(FakeRequest("10.0.0.1", "6.6.6.6, 1.2.3.4")) == "1.2.3.4"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(FakeRequest("10.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.2")) == "1.2.3.4"
