"""Bulk demo appointments for the dashboards and load tests (`seed_demo --appointments N`).

Rows are spread over the last two years and the booking horizon, in every status and
payment state, and inserted with `bulk_create` in batches. They respect what the
database forbids: each (doctor, start) and each (patient, start) is used once, on a
shared 30-minute grid, so no two active appointments of one doctor or one patient
overlap (the PostgreSQL exclusion constraints). When four doctors cannot hold N
appointments in that window, load-test doctors are added.

Paid rows are recorded by the demo receptionist and get receipt numbers from the payment
service's counter once inserted (`receipt_numbers_backfill`), so receipts and the day close work.
The demo rows carry no status-history lines: they stand for data imported from the
old system, whose history the dashboards do not read.
"""

import math
import random
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from accounts.models import WEEKDAYS, DoctorProfile, User
from appointments.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    PaymentMethod,
    PaymentStatus,
    PurposeOfVisit,
    RefundStatus,
)
from appointments.services.lifecycle.payments import receipt_numbers_backfill
from dashboard.demo.clinic import (
    SLOT_MINUTES,
    WEEKLY_HOURS,
    demo_clinic_seed,
    demo_load_doctors_ensure,
    demo_load_patients_ensure,
)

HISTORY_DAYS = 730
BATCH_SIZE = 5_000
# Headroom so random picks never run short of free slots.
CAPACITY_FACTOR = 1.25
APPOINTMENTS_PER_LOAD_PATIENT = 200
MAX_LOAD_PATIENTS = 5_000
BOOKED_AHEAD = timedelta(days=3)

REASONS = [
    "Knee pain after running",
    "Shoulder stiffness for two weeks",
    "Lower back pain",
    "Post-operative review",
    "Ankle sprain during football",
    "Hip pain while walking",
    "Swelling in the knee",
    "Tennis elbow",
    "Neck pain and tingling in the fingers",
    "Fracture follow-up",
]
DIAGNOSES = [
    "Anterior cruciate ligament tear",
    "Rotator cuff tendinopathy",
    "Lumbar disc prolapse",
    "Osteoarthritis of the knee",
    "Lateral ankle sprain, grade II",
    "Frozen shoulder",
    "Lateral epicondylitis",
    "Healing distal radius fracture",
]
PURPOSES = list(PurposeOfVisit.values)
METHODS = list(PaymentMethod.values)
RATINGS = [5, 5, 5, 4, 4, 4, 3, 2]


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    local_date: date
    local_start: time
    local_end: time


def slot_grid(first: date, last: date) -> list[Slot]:
    """Every 30-minute slot of the demo week between two dates, in clinic time."""
    zone = timezone.get_current_timezone()
    length = timedelta(minutes=SLOT_MINUTES)
    slots = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        for start, end in WEEKLY_HOURS.get(WEEKDAYS[day.weekday()], ()):
            moment = datetime.combine(day, start, tzinfo=zone)
            while moment + length <= datetime.combine(day, end, tzinfo=zone):
                slots.append(Slot(moment, moment + length, day, moment.time(), (moment + length).time()))
                moment += length
    return slots


class _Generator:
    """Turns a free (slot, doctor) pick into one appointment row in a plausible state."""

    def __init__(self, *, rng: random.Random, now: datetime, fees: dict, receptionist: User):
        self.rng, self.now, self.fees, self.receptionist = rng, now, fees, receptionist

    def appointment(self, slot: Slot, doctor_id, patient_id) -> Appointment:
        rng, now = self.rng, self.now
        row = Appointment(
            patient_id=patient_id,
            doctor_id=doctor_id,
            booked_by_id=patient_id if rng.random() < 0.8 else self.receptionist.pk,
            appointment_date=slot.local_date,
            appointment_time=slot.local_start,
            end_time=slot.local_end,
            duration=SLOT_MINUTES,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            booked_starts_at=slot.starts_at,
            purpose_of_visit=rng.choice(PURPOSES),
            reason=rng.choice(REASONS),
            fee=self.fees[doctor_id],
            created_at=min(slot.starts_at - BOOKED_AHEAD, now - timedelta(hours=1)),
            confirmed_at=min(slot.starts_at - timedelta(days=1), now),
        )
        if slot.ends_at <= now:
            self._past(row)
        elif slot.starts_at <= now:
            row.status = AppointmentStatus.IN_PROGRESS
        else:
            self._future(row)
        return row

    def _past(self, row: Appointment) -> None:
        roll = self.rng.random()
        if roll < 0.70:
            self._completed(row)
        elif roll < 0.80:
            self._cancelled(row)
        elif roll < 0.88:
            row.status = AppointmentStatus.NO_SHOW
        else:
            row.status = AppointmentStatus.REJECTED
            row.confirmed_at = None
            row.rejection_reason = self.rng.choice(["expired", "Doctor unavailable at this time"])

    def _future(self, row: Appointment) -> None:
        roll = self.rng.random()
        if roll < 0.35:
            row.status = AppointmentStatus.PENDING
            row.confirmed_at = None
        elif roll < 0.90:
            row.status = AppointmentStatus.CONFIRMED
            if self.rng.random() < 0.25:  # paid online in advance
                self._pay(row, row.confirmed_at)
        else:
            self._cancelled(row)

    def _pay(self, row: Appointment, at: datetime) -> None:
        row.payment_status = PaymentStatus.PAID
        row.payment_method = self.rng.choice(METHODS)
        row.payment_amount = row.fee
        row.paid_at = at
        row.payment_recorded_by_id = self.receptionist.pk  # the receipt number: `receipt_numbers_backfill`

    def _completed(self, row: Appointment) -> None:
        rng = self.rng
        row.status = AppointmentStatus.COMPLETED
        row.completed_at = row.ends_at
        row.visit_summary = {"diagnosis": rng.choice(DIAGNOSES), "advice": "Physiotherapy twice a week"}
        if rng.random() < 0.88:
            self._pay(row, row.ends_at + timedelta(minutes=5))
        if rng.random() < 0.25:
            row.follow_up_date = row.appointment_date + timedelta(days=rng.choice([14, 30, 42]))
            row.follow_up_note = "Review with X-ray"
        feedback_at = row.ends_at + timedelta(days=1)
        if rng.random() < 0.3 and feedback_at <= self.now:
            row.feedback_rating = rng.choice(RATINGS)
            row.feedback_submitted_at = feedback_at
            row.feedback_comment = "Clear explanation, felt better after the visit"

    def _cancelled(self, row: Appointment) -> None:
        """Cancelled by the patient; a paid fee is refunded by the SPEC's notice rule."""
        rng, now = self.rng, self.now
        notice = timedelta(hours=rng.choice([3, 12, 30, 72]))
        row.status = AppointmentStatus.CANCELLED
        row.cancelled_at = max(min(row.starts_at - notice, now), row.created_at)
        row.cancelled_by_id = row.patient_id
        row.cancellation_reason = "Cannot make it"
        row.refund_amount = Decimal("0.00")
        row.refund_status = RefundStatus.NOT_APPLICABLE
        if rng.random() >= 0.4:
            return
        self._pay(row, row.created_at)
        hours_before = (row.starts_at - row.cancelled_at) / timedelta(hours=1)
        share = Decimal(1) if hours_before >= 24 else Decimal("0.5") if hours_before >= 2 else Decimal(0)
        row.refund_amount = (row.fee * share).quantize(Decimal("0.01"))
        if not row.refund_amount:
            return
        processed_at = row.cancelled_at + timedelta(days=1)
        if processed_at <= now:
            row.refund_status = RefundStatus.PROCESSED
            row.refund_processed_at = processed_at
            row.payment_status = PaymentStatus.REFUNDED if share == 1 else PaymentStatus.PARTIALLY_REFUNDED
        else:
            row.refund_status = RefundStatus.PENDING


@contextmanager
def _booking_times_kept():
    """Let bulk_create keep each row's own `created_at` (auto_now_add would stamp them all "now").

    Demo history needs realistic booking times (the admin's "recent appointments"), and
    setting them in the INSERT is half the cost of rewriting a million rows afterwards.
    """
    field = Appointment._meta.get_field("created_at")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


def _doctors_for(count: int, per_doctor: int, demo_doctors: list[User], busy: int) -> list[User]:
    needed = math.ceil((count + busy) * CAPACITY_FACTOR / per_doctor) if per_doctor else 0
    if needed <= len(demo_doctors):
        return demo_doctors
    return demo_doctors + demo_load_doctors_ensure(count=needed - len(demo_doctors))


def _held(doctors: list[User], grid: list[Slot]) -> tuple[set[int], set[tuple]]:
    """Grid picks and (patient, slot) pairs already held by active appointments (API or earlier runs)."""
    slot_index = {slot.starts_at: index for index, slot in enumerate(grid)}
    doctor_index = {doctor.pk: index for index, doctor in enumerate(doctors)}
    rows = Appointment.objects.filter(
        status__in=ACTIVE_STATUSES, starts_at__gte=grid[0].starts_at, starts_at__lte=grid[-1].starts_at
    ).values_list("doctor_id", "patient_id", "starts_at")
    picks, patients = set(), set()
    for doctor_id, patient_id, starts_at in rows.iterator(chunk_size=BATCH_SIZE):
        slot_number = slot_index.get(starts_at)
        if slot_number is None:
            continue
        patients.add((patient_id, slot_number))
        if doctor_id in doctor_index:
            picks.add(slot_number * len(doctors) + doctor_index[doctor_id])
    return picks, patients


def _free_patient(patients: list, busy: set[tuple], slot_number: int, start: int):
    """The first patient from `start` on who has nothing else at this slot (None if all do)."""
    for step in range(len(patients)):
        patient = patients[(start + step) % len(patients)]
        if (patient, slot_number) not in busy:
            busy.add((patient, slot_number))
            return patient
    return None


def _refresh_ratings(doctors: list[User]) -> None:
    """Doctors' rating from the feedback rows, as feedback itself would have kept it."""
    totals = (
        Appointment.objects.filter(doctor__in=doctors, feedback_rating__isnull=False)
        .values("doctor")
        .annotate(count=Count("id"), total=Sum("feedback_rating"))
    )
    for row in totals:
        DoctorProfile.objects.filter(user_id=row["doctor"]).update(
            rating_count=row["count"],
            rating_total=row["total"],
            rating=(Decimal(row["total"]) / row["count"]).quantize(Decimal("0.01")),
        )


def demo_appointments_create(
    *,
    count: int,
    now: datetime | None = None,
    seed: int = 8,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add `count` appointments to the demo clinic; returns how many rows were inserted."""
    now = now or timezone.now()
    clinic = demo_clinic_seed()
    today = timezone.localdate(now)
    grid = slot_grid(today - timedelta(days=HISTORY_DAYS), today + timedelta(days=settings.BOOKING_HORIZON_DAYS))
    busy = Appointment.objects.filter(starts_at__gte=grid[0].starts_at, status__in=ACTIVE_STATUSES).count()
    doctors = _doctors_for(count, len(grid), clinic.doctors, busy)
    load_patients = min(MAX_LOAD_PATIENTS, count // APPOINTMENTS_PER_LOAD_PATIENT)
    patients = [user.pk for user in clinic.patients + demo_load_patients_ensure(count=load_patients)]
    # One patient per doctor at any start: needs at least as many patients as doctors.
    if len(patients) < len(doctors):
        patients = [user.pk for user in clinic.patients + demo_load_patients_ensure(count=len(doctors))]
    fees = dict(DoctorProfile.objects.filter(user__in=doctors).values_list("user_id", "consultation_fee"))
    taken, busy_patients = _held(doctors, grid)
    capacity = len(grid) * len(doctors)
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets; seeded so runs are reproducible
    picks = [i for i in rng.sample(range(capacity), min(capacity, count + len(taken))) if i not in taken][:count]
    generator = _Generator(rng=rng, now=now, fees=fees, receptionist=clinic.receptionist)
    before = Appointment.objects.count()
    for begin in range(0, len(picks), batch_size):
        rows = []
        for pick in picks[begin : begin + batch_size]:
            slot_number, doctor_number = divmod(pick, len(doctors))
            patient = _free_patient(patients, busy_patients, slot_number, start=pick)
            if patient is not None:
                rows.append(generator.appointment(grid[slot_number], doctors[doctor_number].pk, patient))
        # ignore_conflicts: a slot booked through the API meanwhile is skipped, not an error.
        with transaction.atomic(), _booking_times_kept():
            Appointment.objects.bulk_create(rows, ignore_conflicts=True)
        if progress:
            progress(min(batch_size, len(picks) - begin))
    _refresh_ratings(doctors)
    receipt_numbers_backfill()  # the paid rows' receipts, numbered in payment order per financial year
    return Appointment.objects.count() - before
