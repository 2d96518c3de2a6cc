"""Load benchmark of the booking paths on PostgreSQL under gunicorn, on loopback.

    .venv/bin/python bench/bench_api.py --appointments 1000 --duration 15
    .venv/bin/python bench/bench_api.py --appointments 1000000 --duration 15

For each size it (re)creates the database named by --database-url (its name must contain
"bench": it is dropped first), migrates, seeds with bench/seed_appointments.py, starts
gunicorn on 127.0.0.1 and measures, for a fixed time each, requests/s and p50/p99
latency of:
  - me:       GET /api/auth/me            (authenticated trivial endpoint: the stack's ceiling)
  - slots:    GET /api/appointments/slots (public; doctors rotate, date = tomorrow)
  - my-appts: GET /api/appointments/my-appointments (patients rotate)
  - book:     POST /api/appointments/book (every request a distinct free slot; patients rotate)
An endpoint that does not answer 200/201 on a probe is skipped and said so.
Results print as a table and go to bench/results-<N>.json.
"""

import argparse
import datetime as dt
import http.client
import itertools
import json
import os
import statistics
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from harness import recreate_database, server_env, wait_for_health

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
SLOTS_PER_DAY = 20
BOOKINGS_PER_PATIENT = 5  # MAX_ACTIVE_BOOKINGS_PER_PATIENT default


def request(port: int, method: str, path: str, body: dict | None, token: str | None) -> tuple[int, float]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        conn.close()


def run_load(port: int, make_request, *, duration: float, concurrency: int, limit: int | None) -> dict:
    """`make_request(i)` -> (method, path, body, token); threads share one counter and stop at time or limit."""
    counter = itertools.count()
    deadline = time.monotonic() + duration
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def worker():
        local_latencies, local_statuses = [], {}
        while time.monotonic() < deadline:
            i = next(counter)
            if limit is not None and i >= limit:
                break
            status, seconds = request(port, *make_request(i))
            local_latencies.append(seconds)
            local_statuses[status] = local_statuses.get(status, 0) + 1
        with lock:
            latencies.extend(local_latencies)
            for status, count in local_statuses.items():
                statuses[status] = statuses.get(status, 0) + count

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1) if latencies else None,
        "statuses": statuses,
    }


def scenarios(manifest: dict) -> dict:
    doctors, tokens = manifest["doctors"], manifest["patient_tokens"]
    today = dt.date.fromisoformat(manifest["today"])
    tomorrow = (today + dt.timedelta(days=1)).isoformat()

    def me(i):
        return "GET", "/api/auth/me", None, tokens[i % len(tokens)]

    def slots(i):
        query = urlencode({"doctorId": doctors[i % len(doctors)], "date": tomorrow})
        return "GET", f"/api/appointments/slots?{query}", None, None

    def my_appointments(i):
        return "GET", "/api/appointments/my-appointments?page=1&limit=10", None, tokens[i % len(tokens)]

    def book(i):
        # Distinct (doctor, day, time) per i, from the day after tomorrow; requests sharing a
        # time slot have distinct patients, and no patient exceeds the booking cap (see limit).
        slot = i // len(doctors)
        day = today + dt.timedelta(days=2 + slot // SLOTS_PER_DAY)
        minutes = 30 * (slot % SLOTS_PER_DAY)
        body = {
            "doctorId": doctors[i % len(doctors)],
            "appointmentDate": day.isoformat(),
            "appointmentTime": f"{9 + minutes // 60:02d}:{minutes % 60:02d}",
            "purposeOfVisit": "consultation",
            "reason": "Benchmark",
        }
        return "POST", "/api/appointments/book", body, tokens[i % len(tokens)]

    # Index `booking_limit` itself is the probe's: still a patient's 5th booking at most, inside the horizon.
    booking_limit = min(len(tokens) * BOOKINGS_PER_PATIENT, len(doctors) * SLOTS_PER_DAY * 55) - 1
    return {
        "me": (me, {200}, None),
        "slots": (slots, {200}, None),
        "my-appointments": (my_appointments, {200}, None),
        "book": (book, {201}, booking_limit),
    }


def bench_size(args, appointments: int) -> dict:
    env = server_env(args.database_url)
    recreate_database(args.database_url, marker="bench")
    subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    manifest_path = ROOT / "bench" / f"manifest-{appointments}.json"
    seed = [PYTHON, "bench/seed_appointments.py", "--appointments", str(appointments), "--manifest", str(manifest_path)]
    seed_started = time.monotonic()
    subprocess.run(seed, cwd=ROOT, env=env, check=True)
    seed_seconds = time.monotonic() - seed_started
    manifest = json.loads(manifest_path.read_text())
    manifest_path.unlink()
    command = [
        GUNICORN,
        "arthomed.wsgi",
        "-b",
        f"127.0.0.1:{args.port}",
        "-w",
        str(args.workers),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    results = {"appointments": manifest["appointments"], "seed_seconds": round(seed_seconds, 1), "endpoints": {}}
    try:
        wait_for_health(args.port)
        for name, (make_request, ok_statuses, limit) in scenarios(manifest).items():
            # A read probes with request 0; booking with the one index its load never reaches.
            probe_status, _ = request(args.port, *make_request(limit if limit is not None else 0))
            if probe_status not in ok_statuses:
                results["endpoints"][name] = {"skipped": f"probe answered {probe_status}"}
                continue
            if limit is None:  # warm-up: connections, caches, the first query plans
                run_load(args.port, make_request, duration=2, concurrency=args.concurrency, limit=None)
            results["endpoints"][name] = run_load(
                args.port, make_request, duration=args.duration, concurrency=args.concurrency, limit=limit
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--appointments", type=int, nargs="+", default=[1000])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/arthomed_h5a_bench")
    parser.add_argument("--duration", type=float, default=15, help="seconds of load per endpoint")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    for appointments in args.appointments:
        results = bench_size(args, appointments)
        (ROOT / "bench" / f"results-{appointments}.json").write_text(json.dumps(results, indent=2))
        print(f"\n{results['appointments']:,} appointments (seeded in {results['seed_seconds']} s)")
        print(f"{'endpoint':<16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}  statuses")
        for name, row in results["endpoints"].items():
            if "skipped" in row:
                print(f"{name:<16}  skipped: {row['skipped']}")
            else:
                print(f"{name:<16}{row['rps']:>9}{row['p50_ms']:>9}{row['p99_ms']:>9}  {row['statuses']}")


if __name__ == "__main__":
    main()
