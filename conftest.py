"""Project-wide pytest fixtures: users of each role, a doctor with a week, API clients, clean state.

Data is built with the factories of `appointments/tests/factories.py`, the project's one set.
"""

import os

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.tokens import tokens_for
from appointments.tests.factories import SUNDAY, DoctorFactory, UserFactory, clinic_dt
from arthomed.api.renderers import EnvelopeJSONRenderer
from arthomed.core.roles import Role

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def rendered(data) -> bytes:
    """`data` as the API's renderer writes it in a success envelope (a fixed timestamp): for tests that
    hold a plain output builder byte for byte to its serializer."""
    return EnvelopeJSONRenderer().render({"success": True, "message": "", "data": data, "timestamp": "t"})


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def pytest_collection_modifyitems(config, items):
    """Skip, with the reason shown, tests whose service is absent (never pass them silently)."""
    no_pg = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://... (as .ci/run does)")
    no_redis = pytest.mark.skip(reason=f"needs Redis at {TEST_REDIS_URL}")
    redis_ok = None
    for item in items:
        if "postgres" in item.keywords and not django_settings.IS_POSTGRES:
            item.add_marker(no_pg)
        if "redis" in item.keywords:
            redis_ok = _redis_reachable() if redis_ok is None else redis_ok
            if not redis_ok:
                item.add_marker(no_redis)


@pytest.fixture(autouse=True)
def _clean_state(settings, tmp_path):
    """Each test starts with empty rate-limit counters, an empty SMS outbox and its own media dir."""
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    from arthomed import sms

    sms.outbox.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    """`make_user(role, **fields)`: a verified user made by `UserFactory`."""

    def make(role: str = Role.PATIENT, **fields):
        return UserFactory(role=role, **fields)

    return make


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for(user)['accessToken']}")
    return client


@pytest.fixture
def api():
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def as_user():
    """`as_user(user)` -> an API client authenticated as that user."""
    return client_for


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.ADMIN, name="Asha Admin")


@pytest.fixture
def receptionist(make_user):
    return make_user(Role.RECEPTIONIST, name="Rita Reception")


@pytest.fixture
def doctor(make_user):
    return make_user(Role.DOCTOR, name="Dev Doctor")


@pytest.fixture
def patient(make_user):
    return make_user(Role.PATIENT, name="Priya Patient")


@pytest.fixture
def clinic_doctor(db):
    """A doctor working Mondays 09:00-13:00: 30-minute slots, the default fee and specialization."""
    return DoctorFactory(name="Dr Clinic", schedule=["monday 09:00-13:00"])


@pytest.fixture
def sunday_morning():
    """The clock stopped at 10:00 on SUNDAY, the day before the MONDAY that booking tests book."""
    with time_machine.travel(clinic_dt(SUNDAY, 10), tick=False):
        yield
