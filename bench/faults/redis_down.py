"""Fault 2: Redis (cache + Celery broker) stopped while the API serves bookings and reads.

    .venv/bin/python bench/faults/redis_down.py [--seconds 8]

Private PostgreSQL and private Redis; gunicorn (2 workers) with REDIS_URL and
CELERY_BROKER_URL on that Redis and no Celery worker, so every notification SMS stays in
the broker or in the database. Load runs --seconds with Redis up, then Redis is stopped and
the load runs --seconds more. Checks: with Redis down reads and bookings still answer 2xx,
/health stays 200 with `cache: degraded`; the SMS rows of bookings made while Redis was down
stay `queued`; once Redis is back the requeue job (the `requeue-stale-sms` beat task) puts
them on the broker. Exit status 1 when a check fails.
"""

import argparse
import json
import sys
import time

import redis
from common import (
    BookingPlan,
    LoadLoop,
    PrivatePostgres,
    PrivateRedis,
    app_env,
    django_shell,
    gunicorn,
    p50_ms,
    prepare_database,
    request,
    summary,
)

QUEUED = """
from appointments.models import OutboundMessage
ids = json.loads(os.environ["FAULT_IDS"])
rows = OutboundMessage.objects.filter(appointment_id__in=ids)
print(json.dumps({"total": rows.count(), "queued": rows.filter(status="queued").count()}))
"""

REQUEUE = """
from datetime import timedelta
from appointments.notifications.delivery import outbound_messages_requeue_stale
# The beat task waits 10 minutes before calling a message stale; here, immediately.
print(json.dumps({"requeued": outbound_messages_requeue_stale(older_than=timedelta(0))}))
"""


def phase(port: int, plan: BookingPlan, seconds: float, first_booking: int) -> LoadLoop:
    load = LoadLoop(port, plan, threads=4, first_booking=first_booking)
    load.start()
    time.sleep(seconds)
    load.stop()
    return load


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8)
    args = parser.parse_args()

    pg, rd = PrivatePostgres(), PrivateRedis()
    try:
        pg.start()
        pg.create_database()
        rd.start()
        env = app_env(pg.url, REDIS_URL=rd.url, CELERY_BROKER_URL=rd.url.replace("/0", "/1"))
        manifest = prepare_database(env)
        plan = BookingPlan(manifest)
        with gunicorn(env, workers=2) as port:
            up = phase(port, plan, args.seconds, 0)
            up_records = up.records
            broker = redis.Redis.from_url(env["CELERY_BROKER_URL"])
            on_broker_before = broker.llen("celery")
            rd.stop()
            health_down = request(port, "GET", "/health")
            down_records = phase(port, plan, args.seconds, len(up_records)).records
            down_ids = [r["id"] for r in down_records if r.get("id")]
            queued = django_shell(env | {"FAULT_IDS": json.dumps(down_ids)}, QUEUED)
            rd.start()
            requeued = django_shell(env, REQUEUE)
            on_broker_after = redis.Redis.from_url(env["CELERY_BROKER_URL"]).llen("celery")
    finally:
        rd.stop()
        pg.destroy()

    def counts(records):
        out: dict = {}
        for r in records:
            key = f"{r['kind']} {r['status']}"
            out[key] = out.get(key, 0) + 1
        return dict(sorted(out.items()))

    timings = {
        name: {kind: p50_ms(records, kind) for kind in ("book", "read")}
        for name, records in (("up", up_records), ("down", down_records))
    }
    print(f"Redis up:   {counts(up_records)}; p50 ms {timings['up']}")
    print(f"Redis down: {counts(down_records)}; p50 ms {timings['down']}")
    print(f"on the broker before the outage: {on_broker_before} task messages (no worker runs)")
    bad_down = [r for r in down_records if r["status"] not in (200, 201)]
    health_status, health_body = health_down[0], health_down[1] or {}
    ok = summary(
        "Redis stopped",
        [
            (
                "reads and bookings keep answering 2xx",
                bool(down_records) and not bad_down,
                f"{len(down_records) - len(bad_down)}/{len(down_records)} 2xx, {len(down_ids)} bookings",
            ),
            (
                "/health 200, cache degraded",
                health_status == 200 and health_body.get("checks", {}).get("cache") == "degraded",
                f"{health_status} {health_body.get('checks')}",
            ),
            (
                "SMS of bookings made while down stay queued",
                queued["total"] == len(down_ids) and queued["queued"] == queued["total"],
                f"{queued['queued']}/{queued['total']} queued",
            ),
            (
                "requeue puts them on the broker when Redis is back",
                requeued["requeued"] >= queued["queued"] and on_broker_after >= queued["queued"],
                f"requeued {requeued['requeued']}, {on_broker_after} task messages on the fresh broker",
            ),
        ],
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
