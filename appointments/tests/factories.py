"""Appointment rows inserted directly, for tests that need appointments in a given state.

Booking rules are not applied here on purpose: lifecycle and list tests need rows in
states (past, cancelled, completed) the booking service would never produce directly.
The clinic-local date/time fields and the aware `starts_at`/`ends_at` are kept consistent.
"""

import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.conf import settings
from django.utils import timezone

from appointments.models import Appointment, AppointmentStatus, AppointmentStatusChange

_slot_offsets = itertools.count()


def _default_start() -> dt.datetime:
    """A distinct future start per row (3 days ahead, 30 minutes apart) so rows never overlap."""
    clinic = ZoneInfo(settings.TIME_ZONE)
    base = (timezone.now() + dt.timedelta(days=3)).astimezone(clinic).replace(hour=9, minute=0, second=0, microsecond=0)
    return base + dt.timedelta(minutes=30 * next(_slot_offsets))


class AppointmentFactory(factory.django.DjangoModelFactory):
    """`AppointmentFactory(patient=..., doctor=..., starts_at=aware_dt, duration=30, status=...)`."""

    class Meta:
        model = Appointment
        skip_postgeneration_save = True

    starts_at = factory.LazyFunction(_default_start)
    duration = 30
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=o.duration))
    appointment_date = factory.LazyAttribute(lambda o: o.starts_at.astimezone(ZoneInfo(settings.TIME_ZONE)).date())
    appointment_time = factory.LazyAttribute(
        lambda o: o.starts_at.astimezone(ZoneInfo(settings.TIME_ZONE)).time().replace(tzinfo=None)
    )
    end_time = factory.LazyAttribute(
        lambda o: o.ends_at.astimezone(ZoneInfo(settings.TIME_ZONE)).time().replace(tzinfo=None)
    )
    status = AppointmentStatus.PENDING
    reason = "Knee pain"
    fee = Decimal("500.00")

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        """Every row starts with the booking line of its history, as the booking service writes it."""
        if create:
            AppointmentStatusChange.objects.create(
                appointment=self, from_status="", to_status=AppointmentStatus.PENDING, changed_at=self.created_at
            )


def clinic_dt(date: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware datetime at a clinic-local wall time."""
    return dt.datetime.combine(date, dt.time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))
