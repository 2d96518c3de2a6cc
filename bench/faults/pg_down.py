"""Fault 1: PostgreSQL stopped mid-load, then started again.

    .venv/bin/python bench/faults/pg_down.py [--outage 5] [--before 4] [--after 6]

A private PostgreSQL cluster (free port, temp dir) backs gunicorn with 2 workers. Four
threads loop bookings and reads; after --before seconds the cluster is stopped
(`pg_ctl stop -m fast`) for --outage seconds and started again; the load goes on for --after
seconds. Checks: while down every answer is a JSON envelope (503 SERVICE_UNAVAILABLE,
never HTML, never 500) and /health is 503; the API recovers by itself; every booking
that got a 201 exists; every booking made by the load has its first status-history row.
Exit status 1 when a check fails.
"""

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import (
    BookingPlan,
    LoadLoop,
    PrivatePostgres,
    app_env,
    django_shell,
    gunicorn,
    prepare_database,
    request,
    summary,
)

VERIFY = """
from appointments.models import Appointment, AppointmentStatusChange
ids = json.loads(os.environ["FAULT_IDS"])
lost_keys = json.loads(os.environ["FAULT_LOST_KEYS"])
load = Appointment.objects.filter(reason="fault-injection")
# Committed, but the answer was lost to the outage: the client replays the same Idempotency-Key.
ambiguous = list(load.filter(idempotency_key__in=lost_keys).values_list("idempotency_key", "pk"))
found = set(str(pk) for pk in Appointment.objects.filter(pk__in=ids).values_list("pk", flat=True))
print(json.dumps({
    "created": load.count(),
    "missing": sorted(set(ids) - found),
    "without_history": load.filter(status_history__isnull=True).count(),
    "orphan_history": AppointmentStatusChange.objects.filter(appointment__isnull=True).count(),
    "ambiguous": {key: str(pk) for key, pk in ambiguous},
}))
"""


def watch_health(port: int, stop: threading.Event, samples: list) -> None:
    while not stop.is_set():
        status, parsed, _, _ = request(port, "GET", "/health", timeout=10)
        samples.append({"t": time.monotonic(), "status": status, "json": parsed is not None})
        time.sleep(0.25)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outage", type=float, default=5)
    parser.add_argument("--before", type=float, default=4)
    parser.add_argument("--after", type=float, default=6)
    args = parser.parse_args()

    pg = PrivatePostgres()
    try:
        pg.start()
        pg.create_database()
        env = app_env(pg.url)
        manifest = prepare_database(env)
        log_path = Path(tempfile.gettempdir()) / "arthomed-faults-pg-gunicorn.log"
        with gunicorn(env, workers=2, log_path=log_path) as port:
            load = LoadLoop(port, BookingPlan(manifest))
            health: list[dict] = []
            stop_health = threading.Event()
            watcher = threading.Thread(target=watch_health, args=(port, stop_health, health), daemon=True)
            load.start()
            watcher.start()
            time.sleep(args.before)
            down_at = time.monotonic()
            pg.stop()
            stopped_at = time.monotonic()
            time.sleep(args.outage)
            restart_at = time.monotonic()
            pg.start()
            up_at = time.monotonic()
            time.sleep(args.after)
            load.stop()
            stop_health.set()
            watcher.join(timeout=15)

            ids = [r["id"] for r in load.records if r.get("id")]
            lost = {r["key"]: r for r in load.records if r["kind"] == "book" and r["status"] != 201}
            db = django_shell(env | {"FAULT_IDS": json.dumps(ids), "FAULT_LOST_KEYS": json.dumps(list(lost))}, VERIFY)
            replays = []
            for key, appointment_id in db["ambiguous"].items():
                booking = lost[key]
                status, parsed, _, _ = request(
                    port, "POST", "/api/appointments/book", booking["body"], token=booking["token"], key=key
                )
                same = status == 201 and parsed["data"]["appointment"]["_id"] == appointment_id
                replays.append(same)
    finally:
        pg.destroy()

    during = [r for r in load.records if stopped_at <= r["t"] <= restart_at]
    # Bookings may run out (5 per patient); reads then carry on.
    after_recovery = [r for r in load.records if r["t"] > up_at + 2]
    statuses_during: dict = {}
    for r in during:
        key = f"{r['status']} {r.get('code') or ''}".strip()
        statuses_during[key] = statuses_during.get(key, 0) + 1
    totals: dict = {}
    for r in load.records:
        key = f"{r['kind']} {r['status']}"
        totals[key] = totals.get(key, 0) + 1
    bad_during = [r for r in during if not (r["status"] == 503 and r.get("code") == "SERVICE_UNAVAILABLE")]
    health_down = [h for h in health if stopped_at <= h["t"] <= restart_at]
    first_ok = next((r["t"] for r in load.records if r["t"] > up_at and r["status"] in (200, 201)), None)
    non_envelope = [r for r in load.records if not r["json"]]
    five_hundreds = [r for r in load.records if r["status"] >= 500 and r["status"] != 503]

    print(f"load: {len(load.records)} responses {dict(sorted(totals.items()))}")
    print(f"outage: stop took {stopped_at - down_at:.1f}s, down {restart_at - stopped_at:.1f}s")
    print(f"during outage: {statuses_during}; /health {sorted({h['status'] for h in health_down})}")
    if bad_during:
        print(f"unexpected during outage (first 3): {bad_during[:3]}")
    ok = summary(
        "PostgreSQL stopped mid-load",
        [
            (
                "503 SERVICE_UNAVAILABLE envelope while down",
                bool(during) and not bad_during,
                f"{len(during) - len(bad_during)}/{len(during)} answers",
            ),
            ("no HTML/non-JSON answer at any time", not non_envelope, f"{len(non_envelope)} non-JSON"),
            ("no 500 (or other 5xx but 503) at any time", not five_hundreds, f"{len(five_hundreds)} such"),
            (
                "/health 503 while down",
                bool(health_down) and all(h["status"] == 503 for h in health_down),
                f"{len(health_down)} probes",
            ),
            (
                "recovers by itself",
                first_ok is not None and all(r["status"] in (200, 201) for r in after_recovery),
                f"first 2xx {first_ok - up_at:.2f}s after PostgreSQL was back; "
                f"{len(after_recovery)} later answers all 2xx"
                if first_ok
                else "no 2xx after restart",
            ),
            (
                "answer lost after commit -> same-key replay returns it",
                all(replays),
                f"{len(replays)} bookings committed while the client got an error; "
                f"{sum(replays)} replays answered 201 with the same appointment",
            ),
            ("every 201 booking exists", not db["missing"], f"{len(ids)} got 201, {len(db['missing'])} missing"),
            (
                "no half-written booking",
                db["without_history"] == 0 and db["orphan_history"] == 0,
                f"{db['created']} load bookings in DB, {db['without_history']} without history, "
                f"{db['orphan_history']} orphan history rows",
            ),
        ],
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
