"""Work per request, counted in process: Python function calls (cProfile) and SQL statements.

    .venv/bin/python bench/cost_profile.py --appointments 1000 1000000 [--requests 200] [--top 25]

Uses the databases and manifests of bench/bench_cost.py (`--keep` / `--reuse`:
`<--database-url>_<N>` and bench/manifest-cost-<N>.json) and drives the same endpoints as it
(the two floors, me, slots, the doctor directory, my-appointments) through the full middleware
stack with Django's test client, under `bench.cost_settings`. Unlike requests per second, these
counts do not move with the machine's load, so they show what a change does to a request's work.
Each endpoint is warmed up first (caches, connection), then `--requests` requests are profiled
and the per-request mean printed; `--top` lists the functions with the most own time.
"""

import argparse
import cProfile
import datetime as dt
import json
import os
import pstats
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))


def endpoints(manifest: dict) -> dict:
    doctor = manifest["doctors"][0]
    tomorrow = (dt.date.fromisoformat(manifest["today"]) + dt.timedelta(days=1)).isoformat()
    return {
        "bare": ("/api/bench/bare", False),
        "me-min": ("/api/bench/me", True),
        "me": ("/api/auth/me", True),
        "slots": ("/api/appointments/slots?" + urlencode({"doctorId": doctor, "date": tomorrow}), False),
        "doctors": ("/api/users/doctors", False),
        "my-appointments": ("/api/appointments/my-appointments?page=1&limit=10", True),
    }


def measure(client, path: str, headers: dict, *, requests: int, top: int, dump: str = ""):
    from django.db import connection

    for _ in range(20):
        assert client.get(path, **headers).status_code == 200, path
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(path, **headers)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        client.get(path, **headers)
    profile.disable()
    stats = pstats.Stats(profile)
    if top:
        stats.sort_stats("tottime").print_stats(top)
    if dump:
        stats.dump_stats(dump)
    return round(stats.total_calls / requests), len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--appointments", type=int, nargs="+", default=[1000])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/arthomed_bench_cost")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--only", nargs="*", help="endpoint names (default: all)")
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument("--dump", default="", help="write each profile to <DUMP>-<N>-<endpoint>.prof")
    args = parser.parse_args()
    if len(args.appointments) > 1:
        # One process per size: Django's settings (the database) are read once per process.
        for n in args.appointments:
            command = [sys.executable, __file__, "--appointments", str(n)]
            command += ["--database-url", args.database_url, "--redis-url", args.redis_url]
            command += ["--requests", str(args.requests), "--top", str(args.top), "--dump", args.dump]
            command += ["--only", *args.only] if args.only else []
            if os.spawnv(os.P_WAIT, sys.executable, command):
                raise SystemExit(1)
        return

    from harness import server_env

    n = args.appointments[0]
    os.environ.update(server_env(f"{args.database_url}_{n}") | {"REDIS_URL": args.redis_url})
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.cost_settings"
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # collectstatic is not run here
    django.setup()
    from django.test import Client

    manifest = json.loads((ROOT / "bench" / f"manifest-cost-{n}.json").read_text())
    token = manifest["patient_tokens"][0]
    client = Client(HTTP_HOST="127.0.0.1")  # the server's ALLOWED_HOSTS
    print(f"{manifest['appointments']:,} appointments: endpoint, Python calls per request, SQL statements")
    for name, (path, signed_in) in endpoints(manifest).items():
        if args.only and name not in args.only:
            continue
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if signed_in else {}
        dump = f"{args.dump}-{n}-{name}.prof" if args.dump else ""
        calls, queries = measure(client, path, headers, requests=args.requests, top=args.top, dump=dump)
        print(f"{name:<17}{calls:>8,}{queries:>4}", flush=True)


if __name__ == "__main__":
    main()
