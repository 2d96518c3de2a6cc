"""Reads of doctors' leave (blocked time)."""

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import DoctorLeave, User
from accounts.selectors.people import parse_uuid
from arthomed.core.errors import NotFound


def doctor_leaves_upcoming(*, doctor: User) -> QuerySet[DoctorLeave]:
    """The doctor's leave from today (clinic time) on, soonest first."""
    return DoctorLeave.objects.filter(doctor=doctor, date__gte=timezone.localdate()).order_by("date", "start_time")


def doctor_leave_get(*, doctor: User, leave_id: object) -> DoctorLeave:
    """One leave of this doctor, or NOT_FOUND (also for another doctor's leave and malformed ids)."""
    pk = parse_uuid(leave_id)
    leave = DoctorLeave.objects.filter(doctor=doctor, pk=pk).first() if pk else None
    if leave is None:
        raise NotFound("Leave not found")
    return leave


def doctors_away_all_day(*, day) -> set:
    """Ids of the doctors on whole-day leave on `day` (the front desk's board and the waiting room)."""
    return set(DoctorLeave.objects.filter(date=day, start_time__isnull=True).values_list("doctor_id", flat=True))
