"""Shared plumbing of the fault-injection scenarios: PRIVATE PostgreSQL and Redis, gunicorn, a load loop.

Nothing here touches the machine's shared PostgreSQL (5432) or Redis (6379): every scenario
starts its own instances on free loopback ports in a temporary directory and stops them
(and everything else it started) in `finally`.
"""

import contextlib
import datetime as dt
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = shutil.which("redis-server") or "redis-server"
SLOTS_PER_DAY = 20
AS_ROOT = os.geteuid() == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    # initdb/postgres refuse to run as root; the data directory belongs to the postgres OS user.
    return ["runuser", "-u", "postgres", "--", *command] if AS_ROOT else command


class PrivatePostgres:
    """A throwaway PostgreSQL cluster on a free loopback port (trust auth, no fsync: data is disposable)."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="arthomed-faults-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/arthomed_faults"
        if AS_ROOT:
            shutil.chown(self.dir, "postgres", "postgres")
        initdb = [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        subprocess.run(_as_postgres(initdb), check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"), "-o", options]
        subprocess.run(_as_postgres([*command, "-w", "-t", "30", "start"]), check=True, stdout=subprocess.DEVNULL)

    def stop(self) -> None:
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop"]
        subprocess.run(_as_postgres(command), check=True, stdout=subprocess.DEVNULL)

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(self.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute('CREATE DATABASE "arthomed_faults"')

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    """A throwaway redis-server (no persistence) as a child process."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen([*command, "--daemonize", "no"], stdout=subprocess.DEVNULL)
        wait_until(lambda: _tcp_open(self.port), 10, "redis did not come up")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def _tcp_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(predicate, timeout: float, failure: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return
        time.sleep(0.2)
    raise RuntimeError(failure)


def app_env(database_url: str, **extra: str) -> dict:
    return (
        os.environ
        | {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "faults-only-secret-key-0123456789abcdef0123456789",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "RATE_LIMIT_MAX_REQUESTS": "1000000000",
            "SMS_BACKEND": "console",
            # Sign-in codes are read from the log on purpose (production refuses it otherwise).
            "ALLOW_CONSOLE_SMS": "true",
            "LOG_LEVEL": "warning",
            "DATABASE_CONNECT_TIMEOUT": "2",
            "REDIS_URL": "",
            "CELERY_BROKER_URL": "",
        }
        | extra
    )


def prepare_database(env: dict, *, doctors: int = 5, patients: int = 300) -> dict:
    """Migrate and seed a small clinic; returns the manifest (doctor ids, patient access tokens)."""
    subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    with tempfile.NamedTemporaryFile(suffix=".json") as manifest:
        seed = [PYTHON, "bench/seed_appointments.py", "--appointments", "100", "--manifest", manifest.name]
        seed += ["--doctors", str(doctors), "--patients", str(patients), "--token-patients", str(patients - 20)]
        subprocess.run(seed, cwd=ROOT, env=env, check=True, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        return json.loads(Path(manifest.name).read_text())


@contextlib.contextmanager
def gunicorn(env: dict, *, workers: int = 2, log_path: Path | None = None):
    port = free_port()
    command = [GUNICORN, "arthomed.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers), "--log-level", "warning"]
    log = log_path.open("w") if log_path else subprocess.DEVNULL
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: request(port, "GET", "/health")[0] == 200, 60, "gunicorn did not come up")
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        if log_path:
            log.close()


def request(port: int, method: str, path: str, body=None, *, token=None, timeout: float = 30, key: str | None = None):
    """-> (status, parsed JSON or None, raw text, seconds). Connection failures come back as status 0."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if key:
        headers["Idempotency-Key"] = key
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        raw = response.read().decode("utf-8", "replace")
        status = response.status
    except OSError as exc:
        return 0, None, f"{type(exc).__name__}: {exc}", time.perf_counter() - started
    finally:
        conn.close()
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = None
    return status, parsed, raw, time.perf_counter() - started


class BookingPlan:
    """Distinct (doctor, day, time) per index from the day after tomorrow; at most 5 bookings per patient."""

    def __init__(self, manifest: dict):
        self.doctors = manifest["doctors"]
        self.tokens = manifest["patient_tokens"]
        self.today = dt.date.fromisoformat(manifest["today"])
        self.limit = len(self.tokens) * 5

    def body(self, i: int) -> tuple[dict, str]:
        slot = i // len(self.doctors)
        day = self.today + dt.timedelta(days=2 + slot // SLOTS_PER_DAY)
        minutes = 30 * (slot % SLOTS_PER_DAY)
        body = {
            "doctorId": self.doctors[i % len(self.doctors)],
            "appointmentDate": day.isoformat(),
            "appointmentTime": f"{9 + minutes // 60:02d}:{minutes % 60:02d}",
            "purposeOfVisit": "consultation",
            "reason": "fault-injection",
        }
        return body, self.tokens[i % len(self.tokens)]


class LoadLoop:
    """Threads alternating a booking and a read until stopped; every response is recorded with its time.

    Each booking carries an Idempotency-Key, so an answer lost to a fault can be replayed safely.
    Bookings stop at the plan's limit; reads go on.
    """

    def __init__(self, port: int, plan: BookingPlan, *, threads: int = 4, pause: float = 0.01, first_booking: int = 0):
        self.port, self.plan, self.threads, self.pause = port, plan, threads, pause
        self.records: list[dict] = []  # {t, ms, kind, status, json, code?, id?, body?, token?, key?}
        self._bookings = first_booking
        self._reads = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []

    def _claim(self, kind: str) -> int:
        with self._lock:
            if kind == "book":
                self._bookings += 1
                return self._bookings - 1
            self._reads += 1
            return self._reads - 1

    def _book(self) -> dict | None:
        i = self._claim("book")
        if i >= self.plan.limit:
            return None
        body, token = self.plan.body(i)
        key = f"fault-{i}"
        status, parsed, raw, seconds = request(
            self.port, "POST", "/api/appointments/book", body, token=token, timeout=15, key=key
        )
        result = {"kind": "book", "status": status, "parsed": parsed, "raw": raw, "ms": seconds * 1000}
        return result | {"body": body, "token": token, "key": key}

    def _read(self) -> dict:
        token = self.plan.tokens[self._claim("read") % len(self.plan.tokens)]
        path = "/api/appointments/my-appointments?page=1&limit=5"
        status, parsed, raw, seconds = request(self.port, "GET", path, token=token, timeout=15)
        return {"kind": "read", "status": status, "parsed": parsed, "raw": raw, "ms": seconds * 1000}

    def _run(self) -> None:
        while not self._stop.is_set():
            for result in (self._book(), self._read()):
                if result is None:
                    continue
                parsed = result.pop("parsed")
                raw = result.pop("raw")
                result |= {"t": time.monotonic(), "json": isinstance(parsed, dict)}
                if isinstance(parsed, dict):
                    if parsed.get("success") is False:
                        result["code"] = (parsed.get("error") or {}).get("code")
                    if result["status"] == 201:
                        result["id"] = parsed["data"]["appointment"]["_id"]
                else:
                    result["raw"] = raw[:200]
                with self._lock:
                    self.records.append(result)
            time.sleep(self.pause)

    def start(self) -> None:
        self._workers = [threading.Thread(target=self._run, daemon=True) for _ in range(self.threads)]
        for worker in self._workers:
            worker.start()

    def stop(self) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=30)


def p50_ms(records: list, kind: str) -> float | None:
    values = [r["ms"] for r in records if r["kind"] == kind]
    return round(statistics.median(values), 1) if values else None


def django_shell(env: dict, code: str) -> dict:
    """Run `code` (which must print one JSON line last) in a Django process against `env`'s database."""
    prelude = "import django, json, os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'arthomed.settings')\n"
    prelude += "django.setup()\n"
    out = subprocess.run(
        [PYTHON, "-c", prelude + code], cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=120
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def summary(title: str, checks: list[tuple[str, bool, str]]) -> bool:
    print(f"\n=== {title} ===")
    for name, passed, detail in checks:
        print(f"  [{'PASS' if passed else 'FAIL'}] {name}: {detail}")
    ok = all(passed for _, passed, _ in checks)
    print(f"  => {'ALL PASS' if ok else 'FAILURES'}")
    sys.stdout.flush()
    return ok


@contextlib.contextmanager
def celery_worker(env: dict, log_path: Path):
    """A real worker (solo pool: one task at a time) in its own process group, so a SIGKILL takes all of it."""
    command = [PYTHON, "-m", "celery", "-A", "arthomed", "worker", "--pool", "solo", "--loglevel", "info"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log_path.open("a") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_until(lambda: "ready" in log_path.read_text(), 60, "celery worker did not come up")
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def message_counts(env: dict) -> dict:
    code = """
from django.db.models import Count, Max
from appointments.models import OutboundMessage
rows = OutboundMessage.objects.values("status").annotate(n=Count("id"), attempts=Max("attempts"))
print(json.dumps({r["status"]: {"n": r["n"], "max_attempts": r["attempts"]} for r in rows}))
"""
    return django_shell(env, code)
