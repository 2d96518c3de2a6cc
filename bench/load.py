"""Clinic-day load: a mixed workload against gunicorn + PostgreSQL + Redis on loopback.

    .venv/bin/python bench/load.py --duration 150

It (re)creates its own database (name must contain "h9b" or "load": it is dropped first),
migrates, seeds the demo clinic with `seed_demo --appointments N`, empties its own Redis
database (default db 13), starts gunicorn (2 workers x 4 threads) and one Celery worker on
that Redis, then runs virtual users from this process for a fixed time:

  - patients (most threads): send-otp, read the code from the server's stdout (console SMS
    backend, the way a developer reads it), verify-otp (new numbers register), browse the
    doctor directory and one doctor, look up slots on a few dates, book a free slot, list
    their appointments, open their dashboard and notifications, cancel some bookings.
    Some tap "resend" at once: the real OTP cooldown answers 429, counted as expected.
  - a receptionist: pending queue, confirms the soonest, her dashboard.
  - an admin: admin dashboard, all appointments.
  - doctors: their dashboard and appointment list.

Each virtual patient has its own client address (X-Forwarded-For through one trusted proxy,
as phones behind the clinic's load balancer), so the OTP limits per number and per IP stay
as configured. Only the general per-IP request limit is raised (RATE_LIMIT_MAX_REQUESTS).
Expected non-2xx answers: 409 (slot taken by another user, booking cap) and 429 (OTP
cooldown/caps). Anything else is an error and makes the run exit non-zero.

Prints throughput, p50/p95/p99 per endpoint, statuses, and the RSS of each gunicorn worker
after warm-up and at the end; writes bench/results-load.json.
"""

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import redis
from harness import recreate_database, wait_for_health

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
SMS_LINE = re.compile(r"SMS to \+?\d*?(\d{10}): (\d{6}) is your")
ERROR_CODE = re.compile(r'"code":\s*"([A-Z_]+)"')
EXPECTED = {409, 429}


class Codes:
    """OTP codes read from the server's stdout, by 10-digit mobile number."""

    def __init__(self):
        self._codes: dict[str, str] = {}
        self._cond = threading.Condition()

    def feed(self, stream) -> None:
        for raw in stream:
            match = SMS_LINE.search(raw.decode(errors="replace"))
            if match:
                with self._cond:
                    self._codes[match.group(1)] = match.group(2)
                    self._cond.notify_all()

    def take(self, number: str, timeout: float = 10) -> str | None:
        with self._cond:
            self._cond.wait_for(lambda: number in self._codes, timeout=timeout)
            return self._codes.pop(number, None)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.statuses: dict[str, dict[int, int]] = {}
        self.unexpected: list[str] = []
        self.error_codes: dict[str, int] = {}
        self.outbound: dict[str, int] = {}

    def record(self, name: str, status: int, seconds: float, detail: str) -> None:
        with self.lock:
            self.latencies.setdefault(name, []).append(seconds)
            by_status = self.statuses.setdefault(name, {})
            by_status[status] = by_status.get(status, 0) + 1
            if status >= 400:
                match = ERROR_CODE.search(detail)
                key = f"{name} {status} {match.group(1) if match else '-'}"
                self.error_codes[key] = self.error_codes.get(key, 0) + 1
            if status >= 400 and status not in EXPECTED and len(self.unexpected) < 50:
                self.unexpected.append(f"{name} {status} {detail[:300]}")


class Client:
    def __init__(self, port: int, stats: Stats, ip: str):
        self.port, self.stats, self.ip = port, stats, ip
        self.token: str | None = None

    def call(self, name: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        headers = {"X-Forwarded-For": self.ip}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = conn.getresponse()
            raw = response.read()
            status = response.status
        except OSError as exc:
            status, raw = 0, str(exc).encode()
        finally:
            conn.close()
        self.stats.record(name, status, time.perf_counter() - started, raw.decode(errors="replace"))
        try:
            return status, json.loads(raw) if raw else {}
        except ValueError:
            return status, {}

    def login(self, codes: Codes, number: str, *, impatient: bool = False, name: str | None = None) -> bool:
        status, _ = self.call("send-otp", "POST", "/api/auth/send-otp", {"mobileNumber": number})
        if status != 200:
            return False
        if impatient:  # taps "resend" at once: the real cooldown refuses it
            self.call("send-otp", "POST", "/api/auth/send-otp", {"mobileNumber": number})
        code = codes.take(number)
        if code is None:
            self.stats.record("verify-otp", 0, 0.0, f"no SMS line for {number} on the server's stdout")
            return False
        body = {"mobileNumber": number, "otp": code} | ({"name": name} if name else {})
        status, payload = self.call("verify-otp", "POST", "/api/auth/verify-otp", body)
        if status != 200:
            return False
        self.token = payload["data"]["tokens"]["accessToken"]
        return True


def patient_session(client: Client, codes: Codes, number: str, rng: random.Random, today: dt.date) -> None:
    name = "Visitor " + "".join(chr(ord("a") + int(digit)) for digit in number[-4:]).title()  # letters only
    if not client.login(codes, number, impatient=rng.random() < 0.15, name=name):
        return
    status, payload = client.call("doctors", "GET", "/api/users/doctors?" + urlencode({"page": 1, "limit": 10}))
    doctors = [item["_id"] for item in payload.get("data", {}).get("items", [])] if status == 200 else []
    if not doctors:
        return
    doctor = rng.choice(doctors)
    client.call("doctor", "GET", f"/api/users/doctors/{doctor}")
    booked: list[str] = []
    for _ in range(rng.randint(1, 2)):
        for _ in range(rng.randint(1, 3)):
            day = today + dt.timedelta(days=rng.randint(1, 14))
            query = urlencode({"doctorId": doctor, "date": day.isoformat()})
            status, payload = client.call("slots", "GET", f"/api/appointments/slots?{query}")
            free = payload.get("data", {}).get("availableSlots", []) if status == 200 else []
            if free:
                break
        if not free:
            continue
        slot = rng.choice(free[:6])  # people prefer the first slots of a day: real contention
        body = {
            "doctorId": doctor,
            "appointmentDate": day.isoformat(),
            "appointmentTime": slot["startTime"],
            "purposeOfVisit": rng.choice(["consultation", "follow-up", "routine-checkup"]),
            "reason": "Knee pain after running",
        }
        status, payload = client.call("book", "POST", "/api/appointments/book", body)
        if status == 201:
            booked.append(payload["data"]["appointment"]["_id"])
    client.call("my-appointments", "GET", "/api/appointments/my-appointments?page=1&limit=10")
    client.call("dashboard-patient", "GET", "/api/dashboard")
    client.call("notifications", "GET", "/api/notifications?page=1&limit=10")
    for appointment in booked:
        if rng.random() < 0.25:
            client.call("cancel", "PUT", f"/api/appointments/{appointment}/cancel", {"reason": "Feeling better"})


def receptionist_round(client: Client, rng: random.Random) -> None:
    status, payload = client.call("pending", "GET", "/api/appointments/pending?page=1&limit=10")
    items = payload.get("data", {}).get("items", []) if status == 200 else []
    for item in items[: rng.randint(1, 4)]:
        client.call("confirm", "POST", f"/api/appointments/{item['_id']}/confirm")
    client.call("dashboard-receptionist", "GET", "/api/dashboard")


def admin_round(client: Client, rng: random.Random) -> None:
    client.call("admin-dashboard", "GET", "/api/admin/dashboard")
    client.call("appointments", "GET", "/api/appointments?page=1&limit=20")


def doctor_round(client: Client, rng: random.Random) -> None:
    client.call("dashboard-doctor", "GET", "/api/dashboard")
    client.call("doctor-appointments", "GET", "/api/appointments/my-appointments?tab=upcoming&page=1&limit=10")


def worker_rss_kib(master_pid: int) -> dict[int, int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    rss = {}
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss[int(pid)] = int(line.split()[1])
    return rss


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return round(sorted_values[index] * 1000, 1)


def prepare(args, env: dict) -> None:
    recreate_database(args.database_url, marker="load" if "load" in args.database_url else "h9b")
    redis.Redis.from_url(args.redis_url).flushdb()
    subprocess.run([BIN / "python", "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    seed = [BIN / "python", "manage.py", "seed_demo", "--appointments", str(args.appointments)]
    subprocess.run(seed, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def staff_numbers(database_url: str) -> dict[str, list[str]]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT role, mobile_number FROM accounts_user WHERE is_active AND role IN "
            "('admin', 'receptionist', 'doctor') ORDER BY role, mobile_number"
        ).fetchall()
    numbers: dict[str, list[str]] = {}
    for role, number in rows:
        numbers.setdefault(role, []).append(number)
    return numbers


def outbound_messages(database_url: str) -> dict[str, int]:
    """SMS notifications by delivery status: what the Celery worker did with the run's bookings."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT status, count(*) FROM appointments_outboundmessage GROUP BY status").fetchall()
    return dict(sorted(rows))


class Clinic:
    """The signed-in staff and the source of fresh patient numbers, shared by warm-up and measurement."""

    def __init__(self, port: int, codes: Codes, staff: dict[str, list[str]]):
        self.port, self.codes = port, codes
        self.login_stats = Stats()
        staff_ip = "10.0.0.2"  # the clinic's front desk
        self.reception = Client(port, self.login_stats, staff_ip)
        self.admin = Client(port, self.login_stats, staff_ip)
        self.doctors = [Client(port, self.login_stats, staff_ip) for _ in staff.get("doctor", [])[:2]]
        pairs = [(self.reception, staff["receptionist"][0]), (self.admin, staff["admin"][0])]
        pairs += list(zip(self.doctors, staff["doctor"], strict=False))
        for client, number in pairs:
            if not client.login(codes, number):
                raise RuntimeError(f"staff login failed: {self.login_stats.unexpected}")
        self._numbers = iter(range(10_000_000))
        self._lock = threading.Lock()

    def next_patient(self) -> int:
        with self._lock:
            return next(self._numbers)


def run(args, clinic: Clinic, stats: Stats, deadline: float) -> None:
    today = dt.date.today()
    for client in (clinic.reception, clinic.admin, *clinic.doctors):
        client.stats = stats

    def patients(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            n = clinic.next_patient()
            # One phone per visitor: its own number and address.
            client = Client(clinic.port, stats, f"10.{1 + n // 65536 % 250}.{n // 256 % 256}.{n % 256}")
            patient_session(client, clinic.codes, f"7{n:09d}", rng, today)
            time.sleep(rng.uniform(0, args.think))

    def staff_loop(client: Client, round_fn, seed: int, pause: float) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            round_fn(client, rng)
            time.sleep(pause)

    threads = [threading.Thread(target=patients, args=(seed,)) for seed in range(args.patients)]
    threads.append(threading.Thread(target=staff_loop, args=(clinic.reception, receptionist_round, 1001, 0.5)))
    threads.append(threading.Thread(target=staff_loop, args=(clinic.admin, admin_round, 1002, 2.0)))
    threads += [
        threading.Thread(target=staff_loop, args=(client, doctor_round, 1003 + i, 1.5))
        for i, client in enumerate(clinic.doctors)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/arthomed_h9b")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--appointments", type=int, default=2000, help="seeded history (seed_demo)")
    parser.add_argument("--duration", type=float, default=150, help="seconds of load after a 15 s warm-up")
    parser.add_argument("--patients", type=int, default=10, help="concurrent patient threads")
    parser.add_argument("--think", type=float, default=0.5, help="max pause between a thread's patients (s)")
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()

    env = os.environ | {
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "CELERY_BROKER_URL": args.redis_url,
        "SECRET_KEY": "load-only-secret-key-0123456789abcdef0123456789abcdef",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SMS_BACKEND": "console",
        # Sign-in codes are read from the log on purpose (production refuses it otherwise).
        "ALLOW_CONSOLE_SMS": "true",
        "LOG_LEVEL": "warning",
        "PYTHONUNBUFFERED": "1",  # SMS lines reach the pipe as they are written
        "TRUSTED_PROXY_COUNT": "1",
        # The general request limit would turn the load into 429s; the OTP limits stay as configured.
        "RATE_LIMIT_MAX_REQUESTS": "1000000000",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    prepare(args, env)
    staff = staff_numbers(args.database_url)
    gunicorn = [BIN / "gunicorn", "arthomed.wsgi:application", "--bind", f"127.0.0.1:{args.port}"]
    gunicorn += ["--workers", "2", "--threads", "4", "--log-level", "warning"]
    celery = [BIN / "celery", "-A", "arthomed", "worker", "--concurrency", "1", "--loglevel", "WARNING"]
    stats, codes = Stats(), Codes()
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    worker = subprocess.Popen(celery, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    reader = threading.Thread(target=codes.feed, args=(server.stdout,), daemon=True)
    reader.start()
    try:
        wait_for_health(args.port)
        clinic = Clinic(args.port, codes, staff)
        warmup_stats = Stats()
        run(args, clinic, warmup_stats, time.monotonic() + 15)
        rss_before = worker_rss_kib(server.pid)
        started = time.monotonic()
        run(args, clinic, stats, started + args.duration)
        elapsed = time.monotonic() - started
        rss_after = worker_rss_kib(server.pid)
        time.sleep(5)  # let the Celery worker drain what the last requests queued
    finally:
        for process in (worker, server):
            process.terminate()
        for process in (worker, server):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    stats.outbound = outbound_messages(args.database_url)
    return report(args, stats, elapsed=elapsed, rss_before=rss_before, rss_after=rss_after, warmup=warmup_stats)


def report(args, stats: Stats, *, elapsed: float, rss_before: dict, rss_after: dict, warmup: Stats) -> int:
    endpoints = {}
    total = 0
    for name in sorted(stats.latencies):
        values = sorted(stats.latencies[name])
        total += len(values)
        endpoints[name] = {
            "requests": len(values),
            "rps": round(len(values) / elapsed, 2),
            "p50_ms": percentile(values, 0.50),
            "p95_ms": percentile(values, 0.95),
            "p99_ms": percentile(values, 0.99),
            "statuses": dict(sorted(stats.statuses[name].items())),
        }
    unexpected = [*warmup.unexpected, *stats.unexpected]
    results = {
        "duration_s": round(elapsed, 1),
        "patient_threads": args.patients,
        "seeded_appointments": args.appointments,
        "requests": total,
        "rps": round(total / elapsed, 1),
        "endpoints": endpoints,
        "worker_rss_kib_before": rss_before,
        "worker_rss_kib_after": rss_after,
        "error_codes": dict(sorted(stats.error_codes.items())),
        "outbound_messages": stats.outbound,
        "unexpected": unexpected,
    }
    (ROOT / "bench" / "results-load.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n{total} requests in {elapsed:.0f} s = {total / elapsed:.1f} req/s ({args.patients} patient threads)")
    print(f"{'endpoint':<18}{'reqs':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  statuses")
    for name, row in endpoints.items():
        print(
            f"{name:<18}{row['requests']:>7}{row['rps']:>8}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}"
            f"  {row['statuses']}"
        )
    for pid in sorted(rss_before):
        after = rss_after.get(pid)
        print(f"gunicorn worker {pid}: RSS {rss_before[pid] / 1024:.1f} MiB -> {(after or 0) / 1024:.1f} MiB")
    if set(rss_before) != set(rss_after):
        print(f"worker set changed (a worker restarted?): {sorted(rss_before)} -> {sorted(rss_after)}")
    for key, count in sorted(stats.error_codes.items()):
        print(f"  {key}: {count}")
    print(f"SMS notifications (whole database, warm-up included) by status: {stats.outbound}")
    for line in unexpected:
        print(f"UNEXPECTED: {line}")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
