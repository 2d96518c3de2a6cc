"""Clients generated from the OpenAPI document work as a mobile team would use them (issue 13 §6).

Both generators run on the schema this project serves, with no warning; the TypeScript
client compiles under `tsc --strict` without a cast, the Python client imports every
module; each then signs in with an SMS code, books a slot and cancels it against a live
gunicorn on loopback (SQLite, demo clinic, console SMS written to a log the flows read).
Pins: clients/ts/package.json + package-lock.json (`npm ci`), openapi-python-client in
requirements-dev.txt.
"""

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TS_DIR = ROOT / "clients" / "ts"
PY_DIR = ROOT / "clients" / "python"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))
import fuzz  # noqa: E402 - bench/ is a directory of scripts
from harness import free_port, wait_for_health  # noqa: E402

pytestmark = pytest.mark.clients

NODE_MISSING = shutil.which("node") is None or shutil.which("npm") is None


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, command))}\n{result.stdout}\n{result.stderr}"
    return result


def assert_no_warning(result: subprocess.CompletedProcess) -> None:
    output = (result.stdout + result.stderr).lower()
    assert "warn" not in output, output
    assert "error" not in output, output


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("clients")


@pytest.fixture(scope="module")
def server_env(workdir) -> dict:
    # The fuzzer's server (fresh SQLite, no Redis, eager tasks), with SMS printed so the flows read their code.
    # Sign-in codes are read from the console SMS log on purpose (production refuses it otherwise).
    return {**fuzz.server_env(workdir), "SMS_BACKEND": "console", "ALLOW_CONSOLE_SMS": "true"}


@pytest.fixture(scope="module")
def schema_file(workdir, server_env) -> Path:
    path = workdir / "openapi.json"
    manage = [sys.executable, "manage.py", "spectacular", "--format", "openapi-json", "--validate", "--fail-on-warn"]
    run([*manage, "--file", str(path)], cwd=ROOT, env=server_env)
    return path


@pytest.fixture(scope="module")
def gunicorn_server(workdir, server_env):
    """gunicorn on a free loopback port; its stdout (console SMS, sign-in codes included) goes to sms.log."""
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=server_env)
    run([sys.executable, "manage.py", "seed_demo"], cwd=ROOT, env=server_env)
    port = free_port()
    sms_log = workdir / "sms.log"
    with sms_log.open("w") as stdout, (workdir / "server.log").open("w") as stderr:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "arthomed.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=server_env,
            stdout=stdout,
            stderr=stderr,
        )
    try:
        wait_for_health(port, timeout=60)
        yield {"ARTHOMED_BASE_URL": f"http://127.0.0.1:{port}", "ARTHOMED_SMS_LOG": str(sms_log)}
    finally:
        server.terminate()
        server.wait(timeout=15)


def flow_env(gunicorn_server) -> dict:
    # A fresh patient for each run: a valid Indian mobile number (6-9 then nine digits).
    mobile = "9" + "".join(random.choices("0123456789", k=9))
    return {**os.environ, **gunicorn_server, "ARTHOMED_MOBILE": mobile}


def assert_flow_result(result: subprocess.CompletedProcess) -> None:
    summary = json.loads(result.stdout.split("RESULT ", 1)[1])
    assert summary["status"] == "cancelled"
    assert summary["refundStatus"] == "not-applicable"


@pytest.mark.skipif(NODE_MISSING, reason="node and npm are needed to build the TypeScript client")
def test_typescript_client_compiles_strict_and_runs_the_booking_flow(schema_file, gunicorn_server):
    installed = TS_DIR / "node_modules" / ".package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < (TS_DIR / "package-lock.json").stat().st_mtime:
        run(["npm", "ci", "--no-audit", "--no-fund"], cwd=TS_DIR)
    tools = TS_DIR / "node_modules" / ".bin"
    generated = TS_DIR / "generated" / "api.d.ts"
    # Request properties with a server-side default are optional to send (openapi-typescript
    # would otherwise demand them in request bodies).
    generate = [str(tools / "openapi-typescript"), str(schema_file), "--default-non-nullable", "false"]
    assert_no_warning(run([*generate, "-o", str(generated)], cwd=TS_DIR))
    run([str(tools / "tsc"), "-p", "tsconfig.json"], cwd=TS_DIR)

    result = run(["node", str(TS_DIR / "build" / "flow.js")], cwd=TS_DIR, env=flow_env(gunicorn_server))
    assert_flow_result(result)


def test_python_client_imports_every_module_and_runs_the_booking_flow(schema_file, gunicorn_server, workdir):
    output = workdir / "python-client"
    generate = [
        str(BIN / "openapi-python-client"),
        "generate",
        "--path",
        str(schema_file),
        "--output-path",
        str(output),
        "--meta",
        "none",
        "--config",
        str(PY_DIR / "config.yaml"),
    ]
    # The generator formats its output with ruff, found on PATH.
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    generated = run(generate, cwd=workdir, env=env)
    assert_no_warning(generated)

    package_root = workdir / "python-package"
    package_root.mkdir()
    output.rename(package_root / "arthomed_client")
    env = {**flow_env(gunicorn_server), "PYTHONPATH": str(package_root)}
    result = run([sys.executable, str(PY_DIR / "flow.py")], cwd=workdir, env=env)
    assert "imported" in result.stdout
    assert_flow_result(result)
