"""Settings come from the environment once; SECRET_KEY is mandatory in production."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _settings_probe(extra_env: dict, expression: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    env.update(extra_env)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'arthomed.settings'; django.setup(); "
        f"from django.conf import settings as s; print({expression})"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def _run(extra_env: dict, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    env.update(extra_env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def _serves(extra_env: dict) -> bool:
    return _run(extra_env, "-c", "import arthomed.wsgi").returncode == 0


def _assert_refused(extra_env: dict, *, check_id: str, message: str) -> None:
    """`check --deploy` fails with the check's id, and wsgi refuses to serve."""
    check = _run(extra_env, "manage.py", "check", "--deploy")
    assert check.returncode != 0
    assert check_id in check.stderr
    serve = _run(extra_env, "-c", "import arthomed.wsgi")
    assert serve.returncode != 0
    assert message in serve.stderr


def test_secret_key_required_to_serve_when_not_debug():
    no_key = {"DEBUG": "false", "SECRET_KEY": ""}
    _assert_refused(no_key, check_id="arthomed.E001", message="SECRET_KEY is required")
    assert _serves({**no_key, "SECRET_KEY": "k" * 50})


def test_tooling_runs_on_a_fresh_clone_without_a_key():
    result = _run({"DEBUG": "false", "SECRET_KEY": ""}, "manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_defaults_sqlite_wal_immediate_and_clinic_time():
    # Empty values, as `make run` copies them from .env.example, mean "use the default".
    result = _settings_probe(
        {"DEBUG": "true", "SECRET_KEY": "", "DATABASE_URL": "", "TIME_ZONE": "", "PORT": ""},
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['OPTIONS']['transaction_mode'], "
        "s.TIME_ZONE, s.USE_TZ, s.CELERY_TASK_ALWAYS_EAGER, s.PORT",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3 IMMEDIATE Asia/Kolkata True True 3001"


def test_postgres_and_redis_from_urls():
    result = _settings_probe(
        {
            "DEBUG": "false",
            "SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://u:p@db:5432/arthomed",
            "REDIS_URL": "redis://cache:6379/0",
            "CELERY_BROKER_URL": "",
        },
        "s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], s.CELERY_BROKER_URL, "
        "s.CELERY_TASK_ALWAYS_EAGER, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "django_redis.cache.RedisCache",
        "redis://cache:6379/0",
        "False",
        "True",
        "31536000",
    ]


def test_production_refuses_console_sms_unless_allowed():
    """The console backend logs every sign-in code: check --deploy fails and wsgi refuses to serve."""
    production = {"DEBUG": "false", "SECRET_KEY": "k" * 50, "SMS_BACKEND": "console", "ALLOW_CONSOLE_SMS": ""}
    _assert_refused(production, check_id="arthomed.E002", message="SMS_BACKEND=console")

    allowed = _run({**production, "ALLOW_CONSOLE_SMS": "true"}, "manage.py", "check", "--deploy")
    assert "arthomed.E002" not in allowed.stdout + allowed.stderr
    assert _serves({**production, "ALLOW_CONSOLE_SMS": "true"})
    assert _serves({**production, "SMS_BACKEND": "twilio"})
    # Development keeps the console backend without ceremony.
    assert _serves({**production, "DEBUG": "true"})


def test_no_broker_runs_tasks_eagerly_without_kombu_warnings():
    """`make run` has no broker: a task runs in-process and nothing warns about a missing broker host."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'arthomed.settings'; django.setup(); "
        "from arthomed.celery import app\n"
        "@app.task\n"
        "def ping():\n"
        "    return 'pong'\n"
        "print(ping.delay().get())"
    )
    result = _run({"DEBUG": "true", "CELERY_BROKER_URL": "", "REDIS_URL": "", "LOG_LEVEL": "debug"}, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("pong")
    output = result.stdout + result.stderr
    assert '"level": "warning"' not in output
    assert "kombu" not in output.lower()


def test_postgresql_keeps_hot_statements_prepared_unless_turned_off():
    postgres = {"DEBUG": "true", "DATABASE_URL": "postgres://u@127.0.0.1:5432/arthomed"}
    options = "s.DATABASES['default']['OPTIONS']"
    expression = f"{options}.get('server_side_binding'), {options}.get('prepare_threshold')"
    result = _settings_probe({**postgres, "DATABASE_PREPARED_STATEMENTS": ""}, expression)
    assert result.stdout.split() == ["True", "5"], result.stderr
    # With psycopg's own pool, each pooled connection keeps its own.
    result = _settings_probe({**postgres, "DATABASE_POOL": "true"}, f"{options}.get('pool'), " + expression)
    assert result.stdout.split() == ["True", "True", "5"], result.stderr
    # Behind a transaction-mode pooler without prepared-statement support.
    result = _settings_probe({**postgres, "DATABASE_PREPARED_STATEMENTS": "false"}, expression)
    assert result.stdout.split() == ["None", "None"], result.stderr
