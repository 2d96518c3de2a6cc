"""Booking and rescheduling (SPEC.md §5), staff bookings and walk-ins (§10): a real free slot, no double
booking, ever.

The database is the guard against double booking, never a prior read alone. On
PostgreSQL, exclusion constraints (migration 0002) refuse any overlapping active
appointment of one doctor or one patient; the insert runs in a savepoint and a
violation becomes SLOT_UNAVAILABLE. On SQLite the transaction is IMMEDIATE (settings),
so it holds the write lock from BEGIN while it checks and writes.

Staff (receptionists, admins) book any slot not yet started: BOOKING_MIN_NOTICE_MINUTES is for
patients. A walk-in (`kind="walk-in"`, staff only, today, no time) gets the doctor's next free slot
today as an ordinary scheduled booking or, when no slot is left, an extra walk-in place that takes
no slot; either way the person is at the desk, so the visit is confirmed and checked in at once
with a token. Walk-in places are capped at WALK_INS_PER_DOCTOR_PER_DAY per doctor and day, counted
under the doctor's day lock (services.queue), so concurrent walk-ins cannot exceed it.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors.family import Person, appointment_person
from accounts.selectors.people import doctor_get
from appointments.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    AppointmentStatusChange,
)
from appointments.notifications import notify_booking_received, notify_rescheduled
from appointments.selectors.appointments import person_appointments
from appointments.selectors.slots import (
    Slot,
    SlotRefusal,
    bookable_slot_get,
    clinic_datetime,
    doctor_day_slots,
    doctor_walk_in_refusal,
    slot_unavailable,
)
from appointments.services.lifecycle import patient_notice_check
from appointments.services.people import booking_person_resolve
from appointments.services.queue import check_in_record, doctor_day_lock
from arthomed.core.errors import (
    AppointmentCancelled,
    AppointmentNotFound,
    BookingLimitReached,
    InvalidStatusTransition,
    PermissionDenied,
    SlotUnavailable,
    ValidationFailed,
)
from arthomed.core.roles import Role
from files.models import FileKind
from files.services import files_rollback_guard, files_store_many

STAFF = (Role.ADMIN, Role.RECEPTIONIST)
# A walk-in place is never cancelled or rejected while it counts against the day's cap.
WALK_IN_COUNTED_STATUSES = (*ACTIVE_STATUSES, AppointmentStatus.NO_SHOW)
RESCHEDULABLE = (AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED)
# PostgreSQL's SQLSTATE for exclusion_violation: an overlapping active appointment exists.
EXCLUSION_VIOLATION = "23P01"
PATIENT_OVERLAP_CONSTRAINT = "appt_no_patient_overlap"  # migration 0002


def _is_overlap_violation(exc: IntegrityError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) == EXCLUSION_VIOLATION


def _lost_race(exc: IntegrityError) -> SlotUnavailable:
    """The 409 of an insert refused by an exclusion constraint: the doctor's slot, or the patient's time."""
    constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", "") or ""
    reason = SlotRefusal.PATIENT_OVERLAP if constraint == PATIENT_OVERLAP_CONSTRAINT else SlotRefusal.TAKEN
    return slot_unavailable(reason)


def _check_person_free(*, person: Person, slot: Slot, exclude_id=None) -> None:
    """One person is never in two places: the holder's and each member's visits are counted apart."""
    overlapping = person_appointments(person).filter(
        status__in=ACTIVE_STATUSES, starts_at__lt=slot.ends_at, ends_at__gt=slot.starts_at
    )
    if exclude_id is not None:
        overlapping = overlapping.exclude(pk=exclude_id)
    if overlapping.exists():
        raise slot_unavailable(SlotRefusal.PATIENT_OVERLAP)


def _upcoming(appointments, *, now: datetime) -> int:
    return appointments.filter(
        status__in=(AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED), starts_at__gt=now
    ).count()


def _check_booking_caps(*, person: Person, now: datetime) -> None:
    """MAX_ACTIVE_BOOKINGS_PER_PATIENT per person, MAX_ACTIVE_BOOKINGS_PER_ACCOUNT for the whole account.

    Called under the account's row lock, so concurrent bookings of one family count each other.
    """
    if _upcoming(person_appointments(person), now=now) >= settings.MAX_ACTIVE_BOOKINGS_PER_PATIENT:
        raise BookingLimitReached(details={"limit": settings.MAX_ACTIVE_BOOKINGS_PER_PATIENT, "scope": "person"})
    account_held = _upcoming(Appointment.objects.filter(patient=person.account), now=now)
    if account_held >= settings.MAX_ACTIVE_BOOKINGS_PER_ACCOUNT:
        raise BookingLimitReached(details={"limit": settings.MAX_ACTIVE_BOOKINGS_PER_ACCOUNT, "scope": "account"})


def _place(slot: Slot, doctor: User) -> dict:
    return {
        "appointment_date": slot.starts_at.date(),
        "appointment_time": slot.start,
        "end_time": slot.end,
        "duration": doctor.doctor_profile.slot_duration,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
    }


def _check_time_given(*, walk_in: bool, appointment_time: time | None) -> None:
    """A scheduled booking names its slot; a walk-in is placed by the clinic and names none."""
    if walk_in and appointment_time is not None:
        message = "A walk-in takes no time: it is placed in the doctor's day now"
        raise ValidationFailed(errors=[{"field": "appointmentTime", "message": message}])
    if not walk_in and appointment_time is None:
        raise ValidationFailed(errors=[{"field": "appointmentTime", "message": "This field is required."}])


def _walk_in_slot(*, doctor: User, start_at: datetime) -> Slot:
    """An extra walk-in place: from the current minute, one slot length long, holding no slot."""
    local = timezone.localtime(start_at).replace(second=0, microsecond=0)
    starts_at = clinic_datetime(local.date(), local.time())
    ends_at = starts_at + timedelta(minutes=doctor.doctor_profile.slot_duration)
    return Slot(
        doctor_id=doctor.pk,
        start=starts_at.time(),
        end=timezone.localtime(ends_at).time(),
        starts_at=starts_at,
        ends_at=ends_at,
        is_booked=False,
        is_open=True,
    )


def _walk_in_place(*, doctor: User, appointment_date: date, now: datetime) -> tuple:
    """(the doctor's locked day, the walk-in's slot, its kind): the next free slot today, a scheduled
    booking; else an extra walk-in place, within WALK_INS_PER_DOCTOR_PER_DAY (counted under the lock)."""
    today = timezone.localdate(now)
    if appointment_date != today:
        error = {"field": "appointmentDate", "message": "A walk-in is for today", "value": f"{appointment_date}"}
        raise ValidationFailed(errors=[error])
    refusal = doctor_walk_in_refusal(doctor=doctor, day=today, now=now)
    if refusal is not None:
        raise slot_unavailable(refusal)
    day = doctor_day_lock(doctor_id=doctor.pk, day=today)
    free = doctor_day_slots(doctor=doctor, day=today, now=now, min_notice=False).available
    if free:
        return day, free[0], AppointmentKind.SCHEDULED
    places = Appointment.objects.filter(
        doctor=doctor, appointment_date=today, kind=AppointmentKind.WALK_IN, status__in=WALK_IN_COUNTED_STATUSES
    ).count()
    if places >= settings.WALK_INS_PER_DOCTOR_PER_DAY:
        raise BookingLimitReached(details={"limit": settings.WALK_INS_PER_DOCTOR_PER_DAY, "scope": "walk-ins"})
    return day, _walk_in_slot(doctor=doctor, start_at=now), AppointmentKind.WALK_IN


# The guard is outside the transaction: if the booking fails, even at commit, stored images are deleted.
@files_rollback_guard()
@transaction.atomic
def appointment_book(
    *,
    actor: User,
    doctor_id,
    appointment_date: date,
    appointment_time: time | None = None,
    purpose_of_visit: str,
    reason: str,
    symptoms: str = "",
    kind: str = AppointmentKind.SCHEDULED,
    patient_id=None,
    patient_mobile_number: str | None = None,
    patient_name: str | None = None,
    family_member_id=None,
    new_family_member: dict | None = None,
    idempotency_key: str | None = None,
    images: list | None = None,
) -> Appointment:
    """Book a slot for one person of an account (SPEC.md §11). A retry with the same Idempotency-Key
    for the same account returns the first appointment.

    `kind="walk-in"` (staff only, `appointment_date` today, no `appointment_time`): the doctor's next
    free slot today, else an extra walk-in place at the current minute (see the module's docstring);
    checked in at once. `images` (reports, X-rays) are stored with the appointment: refused together,
    or kept together.
    """
    by_staff = actor.role in STAFF
    walk_in = kind == AppointmentKind.WALK_IN
    if walk_in and not by_staff:
        raise PermissionDenied(details={"kind": kind})
    _check_time_given(walk_in=walk_in, appointment_time=appointment_time)
    person = booking_person_resolve(
        actor=actor,
        patient_id=patient_id,
        patient_mobile_number=patient_mobile_number,
        patient_name=patient_name,
        family_member_id=family_member_id,
        new_family_member=new_family_member,
    )
    patient = person.account
    if idempotency_key:
        first = Appointment.objects.filter(patient=patient, idempotency_key=idempotency_key).first()
        if first is not None:
            return first
    doctor = doctor_get(doctor_id)
    # One booking at a time per account, so both caps hold under concurrent requests too.
    User.objects.select_for_update().filter(pk=patient.pk).first()
    now = timezone.now()
    day = None
    if walk_in:
        day, slot, kind = _walk_in_place(doctor=doctor, appointment_date=appointment_date, now=now)
    else:
        slot = bookable_slot_get(
            doctor=doctor, day=appointment_date, start=appointment_time, now=now, min_notice=not by_staff
        )
    _check_booking_caps(person=person, now=now)
    _check_person_free(person=person, slot=slot)

    status = AppointmentStatus.CONFIRMED if by_staff else AppointmentStatus.PENDING
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                patient=patient,
                family_member=person.member,
                doctor=doctor,
                booked_by=actor,
                kind=kind,
                status=status,
                purpose_of_visit=purpose_of_visit,
                reason=reason,
                symptoms=symptoms,
                fee=doctor.doctor_profile.consultation_fee,
                idempotency_key=idempotency_key or None,
                confirmed_at=now if by_staff else None,
                booked_starts_at=slot.starts_at,  # the refund notice counts from here (SPEC.md §5)
                **_place(slot, doctor),
            )
    except IntegrityError as exc:
        if _is_overlap_violation(exc):
            raise _lost_race(exc) from exc
        if idempotency_key:
            first = Appointment.objects.filter(patient=patient, idempotency_key=idempotency_key).first()
            if first is not None:  # a concurrent retry with the same key won
                return first
        raise
    AppointmentStatusChange.objects.create(
        appointment=appointment, from_status="", to_status=status, changed_by=actor, changed_at=now
    )
    if day is not None:  # a walk-in is at the desk: checked in at once
        check_in_record(appointment=appointment, day=day, actor=actor, now=now)
    if images:
        files_store_many(
            uploads=images,
            kind=FileKind.APPOINTMENT_REPORT,
            owner=patient,
            uploaded_by=actor,
            appointment=appointment,
        )
    transaction.on_commit(lambda: notify_booking_received(appointment=appointment), robust=True)
    return appointment


@transaction.atomic
def appointment_reschedule(
    *, actor: User, appointment: Appointment, appointment_date: date, appointment_time: time
) -> Appointment:
    """Move an appointment to another free slot of the same doctor, atomically (the old slot frees).

    Patients move their own until CANCEL_MIN_NOTICE_HOURS before the start, and the
    appointment goes back to `pending`; staff may move it any time before it starts being seen.
    """
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    now = timezone.now()
    if actor.role == Role.PATIENT:
        if appointment.patient_id != actor.pk:
            raise AppointmentNotFound()
    elif actor.role not in STAFF:
        raise PermissionDenied(details={"action": "reschedule"})
    if appointment.status == AppointmentStatus.CANCELLED:
        raise AppointmentCancelled()
    if appointment.status not in RESCHEDULABLE:
        raise InvalidStatusTransition(details={"status": appointment.status, "action": "reschedule"})
    patient_notice_check(appointment=appointment, actor=actor, now=now)

    doctor = doctor_get(appointment.doctor_id, active_only=False)
    slot = bookable_slot_get(
        doctor=doctor,
        day=appointment_date,
        start=appointment_time,
        now=now,
        exclude_appointment_id=appointment.pk,
        min_notice=actor.role not in STAFF,
    )
    _check_person_free(person=appointment_person(appointment), slot=slot, exclude_id=appointment.pk)

    old_status, previous_starts_at = appointment.status, appointment.starts_at
    note = f"rescheduled from {appointment.appointment_date:%Y-%m-%d} {appointment.appointment_time:%H:%M}"
    if appointment.checked_in_at is not None:
        # A new time is a new visit to check in for; the old day's token stays spent, never reused.
        note += f", check-in (token {appointment.token_number}) released"
        appointment.token_number, appointment.checked_in_at = None, None
    # Moved into a slot, a walk-in place becomes an ordinary booking that holds it.
    appointment.kind = AppointmentKind.SCHEDULED
    for field, value in _place(slot, doctor).items():
        setattr(appointment, field, value)
    if actor.role == Role.PATIENT:
        appointment.status = AppointmentStatus.PENDING
        appointment.confirmed_at = None
    else:  # the clinic moved the visit: its refund notice counts from the new start
        appointment.booked_starts_at = appointment.starts_at
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as exc:
        if _is_overlap_violation(exc):
            raise _lost_race(exc) from exc
        raise
    AppointmentStatusChange.objects.create(
        appointment=appointment,
        from_status=old_status,
        to_status=appointment.status,
        changed_by=actor,
        changed_at=now,
        note=note,
    )
    transaction.on_commit(
        lambda: notify_rescheduled(appointment=appointment, previous_starts_at=previous_starts_at), robust=True
    )
    return appointment
