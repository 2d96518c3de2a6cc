"""`manage.py check --deploy` is clean with production settings (a fresh process, real environment)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_SECRET = "kq7!Zr2@Lx9#Vm4$Tp8%Wn3^Hs6&Bd1*Gf5(Jc0)Ny-Ue_Ra+Oi=Pl"


def check_deploy(**overrides) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "SECURE_SSL_REDIRECT"}
    }
    env.update({"DEBUG": "false", "SECRET_KEY": STRONG_SECRET, "ALLOWED_HOSTS": "api.arthomed.example"})
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        # A multi-process deployment: cache and rate-limit counters in Redis (not contacted by the checks).
        {"REDIS_URL": "redis://127.0.0.1:6379/0"},
        {"SECURE_SSL_REDIRECT": "true"},
    ],
    ids=["defaults", "redis", "ssl-redirect"],
)
def test_check_deploy_is_clean_with_production_settings(overrides):
    result = check_deploy(**overrides)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_still_catches_a_weak_secret_key():
    """The checks are live, not silenced wholesale: a short secret key fails them."""
    result = check_deploy(SECRET_KEY="short")
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout
