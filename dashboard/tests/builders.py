"""Hand-built appointment rows for dashboard tests, at clinic-local wall times.

Rows are inserted directly (no booking rules) because dashboards must be checked
against states the booking service never produces at once: paid last year, refunded
today, completed an hour ago.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from appointments.models import Appointment, AppointmentStatus


def ist(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware datetime at a clinic-local wall time (Asia/Kolkata, +05:30)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(settings.TIME_ZONE))


def make_appointment(
    *, patient, doctor, starts_at: dt.datetime, status: str = AppointmentStatus.CONFIRMED, duration: int = 30, **fields
) -> Appointment:
    local_start = starts_at.astimezone(ZoneInfo(settings.TIME_ZONE))
    local_end = local_start + dt.timedelta(minutes=duration)
    fields.setdefault("fee", Decimal("500.00"))
    return Appointment.objects.create(
        patient=patient,
        doctor=doctor,
        starts_at=local_start,
        ends_at=local_end,
        appointment_date=local_start.date(),
        appointment_time=local_start.time(),
        end_time=local_end.time(),
        duration=duration,
        status=status,
        **fields,
    )
