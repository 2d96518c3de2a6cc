"""Celery tasks: thin wrappers around services."""

from celery import shared_task

from appointments.notifications import (
    follow_up_reminders_send_due,
    outbound_messages_requeue_stale,
    reminders_send_due,
)
from appointments.services.lifecycle import appointments_expire_pending


@shared_task(name="appointments.tasks.expire_pending_appointments")
def expire_pending_appointments() -> int:
    """Reject pending bookings nobody confirmed by their start time (idempotent)."""
    return appointments_expire_pending()


@shared_task(name="appointments.tasks.send_due_reminders")
def send_due_reminders() -> int:
    """Appointment reminders and follow-up reminders: one job (SPEC.md §11); returns how many were sent."""
    return reminders_send_due() + follow_up_reminders_send_due()


@shared_task(name="appointments.tasks.requeue_stale_messages")
def requeue_stale_messages() -> int:
    return outbound_messages_requeue_stale()
