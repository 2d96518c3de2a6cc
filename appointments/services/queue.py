"""The day's queue (SPEC.md §12): check-in with tokens, and the doctor's running-late delay.

A doctor's day is one `DoctorDay` row; it is the lock of that day. Every write here takes it
first (`doctor_day_lock`), then the appointment rows: one lock order, so check-ins, walk-ins
and delay changes of the same doctor never deadlock, and two receptionists checking in at the
same instant get different tokens. Tokens are 1, 2, 3… per doctor per day in check-in order,
never reused (a cancelled walk-in's token stays spent).
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from appointments.models import Appointment, AppointmentStatus, AppointmentStatusChange, DoctorDay
from appointments.notifications import notify_running_late
from appointments.services.lifecycle.transitions import locked, save
from arthomed.core.errors import DoctorNotFound, InvalidStatusTransition, PermissionDenied, ValidationFailed
from arthomed.core.roles import STAFF_ROLES, Role

# A new delay is told to a patient only when it differs this much from the one they were last told.
DELAY_NOTIFY_STEP_MINUTES = 15
DELAY_MAX_MINUTES = 240


def doctor_day_lock(*, doctor_id, day: dt.date) -> DoctorDay:
    """The doctor's `DoctorDay` row of `day`, created when missing, locked until the transaction ends."""
    DoctorDay.objects.get_or_create(doctor_id=doctor_id, date=day)
    return DoctorDay.objects.select_for_update().get(doctor_id=doctor_id, date=day)


def doctor_day_token_issue(day: DoctorDay) -> int:
    """The next token of a locked `DoctorDay` (saved at once; never handed out again)."""
    day.last_token += 1
    day.save(update_fields=["last_token"])
    return day.last_token


def check_in_record(*, appointment: Appointment, day: DoctorDay, actor: User | None, now: dt.datetime) -> Appointment:
    """Give a locked appointment its token and check-in time, with a line in its status history.

    The status stays as it is (confirmed); the history line `confirmed -> confirmed` with the note
    "checked in, token N" is how the check-in shows in `statusHistory`.
    """
    appointment.token_number = doctor_day_token_issue(day)
    appointment.checked_in_at = now
    save(appointment, "token_number", "checked_in_at")
    AppointmentStatusChange.objects.create(
        appointment=appointment,
        from_status=appointment.status,
        to_status=appointment.status,
        changed_by=actor,
        changed_at=now,
        note=f"checked in, token {appointment.token_number}",
    )
    return appointment


def check_in_refusal(*, appointment: Appointment, now: dt.datetime) -> dict | None:
    """Why `appointment` cannot be checked in at `now` (`error.details`), or None when it can."""
    if appointment.status != AppointmentStatus.CONFIRMED:
        return {"reason": "not-confirmed", "status": appointment.status}
    if appointment.checked_in_at is not None:
        return {"reason": "already-checked-in", "tokenNumber": appointment.token_number}
    if appointment.appointment_date != timezone.localdate(now):
        return {"reason": "not-today", "date": f"{appointment.appointment_date:%Y-%m-%d}"}
    opens_at = appointment.starts_at - dt.timedelta(minutes=settings.CHECK_IN_OPENS_MINUTES)
    if now < opens_at:
        return {"reason": "too-early", "opensAt": f"{timezone.localtime(opens_at):%H:%M}"}
    return None


@transaction.atomic
def appointment_check_in(*, actor: User, appointment: Appointment, now: dt.datetime | None = None) -> Appointment:
    """Check a patient in at the desk (receptionist, admin): a confirmed appointment of today, from
    CHECK_IN_OPENS_MINUTES before its start. Sets `checked_in_at` and the doctor's next token; the
    status stays `confirmed`. Twice, not confirmed, not today or too early: 409 INVALID_STATUS_TRANSITION
    with `details.reason` (already-checked-in, not-confirmed, not-today, too-early)."""
    if actor.role not in STAFF_ROLES:
        raise PermissionDenied(details={"action": "check-in"})
    now = now or timezone.now()
    # The day first, then the appointment: the one lock order of this module.
    day = doctor_day_lock(doctor_id=appointment.doctor_id, day=appointment.appointment_date)
    appointment = locked(appointment)
    refusal = check_in_refusal(appointment=appointment, now=now)
    if refusal is not None:
        raise InvalidStatusTransition(details=refusal)
    return check_in_record(appointment=appointment, day=day, actor=actor, now=now)


def _delay_audience(*, doctor: User, day: dt.date, now: dt.datetime):
    """Confirmed (not yet started) appointments of the doctor later that day: whom a delay concerns."""
    return Appointment.objects.filter(
        doctor=doctor, appointment_date=day, status=AppointmentStatus.CONFIRMED, starts_at__gt=now
    ).select_related("patient", "family_member", "doctor")


@transaction.atomic
def doctor_delay_set(
    *, actor: User, doctor: User, minutes: int, note: str = "", now: dt.datetime | None = None
) -> DoctorDay:
    """Set today's running-late delay of `doctor` (0 clears it): the doctor themself, receptionists, admins.

    Patients with confirmed appointments of that doctor starting later today get one SMS and feed
    entry when the new delay differs by at least DELAY_NOTIFY_STEP_MINUTES from the one they were last
    told (`Appointment.delay_notified_minutes`, 0 at first): 20 after 0 tells them, 25 after 20 does
    not, 0 after 20 tells them it is cleared. The SMS says the minutes, never the staff's `note`.
    Messages go out after commit. The returned row carries
    `notified_count` (how many were told this time).
    """
    if actor.role == Role.DOCTOR:
        if actor.pk != doctor.pk:
            raise DoctorNotFound()
    elif actor.role not in STAFF_ROLES:
        raise PermissionDenied(details={"action": "delay"})
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= DELAY_MAX_MINUTES:
        raise ValidationFailed(
            errors=[{"field": "minutes", "message": f"Between 0 and {DELAY_MAX_MINUTES}", "value": minutes}]
        )
    now = now or timezone.now()
    today = timezone.localdate(now)
    day = doctor_day_lock(doctor_id=doctor.pk, day=today)
    day.delay_minutes = minutes
    day.delay_note = note[:200]
    day.delay_updated_at = now
    day.delay_updated_by = actor
    day.save(update_fields=["delay_minutes", "delay_note", "delay_updated_at", "delay_updated_by"])

    told = [
        appointment
        for appointment in _delay_audience(doctor=doctor, day=today, now=now)
        if abs(minutes - appointment.delay_notified_minutes) >= DELAY_NOTIFY_STEP_MINUTES
    ]
    if told:
        Appointment.objects.filter(pk__in=[appointment.pk for appointment in told]).update(
            delay_notified_minutes=minutes, updated_at=now
        )
    for appointment in told:
        appointment.delay_notified_minutes = minutes
        transaction.on_commit(
            lambda appointment=appointment: notify_running_late(appointment=appointment, minutes=minutes),
            robust=True,
        )
    day.notified_count = len(told)
    return day
