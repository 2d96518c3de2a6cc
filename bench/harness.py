"""What every benchmark script shares: the server's environment, a fresh database, waiting for it."""

import http.client
import os
import socket
import sys
import time
from urllib.parse import urlparse

import psycopg


def server_env(database_url: str) -> dict:
    """Production-like settings for a benchmark server on loopback."""
    return os.environ | {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdef0123456789",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The request-rate limit would turn a load test into 429s; it is not what is measured.
        "RATE_LIMIT_MAX_REQUESTS": "1000000000",
        "SMS_BACKEND": "console",
        # Sign-in codes are read from the log on purpose (production refuses it otherwise).
        "ALLOW_CONSOLE_SMS": "true",
        "LOG_LEVEL": "warning",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
    }


def recreate_database(database_url: str, *, marker: str) -> None:
    """Drop and create the benchmark database; refuses any name without `marker` in it."""
    name = urlparse(database_url).path.lstrip("/")
    if marker not in name:
        sys.exit(f"Refusing to drop {name!r}: a benchmark database name must contain {marker!r}.")
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def wait_for_health(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not come up")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
