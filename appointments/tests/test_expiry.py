"""Pending bookings expire at their start time (SPEC.md §5): service, Celery task, command, beat entry."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from appointments.models import AppointmentStatus as S
from appointments.services.lifecycle import appointments_expire_pending
from appointments.tasks import expire_pending_appointments
from appointments.tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


def test_pending_bookings_expire_at_their_start(patient, doctor):
    starts = timezone.now() + dt.timedelta(hours=2)
    appointment = AppointmentFactory(patient=patient, doctor=doctor, starts_at=starts)
    confirmed = AppointmentFactory(
        patient=patient, doctor=doctor, starts_at=starts - dt.timedelta(hours=1), status=S.CONFIRMED
    )
    later = AppointmentFactory(patient=patient, doctor=doctor, starts_at=starts + dt.timedelta(hours=1))

    assert appointments_expire_pending(now=starts - dt.timedelta(seconds=1)) == 0
    assert appointments_expire_pending(now=starts) == 1

    appointment.refresh_from_db()
    assert appointment.status == S.REJECTED
    assert appointment.rejection_reason == "expired"
    last = appointment.status_history.last()
    assert (last.from_status, last.to_status, last.changed_by_id, last.note) == (S.PENDING, S.REJECTED, None, "expired")
    for untouched, status in ((confirmed, S.CONFIRMED), (later, S.PENDING)):
        untouched.refresh_from_db()
        assert untouched.status == status


def test_expiry_is_idempotent(patient, doctor):
    AppointmentFactory(patient=patient, doctor=doctor, starts_at=timezone.now() - dt.timedelta(minutes=5))
    assert appointments_expire_pending() == 1
    assert appointments_expire_pending() == 0


def test_the_task_and_the_command_expire(patient, doctor):
    starts = timezone.now() + dt.timedelta(days=1)
    first = AppointmentFactory(patient=patient, doctor=doctor, starts_at=starts)
    second = AppointmentFactory(patient=patient, doctor=doctor, starts_at=starts + dt.timedelta(hours=1))
    with time_machine.travel(starts + dt.timedelta(minutes=1)):
        assert expire_pending_appointments.delay().get() == 1
    with time_machine.travel(starts + dt.timedelta(hours=2)):
        out = StringIO()
        call_command("expire_pending", stdout=out)
    assert "Expired 1 pending appointment(s)." in out.getvalue()
    for appointment in (first, second):
        appointment.refresh_from_db()
        assert appointment.status == S.REJECTED


def test_expired_booking_shows_as_rejected_through_the_api(as_user, patient, doctor):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, starts_at=timezone.now() - dt.timedelta(minutes=1))
    appointments_expire_pending()
    body = as_user(patient).get(f"/api/appointments/{appointment.pk}").json()["data"]["appointment"]
    assert body["status"] == "rejected"
    assert body["statusHistory"][-1]["note"] == "expired"


def test_beat_runs_the_expiry_task():
    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "appointments.tasks.expire_pending_appointments" in entries
