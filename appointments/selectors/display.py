"""The waiting-room display (SPEC.md §12): per doctor working today, the token in consultation and
the next three in queue order, with first names only (no surnames, mobile numbers or purposes), and
the doctor's running-late delay.

A fixed number of queries whatever the size of the day: the doctors with their week, the day's
leave and delays, and the day's in-progress and waiting appointments.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from accounts.selectors.family import appointment_person
from accounts.selectors.leaves import doctors_away_all_day
from accounts.selectors.people import active_doctors
from appointments.models import Appointment, AppointmentStatus, DoctorDay
from appointments.selectors.queue import QUEUE_ORDER
from appointments.selectors.slots import working_blocks

NEXT_SHOWN = 3


@dataclass(frozen=True)
class DisplayEntry:
    token_number: int | None
    first_name: str


@dataclass(frozen=True)
class DisplayDoctor:
    name: str
    specialization: str
    in_consultation: list[DisplayEntry]
    next_up: list[DisplayEntry]
    delay_minutes: int = 0  # the running-late delay, so the room knows as the SMS told the patients


def first_name(name: str) -> str:
    """The first word of a person's name: all a waiting room may read."""
    parts = (name or "").split()
    return parts[0] if parts else ""


def _entry(appointment: Appointment) -> DisplayEntry:
    return DisplayEntry(
        token_number=appointment.token_number, first_name=first_name(appointment_person(appointment).name)
    )


def _working_today(day: dt.date) -> list:
    away = doctors_away_all_day(day=day)
    doctors = active_doctors().order_by("name", "id")
    return [doctor for doctor in doctors if doctor.pk not in away and working_blocks(doctor.schedule_blocks.all(), day)]


def waiting_room_board(*, now: dt.datetime | None = None) -> list[DisplayDoctor]:
    """Every doctor working today (by name) with who is in consultation and the next three waiting."""
    day = timezone.localdate(now or timezone.now())
    doctors = _working_today(day)
    today = Appointment.objects.filter(
        doctor__in=[doctor.pk for doctor in doctors], appointment_date=day
    ).select_related("patient", "family_member")
    seen: dict = {}
    for appointment in today.filter(status=AppointmentStatus.IN_PROGRESS).order_by(
        F("token_number").asc(nulls_last=True), "appointment_time"
    ):
        seen.setdefault(appointment.doctor_id, []).append(_entry(appointment))
    waiting: dict = {}
    queue = today.filter(status=AppointmentStatus.CONFIRMED, checked_in_at__isnull=False).order_by(*QUEUE_ORDER)
    for appointment in queue:
        waiting.setdefault(appointment.doctor_id, []).append(_entry(appointment))
    delays = dict(
        DoctorDay.objects.filter(doctor__in=[doctor.pk for doctor in doctors], date=day).values_list(
            "doctor_id", "delay_minutes"
        )
    )
    return [
        DisplayDoctor(
            name=doctor.name,
            specialization=doctor.doctor_profile.specialization,
            in_consultation=seen.get(doctor.pk, []),
            next_up=waiting.get(doctor.pk, [])[:NEXT_SHOWN],
            delay_minutes=delays.get(doctor.pk, 0),
        )
        for doctor in doctors
    ]
