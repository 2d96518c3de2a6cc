"""The one set of test factories for the whole project: users, doctors and their week, appointments.

Every app's tests build their data here (and through the shared fixtures of the root
`conftest.py`). Users are created by the production service `user_create`, so a doctor
always has the DoctorProfile and schedule the service would give them. Appointment rows
are inserted directly on purpose: lifecycle, list and dashboard tests need rows in states
(past, cancelled, paid, refunded) the booking service would never produce at once. Their
clinic-local date/time fields and the aware `starts_at`/`ends_at` are kept consistent.
"""

import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.conf import settings
from django.utils import timezone

from accounts.models import FamilyMember, FamilyRelation, User
from accounts.services.users import user_create
from appointments.models import Appointment, AppointmentStatus, AppointmentStatusChange
from arthomed.core.roles import Role

# A Sunday and the Monday after it: booking tests travel to the Sunday and book the Monday.
SUNDAY = dt.date(2026, 3, 1)
MONDAY = dt.date(2026, 3, 2)

_mobile_numbers = itertools.count(9_000_000_001)
_slot_offsets = itertools.count()


def next_mobile() -> str:
    """A fresh, valid 10-digit mobile number per call."""
    return str(next(_mobile_numbers))


def clinic_dt(date: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware datetime at a clinic-local wall time."""
    return dt.datetime.combine(date, dt.time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))


def schedule_block(spec: str) -> dict:
    """`"monday 09:00-13:00"` -> one block of a weekly schedule, as `user_create` takes it."""
    day, hours = spec.split()
    start, end = hours.split("-")
    return {"day": day, "start_time": dt.time.fromisoformat(start), "end_time": dt.time.fromisoformat(end)}


class UserFactory(factory.django.DjangoModelFactory):
    """A patient unless `role=` says otherwise; takes any keyword of `user_create` (`email=`, `doctor_info=`)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    role = Role.PATIENT
    name = factory.LazyAttribute(lambda o: f"Test {o.role.title()}")
    mobile_number = factory.LazyFunction(next_mobile)
    is_verified = True

    @classmethod
    def _create(cls, model_class, **fields):
        return user_create(**fields)


def _doctor_info(params) -> dict:
    """`user_create`'s `doctor_info` from DoctorFactory's parameters; the service fills in what is left unset."""
    info = {"schedule": [schedule_block(spec) for spec in params.schedule]}
    fee = None if params.fee is None else Decimal(params.fee)
    for key, value in (
        ("specialization", params.specialization),
        ("consultation_fee", fee),
        ("slot_duration", params.slot_duration),
    ):
        if value is not None:
            info[key] = value
    return info


class DoctorFactory(UserFactory):
    """`DoctorFactory(name=..., specialization=..., fee=500, schedule=["monday 09:00-13:00"], slot_duration=30)`."""

    role = Role.DOCTOR

    class Params:
        specialization = None
        fee = None
        slot_duration = None
        schedule = ()

    doctor_info = factory.LazyAttribute(_doctor_info)


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    """`FamilyMemberFactory(account=holder, name="Riya", relation="child", date_of_birth=...)`."""

    class Meta:
        model = FamilyMember

    account = factory.SubFactory(UserFactory)
    name = "Riya Member"
    relation = FamilyRelation.CHILD
    date_of_birth = dt.date(2016, 5, 20)
    gender = "female"


def _default_start() -> dt.datetime:
    """A distinct future start per row (3 days ahead, 30 minutes apart) so rows never overlap."""
    clinic = ZoneInfo(settings.TIME_ZONE)
    base = (timezone.now() + dt.timedelta(days=3)).astimezone(clinic).replace(hour=9, minute=0, second=0, microsecond=0)
    return base + dt.timedelta(minutes=30 * next(_slot_offsets))


class AppointmentFactory(factory.django.DjangoModelFactory):
    """`AppointmentFactory(patient=..., doctor=..., starts_at=aware_dt, duration=30, status=..., fee=...)`.

    `starts_at` may be in any time zone; the clinic-local date and times are derived from it.
    """

    class Meta:
        model = Appointment
        skip_postgeneration_save = True

    patient = factory.SubFactory(UserFactory)
    doctor = factory.SubFactory(DoctorFactory)
    starts_at = factory.LazyFunction(_default_start)
    duration = 30
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=o.duration))
    booked_starts_at = factory.SelfAttribute("starts_at")
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
