"""What a request costs, as ratios to two floors served by the same gunicorn run.

    .venv/bin/python bench/bench_cost.py --appointments 1000 100000
    .venv/bin/python bench/bench_cost.py --appointments 1000000   # the seed alone takes many minutes

For each size it (re)creates its database (`<--database-url>_<N>`; the name must contain
"bench": it is dropped first), migrates, seeds with bench/seed_appointments.py, and starts
gunicorn on 127.0.0.1 (sync workers, PostgreSQL, Redis for the cache and rate-limit
counters) with bench/cost_settings.py, which adds two floor endpoints to the project's URLs
(bench/cost_urls.py; production never loads them):
  - bare:    a bare Django view behind the full middleware stack
  - me-min:  a minimal "me" (PyJWT verify, one SQL row, JSON)
Then it drives, in interleaved rounds (round-robin over the endpoints, a bounded time and
count each), the floors and the project's `GET /api/auth/me`, slots, the doctor directory
and my-appointments, and reports each endpoint's rate as a ratio to its floor in the same
round (median over rounds). `--reuse` skips the drop and seed when the database and its
manifest (bench/manifest-cost-<N>.json, written with `--keep`) are already there; pending
migrations are applied either way. Results go to bench/results-cost-<N>.json.
"""

import argparse
import datetime as dt
import json
import statistics
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

from bench_api import request, run_load
from harness import free_port, recreate_database, server_env, wait_for_health

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")

# endpoint -> (floor it is compared with, target ratio); floors have none.
TARGETS = {
    "bare": (None, None),
    "me-min": (None, None),
    "me": ("me-min", 0.6),
    "slots": ("bare", 0.12),
    "doctors": ("bare", 0.12),
    "my-appointments": ("bare", 0.10),
}


def scenarios(manifest: dict) -> dict:
    doctors, tokens = manifest["doctors"], manifest["patient_tokens"]
    tomorrow = (dt.date.fromisoformat(manifest["today"]) + dt.timedelta(days=1)).isoformat()

    def get(path, *, token_of=None):
        return lambda i: ("GET", path(i), None, tokens[i % len(tokens)] if token_of else None)

    return {
        "bare": get(lambda i: "/api/bench/bare"),
        "me-min": get(lambda i: "/api/bench/me", token_of=True),
        "me": get(lambda i: "/api/auth/me", token_of=True),
        "slots": get(
            lambda i: "/api/appointments/slots?" + urlencode({"doctorId": doctors[i % len(doctors)], "date": tomorrow})
        ),
        "doctors": get(lambda i: "/api/users/doctors"),
        "my-appointments": get(lambda i: "/api/appointments/my-appointments?page=1&limit=10", token_of=True),
    }


def prepare(args, appointments: int, env: dict, database_url: str) -> dict:
    manifest_path = ROOT / "bench" / f"manifest-cost-{appointments}.json"
    if not (args.reuse and manifest_path.exists()):
        recreate_database(database_url, marker="bench")
    subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    if not (args.reuse and manifest_path.exists()):
        seed = [PYTHON, "bench/seed_appointments.py", "--appointments", str(appointments)]
        started = time.monotonic()
        subprocess.run([*seed, "--manifest", str(manifest_path)], cwd=ROOT, env=env, check=True)
        print(f"seeded {appointments:,} appointments in {time.monotonic() - started:.0f} s", flush=True)
    manifest = json.loads(manifest_path.read_text())
    if not args.keep and not args.reuse:
        manifest_path.unlink()
    return manifest


def drive(args, port: int, manifest: dict) -> dict:
    made = scenarios(manifest)
    for name, make_request in made.items():
        status, _ = request(port, *make_request(0))
        if status != 200:
            raise SystemExit(f"{name} answered {status} to its probe")
        run_load(port, make_request, duration=1, concurrency=args.concurrency, limit=None)  # warm-up
    rounds = []
    for number in range(args.rounds):
        row = {}
        for name, make_request in made.items():
            row[name] = run_load(
                port, make_request, duration=args.duration, concurrency=args.concurrency, limit=args.max_requests
            )
        rounds.append(row)
        print(f"round {number + 1}: " + ", ".join(f"{name} {r['rps']}/s" for name, r in row.items()), flush=True)
    summary = {}
    for name, (floor, target) in TARGETS.items():
        entry = {"rps_median": round(statistics.median(r[name]["rps"] for r in rounds), 1)}
        entry["statuses"] = {}
        for r in rounds:
            for status, count in r[name]["statuses"].items():
                entry["statuses"][str(status)] = entry["statuses"].get(str(status), 0) + count
        if floor:
            ratio = statistics.median(r[name]["rps"] / r[floor]["rps"] for r in rounds)
            entry |= {"floor": floor, "ratio": round(ratio, 3), "target": target, "met": ratio >= target}
        summary[name] = entry
    return {"rounds": rounds, "summary": summary}


def bench_size(args, appointments: int) -> dict:
    database_url = f"{args.database_url}_{appointments}"
    env = server_env(database_url) | {
        "REDIS_URL": args.redis_url,
        # Seeded tokens must outlive a long seed and several runs of a reused database.
        "JWT_ACCESS_MINUTES": "1440",
    }
    manifest = prepare(args, appointments, env, database_url)
    port = args.port or free_port()
    command = [GUNICORN, "arthomed.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers), "--log-level", "warning"]
    server_environment = env | {"DJANGO_SETTINGS_MODULE": "bench.cost_settings"}
    server = subprocess.Popen(command, cwd=ROOT, env=server_environment, stdout=subprocess.DEVNULL)
    try:
        wait_for_health(port)
        results = drive(args, port, manifest)
    finally:
        server.terminate()
        server.wait(timeout=30)
    settings = {k: getattr(args, k) for k in ("rounds", "duration", "max_requests", "concurrency", "workers")}
    return {"appointments": manifest["appointments"], "settings": settings, **results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--appointments", type=int, nargs="+", default=[1000])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/arthomed_bench_cost")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--duration", type=float, default=2, help="seconds per endpoint per round")
    parser.add_argument("--max-requests", type=int, default=5000, help="requests per endpoint per round, at most")
    parser.add_argument("--concurrency", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--reuse", action="store_true", help="use the seeded database and its kept manifest")
    parser.add_argument("--keep", action="store_true", help="keep the manifest for --reuse")
    parser.add_argument("--output", default="bench/results-cost-{n}.json")
    args = parser.parse_args()
    for appointments in args.appointments:
        results = bench_size(args, appointments)
        (ROOT / args.output.format(n=appointments)).write_text(json.dumps(results, indent=2) + "\n")
        print(f"\n{results['appointments']:,} appointments, median of {args.rounds} interleaved rounds")
        print(f"{'endpoint':<17}{'req/s':>8}  {'ratio':>6}  floor    target  met")
        for name, row in results["summary"].items():
            if "ratio" in row:
                met = "yes" if row["met"] else "NO"
                print(
                    f"{name:<17}{row['rps_median']:>8}  {row['ratio']:>6}  {row['floor']:<8} {row['target']:>5}  {met}"
                )
            else:
                print(f"{name:<17}{row['rps_median']:>8}  (floor)")


if __name__ == "__main__":
    main()
