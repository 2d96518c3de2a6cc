"""Fault 3: the SMS provider failing (500) or hanging past TWILIO_TIMEOUT_SECONDS.

    .venv/bin/python bench/faults/sms_provider.py [--bookings 4] [--retry-wait 40]

Private PostgreSQL and Redis, gunicorn and a real worker with SMS_BACKEND=twilio (the real
client, dummy credentials). The official client always calls https://api.twilio.com, so the
fake provider sits on its network path: HTTPS_PROXY points at a loopback proxy that answers
every CONNECT with `500` (mode "error") or accepts it and never answers (mode "hang";
TWILIO_TIMEOUT_SECONDS=2). For each mode: bookings answer 201 fast whatever the provider
does; each message is tried, recorded `failed` with the reason, and tried again by Celery's
retry (30 s backoff with jitter, so within --retry-wait seconds). Exit status 1 when a check fails.
"""

import argparse
import socket
import socketserver
import statistics
import sys
import tempfile
import threading
from pathlib import Path

from common import (
    BookingPlan,
    PrivatePostgres,
    PrivateRedis,
    app_env,
    celery_worker,
    django_shell,
    free_port,
    gunicorn,
    prepare_database,
    request,
    summary,
    wait_until,
)

ROWS = """
from appointments.models import OutboundMessage
rows = list(OutboundMessage.objects.values("status", "attempts", "last_error"))
print(json.dumps(rows))
"""


class FakeProvider(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int):
        self.mode = "error"
        self.connects = 0
        self.closing = threading.Event()
        super().__init__(("127.0.0.1", port), ProviderHandler)


class ProviderHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.request.settimeout(1)
        try:
            self.rfile.readline()
        except OSError:
            return
        self.server.connects += 1
        if self.server.mode == "error":
            self.wfile.write(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        # "hang": hold the connection, say nothing, until the client gives up (bounded by shutdown).
        while not self.server.closing.is_set():
            try:
                if not self.request.recv(1024):
                    return
            except TimeoutError:
                continue
            except OSError:
                return


def rows(env: dict) -> list[dict]:
    return django_shell(env, ROWS)


def run_mode(mode: str, provider: FakeProvider, port: int, *, plan: BookingPlan, env: dict, first: int, args) -> list:
    provider.mode = mode
    before = len(rows(env))
    latencies, statuses = [], []
    for i in range(first, first + args.bookings):
        body, token = plan.body(i)
        status, _, _, seconds = request(port, "POST", "/api/appointments/book", body, token=token)
        statuses.append(status)
        latencies.append(seconds * 1000)
    total = before + args.bookings

    def mode_rows():
        return rows(env)[: args.bookings]  # newest first

    wait_until(lambda: all(r["attempts"] >= 1 for r in mode_rows()), 60, f"{mode}: messages not tried")
    first_try = mode_rows()
    retried = True
    try:
        wait_until(lambda: all(r["attempts"] >= 2 for r in mode_rows()), args.retry_wait, "")
    except RuntimeError:
        retried = False
    final = mode_rows()
    errors = sorted({r["last_error"] for r in final})
    print(f"\n[{mode}] booking statuses {statuses}; provider connections so far {provider.connects}")
    print(f"[{mode}] last_error: {errors}")
    return [
        (f"{mode}: bookings 201", all(s == 201 for s in statuses), f"{statuses.count(201)}/{len(statuses)}"),
        (
            f"{mode}: bookings fast (max < 1 s)",
            max(latencies) < 1000,
            f"p50 {statistics.median(latencies):.0f} ms, max {max(latencies):.0f} ms",
        ),
        (
            f"{mode}: messages recorded failed after the first try",
            len(rows(env)) == total and all(r["status"] == "failed" and r["last_error"] for r in first_try),
            f"{sum(r['status'] == 'failed' for r in first_try)}/{len(first_try)} failed with a reason",
        ),
        (
            f"{mode}: messages retried",
            retried,
            f"attempts {[r['attempts'] for r in final]} within {args.retry_wait:.0f} s",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bookings", type=int, default=4)
    parser.add_argument("--retry-wait", type=float, default=45)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="arthomed-faults-sms-"))
    provider = FakeProvider(free_port())
    serving = threading.Thread(target=provider.serve_forever, daemon=True)
    serving.start()
    pg, rd = PrivatePostgres(), PrivateRedis()
    checks = []
    try:
        pg.start()
        pg.create_database()
        rd.start()
        env = app_env(
            pg.url,
            REDIS_URL=rd.url,
            CELERY_BROKER_URL=rd.url.replace("/0", "/1"),
            SMS_BACKEND="twilio",
            TWILIO_ACCOUNT_SID="AC" + "0" * 32,
            TWILIO_AUTH_TOKEN="fault-injection-token",
            TWILIO_FROM_NUMBER="+15005550006",
            TWILIO_TIMEOUT_SECONDS="2",
            HTTPS_PROXY=f"http://127.0.0.1:{provider.server_address[1]}",
            NO_PROXY="127.0.0.1,localhost",
        )
        plan = BookingPlan(prepare_database(env))
        with gunicorn(env, workers=2) as port, celery_worker(env, work / "worker.log"):
            checks += run_mode("error", provider, port, plan=plan, env=env, first=0, args=args)
            checks += run_mode("hang", provider, port, plan=plan, env=env, first=args.bookings, args=args)
    finally:
        provider.closing.set()
        provider.shutdown()
        provider.server_close()
        rd.stop()
        pg.destroy()
    ok = summary("SMS provider failing or hanging", checks)
    return 0 if ok else 1


if __name__ == "__main__":
    socket.setdefaulttimeout(30)
    sys.exit(main())
