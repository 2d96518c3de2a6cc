"""Fault 4: the Celery worker SIGKILLed while it is sending an SMS.

    .venv/bin/python bench/faults/worker_kill.py [--bookings 6]

Private PostgreSQL and Redis, gunicorn and a real worker (solo pool). The SMS backend is
bench/faults/slow_sms.py: each provider call takes 2 s and is written to a ledger. After
--bookings bookings, the worker's whole process group is SIGKILLed in the middle of a
provider call; a new worker starts, and the requeue job runs (as the `requeue-stale-sms`
beat task would, without its 10-minute wait). Checks: every message ends `sent` (none lost)
and the ledger shows how many were sent twice. Exit status 1 when a check fails.
"""

import argparse
import collections
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from common import (
    BookingPlan,
    PrivatePostgres,
    PrivateRedis,
    app_env,
    celery_worker,
    django_shell,
    gunicorn,
    message_counts,
    prepare_database,
    request,
    summary,
    wait_until,
)

REQUEUE = """
from datetime import timedelta
from appointments.notifications.delivery import outbound_messages_requeue_stale
print(json.dumps({"requeued": outbound_messages_requeue_stale(older_than=timedelta(0))}))
"""


def ledger_lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bookings", type=int, default=6)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="arthomed-faults-worker-"))
    ledger = work / "ledger.txt"
    pg, rd = PrivatePostgres(), PrivateRedis()
    try:
        pg.start()
        pg.create_database()
        rd.start()
        env = app_env(
            pg.url,
            REDIS_URL=rd.url,
            CELERY_BROKER_URL=rd.url.replace("/0", "/1"),
            SMS_BACKEND="bench.faults.slow_sms.SlowLedgerBackend",
            FAULT_SMS_LEDGER=str(ledger),
            FAULT_SMS_SECONDS="2",
        )
        plan = BookingPlan(prepare_database(env))
        with gunicorn(env, workers=2) as port:
            for i in range(args.bookings):
                body, token = plan.body(i)
                status = request(port, "POST", "/api/appointments/book", body, token=token)[0]
                assert status == 201, status
            with celery_worker(env, work / "worker-1.log") as first:
                # Kill in the middle of the second provider call: one sent, one in flight, the rest waiting.
                wait_until(lambda: sum(x.startswith("start") for x in ledger_lines(ledger)) >= 2, 60, "no send")
                time.sleep(0.5)
                os.killpg(first.pid, signal.SIGKILL)
                first.wait(timeout=10)
            at_kill = message_counts(env)
            started_at_kill = sum(x.startswith("start") for x in ledger_lines(ledger))
            sent_at_kill = sum(x.startswith("sent") for x in ledger_lines(ledger))
            with celery_worker(env, work / "worker-2.log"):
                requeued = django_shell(env, REQUEUE)
                wait_until(
                    lambda: message_counts(env).get("sent", {}).get("n") == args.bookings,
                    args.bookings * 3 + 60,
                    "not every message was sent",
                )
            final = message_counts(env)
    finally:
        rd.stop()
        pg.destroy()

    lines = ledger_lines(ledger)
    sends = collections.Counter(x.removeprefix("sent ") for x in lines if x.startswith("sent "))
    duplicates = {body: n for body, n in sends.items() if n > 1}
    print(f"at the kill: provider calls started {started_at_kill}, completed {sent_at_kill}; rows {at_kill}")
    print(f"requeue job re-enqueued {requeued['requeued']} message(s); final rows {final}")
    ok = summary(
        "Worker SIGKILLed mid-send",
        [
            (
                "no message lost",
                final.get("sent", {}).get("n") == args.bookings and len(sends) == args.bookings,
                f"{final.get('sent', {}).get('n')}/{args.bookings} rows sent, {len(sends)} distinct SMS completed",
            ),
            (
                "no message sent twice (this run)",
                not duplicates,
                f"{len(duplicates)} duplicate(s); the killed call had not completed, so it was not counted as sent",
            ),
        ],
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
