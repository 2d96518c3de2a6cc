"""Seed a benchmark clinic: doctors with full-week schedules, patients, and N appointments, fast.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/arthomed_h5a_bench \
        .venv/bin/python bench/seed_appointments.py --appointments 1000000 --manifest /tmp/bench.json

Expects a migrated, empty database. Historical appointments (completed / cancelled /
no-show) fill each doctor's past days slot after slot, so no two active appointments of
a doctor or of a patient overlap (the exclusion constraints hold). Ten future bookings
are placed on tomorrow for every doctor, so slot reads see booked slots. On PostgreSQL
rows go in with COPY; elsewhere with bulk_create. The manifest (JSON) lists the ids and
access tokens the benchmark needs.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arthomed.settings")

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import WEEKDAYS, DoctorProfile, ScheduleBlock, User  # noqa: E402
from accounts.tokens import tokens_for  # noqa: E402
from appointments.models import Appointment  # noqa: E402

SLOT_MINUTES = 30
DAY_START = dt.time(9)
SLOTS_PER_DAY = 20  # 09:00-19:00
FUTURE_PER_DOCTOR = 10
BATCH = 20_000
HISTORY_STATUSES = ["completed"] * 8 + ["cancelled", "no-show"]


def progress(label: str, done: int, total: int, started: float) -> None:
    rate = done / max(time.monotonic() - started, 1e-6)
    print(f"\r{label}: {done}/{total} ({rate:,.0f}/s)", end="", file=sys.stderr, flush=True)


def create_people(doctors: int, patients: int) -> tuple[list[User], list[User]]:
    unusable = make_password(None)
    doctor_rows = [
        User(mobile_number=str(7_000_000_000 + n), name=f"Bench Doctor {n}", role="doctor", password=unusable)
        for n in range(doctors)
    ]
    patient_rows = [
        User(mobile_number=str(8_000_000_000 + n), name=f"Bench Patient {n}", role="patient", password=unusable)
        for n in range(patients)
    ]
    User.objects.bulk_create(doctor_rows + patient_rows, batch_size=2000)
    DoctorProfile.objects.bulk_create(
        DoctorProfile(user=d, specialization="Arthroscopy", consultation_fee=Decimal("500"), slot_duration=SLOT_MINUTES)
        for d in doctor_rows
    )
    ScheduleBlock.objects.bulk_create(
        ScheduleBlock(doctor=d, day=day, start_time=DAY_START, end_time=dt.time(19))
        for d in doctor_rows
        for day in WEEKDAYS
    )
    return doctor_rows, patient_rows


def appointment_row(*, doctor: User, patient: User, starts_at: dt.datetime, status: str) -> dict:
    local = timezone.localtime(starts_at)
    ends_at = starts_at + dt.timedelta(minutes=SLOT_MINUTES)
    return {
        "id": uuid.uuid4(),
        "patient_id": patient.pk,
        "doctor_id": doctor.pk,
        "appointment_date": local.date(),
        "appointment_time": local.time(),
        "end_time": timezone.localtime(ends_at).time(),
        "duration": SLOT_MINUTES,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "status": status,
        "reason": "Knee pain",
        "fee": Decimal("500.00"),
        "created_at": starts_at - dt.timedelta(days=3),
        "updated_at": starts_at,
        "confirmed_at": starts_at - dt.timedelta(days=2) if status != "pending" else None,
        "completed_at": ends_at if status == "completed" else None,
    }


def rows(doctors: list[User], patients: list[User], count: int, today: dt.date):
    """History: row i goes to doctor i % D at global slot i // D, counting back from yesterday.

    Rows sharing a slot have distinct doctors and (as D <= P) distinct patients: no overlap.
    """
    for i in range(count):
        slot = i // len(doctors)
        day = today - dt.timedelta(days=1 + slot // SLOTS_PER_DAY)
        starts_at = dt.datetime.combine(day, DAY_START, tzinfo=timezone.get_default_timezone()) + dt.timedelta(
            minutes=SLOT_MINUTES * (slot % SLOTS_PER_DAY)
        )
        status = HISTORY_STATUSES[i % len(HISTORY_STATUSES)]
        yield appointment_row(
            doctor=doctors[i % len(doctors)], patient=patients[i % len(patients)], starts_at=starts_at, status=status
        )


def copy_rows(row_iter, total: int) -> None:
    """COPY every concrete column; columns this script does not set get the model default."""
    from psycopg.types.json import Jsonb

    fields = list(Appointment._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    defaults = {f.attname: f.get_default() for f in fields}
    is_json = {f.attname for f in fields if isinstance(f, models.JSONField)}
    started = time.monotonic()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {Appointment._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for done, row in enumerate(row_iter, 1):
            values = []
            for f in fields:
                value = row.get(f.attname, defaults[f.attname])
                values.append(Jsonb(value) if f.attname in is_json and value is not None else value)
            copy.write_row(values)
            if done % BATCH == 0:
                progress("appointments", done, total, started)
    progress("appointments", total, total, started)
    print(file=sys.stderr)


def bulk_rows(row_iter, total: int) -> None:
    started, batch, done = time.monotonic(), [], 0
    for row in row_iter:
        batch.append(Appointment(**row))
        if len(batch) == BATCH:
            Appointment.objects.bulk_create(batch)
            done += len(batch)
            batch = []
            progress("appointments", done, total, started)
    Appointment.objects.bulk_create(batch)
    progress("appointments", total, total, started)
    print(file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--appointments", type=int, default=1000)
    parser.add_argument("--doctors", type=int, default=50)
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--token-patients", type=int, default=1000, help="patients to issue access tokens for")
    parser.add_argument("--manifest", default="bench/manifest.json")
    args = parser.parse_args()
    if User.objects.exists():
        sys.exit("The database is not empty; the benchmark seeds a fresh one.")
    if args.doctors > args.patients - FUTURE_PER_DOCTOR:
        sys.exit("Need more patients than doctors (so a slot's patients are distinct).")

    today = timezone.localdate()
    started = time.monotonic()
    with transaction.atomic():
        doctors, patients = create_people(args.doctors, args.patients)
        # The last patients hold tomorrow's bookings; the others the history and the booking load.
        history_patients, future_patients = patients[:-FUTURE_PER_DOCTOR], patients[-FUTURE_PER_DOCTOR:]
        history = rows(doctors, history_patients, args.appointments, today)
        (copy_rows if connection.vendor == "postgresql" else bulk_rows)(history, args.appointments)
        tomorrow = today + dt.timedelta(days=1)
        future = [
            Appointment(
                **appointment_row(
                    doctor=doctor,
                    patient=future_patients[n],
                    starts_at=dt.datetime.combine(tomorrow, DAY_START, tzinfo=timezone.get_default_timezone())
                    + dt.timedelta(minutes=2 * SLOT_MINUTES * n),
                    status="confirmed",
                )
            )
            for doctor in doctors[:1]
            for n in range(FUTURE_PER_DOCTOR)
        ]
        Appointment.objects.bulk_create(future)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    token_patients = history_patients[: args.token_patients]
    manifest = {
        "appointments": Appointment.objects.count(),
        "today": today.isoformat(),
        "doctors": [str(d.pk) for d in doctors],
        "patient_tokens": [tokens_for(p)["accessToken"] for p in token_patients],
        "patients_per_doctor_slot": len(history_patients),
    }
    Path(args.manifest).write_text(json.dumps(manifest))
    print(
        f"seeded {manifest['appointments']} appointments, {len(doctors)} doctors, {len(patients)} patients "
        f"in {time.monotonic() - started:.1f}s; manifest: {args.manifest}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
