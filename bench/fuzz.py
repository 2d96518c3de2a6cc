"""`make fuzz`: schemathesis against a real server's own OpenAPI document, as every role.

Starts gunicorn on 127.0.0.1 against a fresh database (SQLite in a temp dir, or
`FUZZ_DATABASE_URL`), seeds the demo clinic, mints a token per role, then runs
schemathesis for anonymous + each role with bounded examples and time. Fails when
any operation answers a 5xx or a response that violates the documented schema, answers
slower than 5 s, or drops the connection / times out (a network error: a stalled or
crashed worker must never pass as "no finding").

    .venv/bin/python bench/fuzz.py --max-examples 25 --max-time 120
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import free_port, wait_for_health

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
ROLES = ["anonymous", "patient", "doctor", "receptionist", "admin"]
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# A slower answer is a finding (ST112): one slow request holds a worker thread.
MAX_RESPONSE_SECONDS = "5"
# A request still unanswered after this is a network error, which fails the run too.
REQUEST_TIMEOUT_SECONDS = "10"
# Operations that end the session the run is using (the token would die mid-run).
SESSION_ENDERS = ["/api/auth/logout", "/api/users/profile"]

TOKENS_SCRIPT = """
import json
from accounts.models import User
from accounts.tokens import tokens_for
tokens = {}
for role in ("patient", "doctor", "receptionist", "admin"):
    user = User.objects.filter(role=role, is_active=True).order_by("created_at").first()
    tokens[role] = tokens_for(user)["accessToken"]
print(json.dumps(tokens))
"""


def server_env(workdir: Path) -> dict:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "fuzz-only-secret-key-0123456789abcdefghijklmnop",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": os.environ.get("FUZZ_DATABASE_URL", f"sqlite:///{workdir / 'fuzz.sqlite3'}"),
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "SMS_BACKEND": "locmem",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        # The fuzzer sends thousands of requests from one address: lift the request limit,
        # keep every rule of the product itself.
        "RATE_LIMIT_MAX_REQUESTS": "100000000",
        "LOG_LEVEL": "error",
    }


def manage(env: dict, *args: str) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return result.stdout


def run_role(role: str, token: str | None, base: str, args, report_dir: Path) -> int:
    command = [
        str(BIN / "schemathesis"),
        "run",
        f"{base}/api/schema?format=json",
        "--checks",
        CHECKS,
        "--max-examples",
        str(args.max_examples),
        "--max-time",
        str(args.max_time),
        "--seed",
        str(args.seed),
        # One worker: schemathesis's generator threads can trip CPython 3.11's parser
        # ("AST constructor recursion depth mismatch"), a tool error, not an API finding.
        "--workers",
        "1",
        "--max-response-time",
        MAX_RESPONSE_SECONDS,
        "--request-timeout",
        REQUEST_TIMEOUT_SECONDS,
        "--generation-database",
        "none",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(report_dir / f"fuzz-{role}.xml"),
    ]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
        for path in SESSION_ENDERS:
            command += ["--exclude-path", path]
    print(f"\n==> schemathesis as {role}", flush=True)
    returncode = subprocess.run(command, cwd=ROOT, check=False).returncode
    # schemathesis 4 already exits non-zero on network errors; the report is checked as well, so
    # a future change of its exit codes cannot turn a dropped connection into a pass.
    errored = "<error" in (report_dir / f"fuzz-{role}.xml").read_text()
    return returncode or int(errored)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--max-time", type=int, default=120, help="seconds per role")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--roles", default=",".join(ROLES))
    args = parser.parse_args()

    report_dir = ROOT / "bench" / "results"
    report_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="arthomed-fuzz-") as tmp:
        workdir = Path(tmp)
        env = server_env(workdir)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo", "--appointments", "200")
        tokens = json.loads(manage(env, "shell", "-c", TOKENS_SCRIPT).strip().splitlines()[-1])
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "arthomed.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(workdir / "server.log", "w"),  # noqa: SIM115 - closed with the temp dir
        )
        try:
            wait_for_health(port)
            roles = args.roles.split(",")
            failed = [role for role in roles if run_role(role, tokens.get(role), base, args, report_dir)]
        finally:
            server.terminate()
            server.wait(timeout=15)
            errors = (workdir / "server.log").read_text()
            if "Traceback" in errors:
                print("\nServer tracebacks:\n" + errors[-5000:])
    print(
        "\nfuzz: "
        + (f"FAILED for {', '.join(failed)}" if failed else "no 5xx, schema violation, slow answer or network error")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
