"""Integration: a real Celery worker on the real Redis delivers a notification SMS through the gateway.

Needs PostgreSQL as well as Redis: the worker is a separate process and must see the
test database (an in-memory SQLite database is invisible to it).
"""

import os
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from appointments.models import OutboundMessage, OutboundMessageStatus
from appointments.notifications import notify_confirmed
from appointments.tests.factories import AppointmentFactory
from arthomed.celery import app as celery_app

BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
DEADLINE_SECONDS = 60


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def broker(monkeypatch):
    """This process publishes to the real broker instead of running tasks eagerly."""
    redis.Redis.from_url(BROKER_URL).flushdb()
    saved = {"broker_url": celery_app.conf.broker_url, "task_always_eager": celery_app.conf.task_always_eager}
    celery_app.conf.update(broker_url=BROKER_URL, task_always_eager=False)
    # Celery keeps the producer pool of the broker it first used (earlier eager tests); start afresh.
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    yield BROKER_URL
    celery_app.amqp.producer_pool.force_close_all()
    celery_app.conf.update(saved)
    redis.Redis.from_url(BROKER_URL).flushdb()


@pytest.fixture
def worker(broker, tmp_path):
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "REDIS_URL": "",
        "SMS_BACKEND": "console",
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
    }
    command = [sys.executable, "-m", "celery", "-A", "arthomed", "worker", "--pool", "solo", "--loglevel", "info"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_sms_through_the_gateway(worker, patient, doctor):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status="confirmed")
    notify_confirmed(appointment=appointment)  # commits, then publishes the task to Redis

    message = OutboundMessage.objects.get(appointment=appointment)
    deadline = time.monotonic() + DEADLINE_SECONDS
    while message.status == OutboundMessageStatus.QUEUED and time.monotonic() < deadline:
        time.sleep(0.5)
        message.refresh_from_db()

    output = worker.read_text()
    assert message.status == OutboundMessageStatus.SENT, output
    assert message.attempts == 1
    assert message.provider_id == "console"
    assert f"SMS to +91{patient.mobile_number}: {message.body}" in output
