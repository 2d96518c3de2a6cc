"""Today's morning at the demo clinic (`seed_demo --today`, SPEC.md §10, §12): the queue as it stands at
about 10:15 — visits done, one patient in consultation per doctor, others checked in with tokens, a
walk-in place, and Dr. Arjun Mehta running 20 minutes late.

Rows are written directly with their history (check-in, start, completion at the morning's times),
as the demo history is, so the board, the display and the queue estimates have a morning to show.
Idempotent per day: once today's tokens exist nothing is added. A slot that some other row already
holds (the doctor's or the person's time) is skipped, never double-booked. On a day the clinic is
closed there is no morning.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import WEEKDAYS, FamilyMember, User
from appointments.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    AppointmentStatusChange,
    DoctorDay,
    PaymentMethod,
    PaymentStatus,
)
from appointments.services.lifecycle.payments import receipt_numbers_backfill
from dashboard.demo.clinic import SLOT_MINUTES, WEEKLY_HOURS, DemoClinic

S = AppointmentStatus
LATE_DOCTOR = 0  # Dr. Arjun Mehta
LATE_MINUTES = 20
LATE_NOTE = "Emergency surgery ran over"


@dataclass(frozen=True)
class Visit:
    doctor: int  # index into DOCTORS
    at: time  # the slot, or a walk-in place's minute
    patient: str  # the holder's mobile number
    member: str | None  # a family member's name, or None for the holder
    status: str
    purpose: str
    checked_in: time | None = None
    started: time | None = None
    completed: time | None = None
    walk_in: bool = False
    paid: str = ""  # payment method when paid at the desk


MORNING = [
    Visit(0, time(9), "9800000101", None, S.COMPLETED, "Knee pain", time(8, 50), time(9, 20), time(9, 42), paid="upi"),
    Visit(
        0, time(9, 30), "9800000102", None, S.COMPLETED, "follow-up", time(9, 22), time(9, 42), time(10, 4), paid="cash"
    ),
    Visit(0, time(10), "9800000103", None, S.IN_PROGRESS, "consultation", time(9, 48), time(10, 5)),
    Visit(0, time(10, 30), "9800000106", "Diya Menon", S.CONFIRMED, "follow-up", time(10, 2)),
    Visit(0, time(10, 12), "9800000105", "Zubair Khan", S.CONFIRMED, "Back pain", time(10, 12), walk_in=True),
    Visit(0, time(11), "9800000104", None, S.CONFIRMED, "Sports injury", time(10, 14)),
    Visit(0, time(11, 30), "9800000107", None, S.CONFIRMED, "consultation"),
    Visit(0, time(12), "9800000108", None, S.PENDING, "routine-checkup"),
    Visit(1, time(9), "9800000109", None, S.COMPLETED, "Ankle sprain", time(8, 55), time(9), time(9, 25), paid="card"),
    Visit(1, time(9, 30), "9800000110", None, S.IN_PROGRESS, "Shoulder stiffness", time(9, 20), time(9, 58)),
    Visit(1, time(10), "9800000111", None, S.CONFIRMED, "consultation", time(9, 55)),
    Visit(1, time(10, 30), "9800000112", None, S.CONFIRMED, "follow-up", time(10, 10)),
    Visit(1, time(11), "9800000101", "Aarav Sharma", S.CONFIRMED, "Wrist pain"),
    Visit(2, time(10), "9800000106", None, S.CONFIRMED, "Frozen shoulder", time(9, 50)),
    Visit(3, time(11), "9800000105", None, S.CONFIRMED, "Knee replacement review"),
]


@dataclass(frozen=True)
class DemoMorning:
    day: date
    appointments: int
    checked_in: int
    in_consultation: int
    walk_ins: int
    late_doctor: User
    late_minutes: int


def _at(day: date, moment: time | None) -> datetime | None:
    return None if moment is None else datetime.combine(day, moment, tzinfo=timezone.get_current_timezone())


def _taken(*, doctor: User, patient: User, member: FamilyMember | None, starts_at, ends_at, walk_in: bool) -> bool:
    """Whether the doctor's slot (scheduled visits only) or the person's time is already held."""
    overlapping = Appointment.objects.filter(status__in=ACTIVE_STATUSES, starts_at__lt=ends_at, ends_at__gt=starts_at)
    person_busy = overlapping.filter(patient=patient, family_member=member).exists()
    doctor_busy = not walk_in and overlapping.filter(doctor=doctor, kind=AppointmentKind.SCHEDULED).exists()
    return person_busy or doctor_busy


def _history(row: Appointment, visit: Visit, day: date, desk: User) -> list[AppointmentStatusChange]:
    doctor = row.doctor
    confirmed = S.PENDING if visit.status == S.PENDING else S.CONFIRMED
    lines = [(row.created_at, "", confirmed, desk if visit.walk_in else row.patient, "")]
    if visit.checked_in:
        lines.append(
            (_at(day, visit.checked_in), S.CONFIRMED, S.CONFIRMED, desk, f"checked in, token {row.token_number}")
        )
    if visit.started:
        lines.append((_at(day, visit.started), S.CONFIRMED, S.IN_PROGRESS, doctor, ""))
    if visit.completed:
        lines.append((_at(day, visit.completed), S.IN_PROGRESS, S.COMPLETED, doctor, ""))
    return [
        AppointmentStatusChange(
            appointment=row, changed_at=at, from_status=source, to_status=target, changed_by=by, note=note
        )
        for at, source, target, by, note in lines
    ]


def _row(visit: Visit, *, day: date, clinic: DemoClinic, person: tuple, token: int | None) -> Appointment:
    patient, member = person
    doctor = clinic.doctors[visit.doctor]
    starts_at = _at(day, visit.at)
    ends_at = starts_at + timedelta(minutes=SLOT_MINUTES)
    booked = min(starts_at - timedelta(days=2), timezone.now()) if not visit.walk_in else _at(day, visit.at)
    row = Appointment(
        patient=patient,
        family_member=member,
        doctor=doctor,
        booked_by=clinic.receptionist if visit.walk_in else patient,
        kind=AppointmentKind.WALK_IN if visit.walk_in else AppointmentKind.SCHEDULED,
        status=visit.status,
        appointment_date=day,
        appointment_time=visit.at,
        end_time=timezone.localtime(ends_at).time(),
        duration=SLOT_MINUTES,
        starts_at=starts_at,
        ends_at=ends_at,
        booked_starts_at=starts_at,
        purpose_of_visit=visit.purpose,
        reason="Seen at the demo clinic",
        fee=doctor.doctor_profile.consultation_fee,
        token_number=token,
        checked_in_at=_at(day, visit.checked_in),
        confirmed_at=None if visit.status == S.PENDING else booked,
        completed_at=_at(day, visit.completed),
        created_at=booked,
    )
    if visit.paid:
        row.payment_status = PaymentStatus.PAID
        row.payment_method = PaymentMethod(visit.paid)
        row.payment_amount = row.fee
        row.paid_at = row.completed_at + timedelta(minutes=3)
        row.payment_recorded_by = clinic.receptionist
    return row


def _person(visit: Visit) -> tuple[User, FamilyMember | None]:
    patient = User.objects.get(mobile_number=visit.patient)
    member = patient.family_members.filter(name=visit.member).first() if visit.member else None
    return patient, member


@transaction.atomic
def demo_morning_create(*, clinic: DemoClinic, now: datetime | None = None) -> DemoMorning | None:
    """Seed today's morning (see the module docstring); None when the clinic is closed today or the
    morning is already there."""
    day = timezone.localdate(now or timezone.now())
    if WEEKDAYS[day.weekday()] not in WEEKLY_HOURS:
        return None
    if DoctorDay.objects.filter(doctor__in=clinic.doctors, date=day, last_token__gt=0).exists():
        return None
    by_check_in = sorted(MORNING, key=lambda visit: (visit.checked_in is None, visit.checked_in or time.min))
    tokens: dict[int, int] = {}
    made: list[Appointment] = []
    history: list[AppointmentStatusChange] = []
    field = Appointment._meta.get_field("created_at")
    for visit in by_check_in:
        person = _person(visit)
        doctor = clinic.doctors[visit.doctor]
        starts_at = _at(day, visit.at)
        ends_at = starts_at + timedelta(minutes=SLOT_MINUTES)
        if _taken(
            doctor=doctor,
            patient=person[0],
            member=person[1],
            starts_at=starts_at,
            ends_at=ends_at,
            walk_in=visit.walk_in,
        ):
            continue
        token = None
        if visit.checked_in:
            tokens[visit.doctor] = token = tokens.get(visit.doctor, 0) + 1
        row = _row(visit, day=day, clinic=clinic, person=person, token=token)
        field.auto_now_add = False  # keep the morning's booking times
        try:
            row.save()
        finally:
            field.auto_now_add = True
        made.append(row)
        history += _history(row, visit, day, clinic.receptionist)
    AppointmentStatusChange.objects.bulk_create(history)
    receipt_numbers_backfill()  # the desk's payments this morning, numbered in payment order
    for index, last in tokens.items():
        DoctorDay.objects.update_or_create(doctor=clinic.doctors[index], date=day, defaults={"last_token": last})
    late = clinic.doctors[LATE_DOCTOR]
    delay_set_at = _at(day, time(10, 6))
    told = [
        row.pk
        for row in made
        if row.doctor_id == late.pk and row.status == S.CONFIRMED and row.starts_at > delay_set_at
    ]
    DoctorDay.objects.update_or_create(
        doctor=late,
        date=day,
        defaults={
            "delay_minutes": LATE_MINUTES,
            "delay_note": LATE_NOTE,
            "delay_updated_at": delay_set_at,
            "delay_updated_by": clinic.receptionist,
        },
    )
    # Those later in the morning were told by SMS when the delay was set (no SMS is sent by the seed).
    Appointment.objects.filter(pk__in=told).update(delay_notified_minutes=LATE_MINUTES)
    return DemoMorning(
        day=day,
        appointments=len(made),
        checked_in=sum(1 for row in made if row.checked_in_at),
        in_consultation=sum(1 for row in made if row.status == S.IN_PROGRESS),
        walk_ins=sum(1 for row in made if row.kind == AppointmentKind.WALK_IN),
        late_doctor=late,
        late_minutes=LATE_MINUTES,
    )
