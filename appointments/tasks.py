"""Celery tasks: thin wrappers around services."""

from celery import shared_task

from appointments.services.lifecycle import appointments_expire_pending


@shared_task(name="appointments.tasks.expire_pending_appointments")
def expire_pending_appointments() -> int:
    """Reject pending bookings nobody confirmed by their start time (idempotent)."""
    return appointments_expire_pending()
