"""Writes of doctors' leave. Who may: the doctor themself, receptionists, admins (SPEC.md §2)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import DoctorLeave, User
from arthomed.core.errors import PermissionDenied, ValidationFailed
from arthomed.core.roles import Role


def doctor_leave_check_access(*, actor: User, doctor: User) -> None:
    """Staff manage any doctor's leave; a doctor only their own; nobody else."""
    if actor.role in (Role.ADMIN, Role.RECEPTIONIST):
        return
    if actor.role == Role.DOCTOR and actor.pk == doctor.pk:
        return
    raise PermissionDenied("You may not manage this doctor's leave")


@transaction.atomic
def doctor_leave_create(
    *,
    actor: User,
    doctor: User,
    date: dt.date,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    reason: str,
    note: str = "",
) -> DoctorLeave:
    """Block a whole day (no times) or a time range. Existing bookings inside it are kept, not cancelled."""
    doctor_leave_check_access(actor=actor, doctor=doctor)
    errors = []
    if date < timezone.localdate():
        errors.append({"field": "date", "message": "Leave cannot start in the past", "value": date.isoformat()})
    if (start_time is None) != (end_time is None):
        errors.append({"field": "endTime", "message": "Give both startTime and endTime, or neither for a whole day"})
    elif start_time is not None and start_time >= end_time:
        errors.append({"field": "endTime", "message": "endTime must be after startTime"})
    if errors:
        raise ValidationFailed(errors=errors)
    return DoctorLeave.objects.create(
        doctor=doctor,
        date=date,
        start_time=start_time,
        end_time=end_time,
        reason=reason,
        note=note,
        created_by=actor,
    )


@transaction.atomic
def doctor_leave_delete(*, actor: User, leave: DoctorLeave) -> None:
    doctor_leave_check_access(actor=actor, doctor=leave.doctor)
    leave.delete()
