"""Dashboards at scale: GET /api/admin/dashboard and GET /api/dashboard per role, under gunicorn.

    # a fresh database (its name must contain "bench"; it is dropped first), seeded by seed_demo:
    .venv/bin/python bench/bench_dashboard.py --seed --appointments 1000 \
        --database-url postgres://postgres@127.0.0.1:5432/arthomed_h8_bench_1k
    # a database already seeded with `manage.py seed_demo --appointments 1000000`:
    .venv/bin/python bench/bench_dashboard.py --database-url postgres://postgres@127.0.0.1:5432/arthomed_h8

It reports, for the demo admin, doctor, receptionist and patient:
  - compute: the dashboard's reads run in-process, uncached (median of --repeat runs)
    and how many SQL queries they took;
  - http: requests/s and p50/p95 latency over --duration seconds with --concurrency
    clients against gunicorn on 127.0.0.1 (the admin dashboard is then mostly cached,
    which is the point of caching it).
Results print as a table and go to bench/results-dashboard-<appointments>.json.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from harness import server_env, wait_for_health

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DEMO = {"admin": "9800000001", "receptionist": "9800000002", "doctor": "9800000011", "patient": "9800000101"}


def seed(database_url: str, appointments: int) -> float:
    import psycopg

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop {name!r}: a database to re-create must have 'bench' in its name.")
    admin_url = database_url.replace(url.path, "/postgres")
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    env = server_env(database_url)
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    started = time.monotonic()
    command = [PYTHON, "manage.py", "seed_demo", "--appointments", str(appointments)]
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def in_process(database_url: str, repeat: int) -> tuple[dict, dict, int]:
    """Tokens for the demo people, uncached compute times and query counts, and the row count."""
    os.environ.update(server_env(database_url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "arthomed.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from accounts.tokens import tokens_for
    from appointments.models import Appointment
    from dashboard import selectors

    people = {role: User.objects.get(mobile_number=number) for role, number in DEMO.items()}
    reads = {
        "admin": lambda: selectors.admin_dashboard_compute(timezone.now()),
        "doctor": lambda: selectors.doctor_dashboard(people["doctor"]),
        "receptionist": selectors.receptionist_dashboard,
        "patient": lambda: selectors.patient_dashboard(people["patient"]),
    }
    compute = {}
    for role, read in reads.items():
        timings = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                read()
                timings.append((time.perf_counter() - started) * 1000)
        compute[role] = {"median_ms": round(statistics.median(timings), 1), "queries": len(queries)}
    tokens = {role: tokens_for(user)["accessToken"] for role, user in people.items()}
    return tokens, compute, Appointment.objects.count()


def load(port: int, path: str, token: str, *, duration: float, concurrency: int) -> dict:
    latencies: list[float] = []
    failures = []
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                failures.append(response.status)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / duration, 1),
        "p50_ms": round(latencies[len(latencies) // 2], 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95)], 1),
        "failures": len(failures),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seed", action="store_true", help="re-create the database and seed it first")
    parser.add_argument("--appointments", type=int, default=1000, help="with --seed: how many appointments")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--port", type=int, default=3891)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    seed_seconds = seed(args.database_url, args.appointments) if args.seed else None
    tokens, compute, rows = in_process(args.database_url, args.repeat)
    command = [GUNICORN, "arthomed.wsgi:application", "--bind", f"127.0.0.1:{args.port}"]
    command += ["--workers", str(args.workers), "--threads", "4", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=server_env(args.database_url), stdout=subprocess.DEVNULL)
    try:
        wait_for_health(args.port)
        http_results = {}
        for role, token in tokens.items():
            path = "/api/admin/dashboard" if role == "admin" else "/api/dashboard"
            http_results[role] = load(args.port, path, token, duration=args.duration, concurrency=args.concurrency)
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"\nDashboards with {rows:,} appointments" + (f" (seeded in {seed_seconds:.0f} s)" if seed_seconds else ""))
    print(f"{'dashboard':<14}{'compute ms':>11}{'queries':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'fail':>6}")
    for role in DEMO:
        c, h = compute[role], http_results[role]
        print(
            f"{role:<14}{c['median_ms']:>11}{c['queries']:>9}{h['rps']:>9}{h['p50_ms']:>9}{h['p95_ms']:>9}"
            f"{h['failures']:>6}"
        )
    result = {
        "appointments": rows,
        "seed_seconds": seed_seconds,
        "compute": compute,
        "http": http_results,
        "concurrency": args.concurrency,
        "duration": args.duration,
    }
    out = ROOT / "bench" / f"results-dashboard-{rows}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
