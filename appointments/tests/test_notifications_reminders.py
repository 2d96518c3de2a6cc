"""Reminders: due window, confirmed only, exactly once (also under concurrent runs), command and beat."""

import datetime as dt
import threading
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from appointments import notifications
from appointments.models import AppointmentReminder, Notification, NotificationKind, OutboundMessage
from appointments.tests.factories import AppointmentFactory, clinic_dt
from arthomed import sms

NOW = clinic_dt(dt.date(2030, 3, 10), 10, 0)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


def booked(patient, doctor, hours_ahead: float, status="confirmed"):
    return AppointmentFactory(
        patient=patient, doctor=doctor, status=status, starts_at=NOW + dt.timedelta(hours=hours_ahead)
    )


def run(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return notifications.reminders_send_due()


@pytest.mark.django_db
def test_due_confirmed_appointments_are_reminded_once(
    now, patient, doctor, make_user, django_capture_on_commit_callbacks
):
    other_patient = make_user(name="Omar Other")
    due = booked(patient, doctor, 23.5)
    edge = booked(other_patient, doctor, settings.REMINDER_HOURS_BEFORE)  # exactly 24 h: due
    booked(patient, doctor, 24.5)  # too early still
    booked(patient, doctor, -1)  # already started
    booked(patient, doctor, 3, status="pending")  # not yet a promise
    booked(patient, doctor, 4, status="cancelled")

    assert run(django_capture_on_commit_callbacks) == 2
    assert run(django_capture_on_commit_callbacks) == 0

    reminders = OutboundMessage.objects.filter(kind=NotificationKind.REMINDER)
    assert sorted(m.appointment_id for m in reminders) == sorted([due.id, edge.id])
    assert Notification.objects.filter(kind=NotificationKind.REMINDER).count() == 2
    assert len(sms.outbox) == 2
    assert all(m.body.startswith("Reminder:") for m in sms.outbox)


@pytest.mark.django_db
def test_reminder_hours_are_configurable(now, settings, patient, doctor, django_capture_on_commit_callbacks):
    settings.REMINDER_HOURS_BEFORE = 2
    booked(patient, doctor, 3)
    soon = booked(patient, doctor, 1.5)
    assert run(django_capture_on_commit_callbacks) == 1
    assert OutboundMessage.objects.get().appointment_id == soon.id


@pytest.mark.django_db
def test_the_database_refuses_a_second_reminder_for_the_same_start(now, patient, doctor):
    from django.db import IntegrityError, transaction

    appointment = booked(patient, doctor, 5)
    AppointmentReminder.objects.create(appointment=appointment, starts_at=appointment.starts_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentReminder.objects.create(appointment=appointment, starts_at=appointment.starts_at)


@pytest.mark.django_db
def test_a_rescheduled_appointment_is_reminded_of_its_new_time(
    now, patient, doctor, django_capture_on_commit_callbacks
):
    appointment = booked(patient, doctor, 5)
    assert run(django_capture_on_commit_callbacks) == 1
    new_start = appointment.starts_at + dt.timedelta(hours=2)
    appointment.starts_at = new_start
    appointment.ends_at = new_start + dt.timedelta(minutes=30)
    appointment.save(update_fields=["starts_at", "ends_at"])
    assert run(django_capture_on_commit_callbacks) == 1
    assert run(django_capture_on_commit_callbacks) == 0
    assert AppointmentReminder.objects.filter(appointment=appointment).count() == 2


@pytest.mark.django_db
def test_a_failing_provider_does_not_lose_or_repeat_the_reminder(
    now, monkeypatch, patient, doctor, django_capture_on_commit_callbacks
):
    booked(patient, doctor, 5)
    monkeypatch.setattr(sms.LocmemBackend, "send", lambda self, message: 1 / 0)
    assert run(django_capture_on_commit_callbacks) == 1
    assert run(django_capture_on_commit_callbacks) == 0
    message = OutboundMessage.objects.get()
    assert message.status == "failed"  # visible to admins, retried from there
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_management_command_sends_due_reminders_and_is_idempotent(
    now, patient, doctor, django_capture_on_commit_callbacks
):
    booked(patient, doctor, 5)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)
        call_command("send_reminders", stdout=out)
    assert out.getvalue().splitlines() == [
        "Sent 1 reminder(s) and 0 follow-up reminder(s).",
        "Sent 0 reminder(s) and 0 follow-up reminder(s).",
    ]
    assert len(sms.outbox) == 1


def test_the_same_job_runs_on_beat():
    from arthomed.celery import app

    entries = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    entry = entries["appointments.tasks.send_due_reminders"]
    assert entry["schedule"] <= 15 * 60
    app.loader.import_default_modules()
    assert "appointments.tasks.send_due_reminders" in app.tasks
    assert "appointments.notification_tasks.send_outbound_message" in app.tasks


@pytest.mark.django_db
def test_beat_task_sends_due_reminders(now, patient, doctor, django_capture_on_commit_callbacks):
    from appointments.tasks import send_due_reminders

    booked(patient, doctor, 5)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders.delay().get() == 1
    assert len(sms.outbox) == 1


def run_at_once(send, runs: int = 2) -> tuple[list, list]:
    """`send()` in `runs` threads released together (each its own connection): their results and errors."""
    barrier = threading.Barrier(runs)
    results, errors = [], []

    def job():
        try:
            barrier.wait(timeout=10)
            results.append(send())
        except Exception as exc:  # noqa: BLE001 - reported to the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=job) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_send_each_reminder_exactly_once(now, patient, doctor, make_user):
    appointments = [booked(make_user(name=f"Patient {i}"), doctor, 2 + i * 0.5) for i in range(6)]
    results, errors = run_at_once(lambda: notifications.reminders_send_due(now=NOW))

    assert errors == []
    assert sum(results) == len(appointments)
    assert AppointmentReminder.objects.count() == len(appointments)
    assert OutboundMessage.objects.filter(kind=NotificationKind.REMINDER).count() == len(appointments)
    assert Notification.objects.filter(kind=NotificationKind.REMINDER).count() == len(appointments)
    assert len(sms.outbox) == len(appointments)
