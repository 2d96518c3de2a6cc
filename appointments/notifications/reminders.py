"""Reminders before a confirmed appointment, sent exactly once per appointment start time."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from appointments.models import Appointment, AppointmentReminder, AppointmentStatus
from appointments.notifications.messages import notify_reminder

# Bounds one run; a backlog larger than this is finished by the next run.
BATCH_SIZE = 500


def reminders_due(*, now=None):
    """Confirmed appointments starting within REMINDER_HOURS_BEFORE that were not reminded of that start time.

    Only confirmed ones: a pending request is not yet a promise (it expires at its start if nobody
    confirms it), and reminding of it would mislead.
    """
    now = now or timezone.now()
    already = AppointmentReminder.objects.filter(appointment=OuterRef("pk"), starts_at=OuterRef("starts_at"))
    return Appointment.objects.filter(
        status=AppointmentStatus.CONFIRMED,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(hours=settings.REMINDER_HOURS_BEFORE),
    ).filter(~Exists(already))


def reminders_send_due(*, now=None) -> int:
    """Send every due reminder; returns how many this run sent. Safe to run twice, or twice at once.

    Each reminder is claimed by inserting its AppointmentReminder row in the same transaction as the
    feed entry and the SMS log row: a concurrent run blocks on the unique key, then fails with
    IntegrityError and skips it, so the database, not a prior read, guarantees exactly once.
    """
    sent = 0
    due_ids = list(reminders_due(now=now).order_by("starts_at").values_list("id", flat=True)[:BATCH_SIZE])
    for appointment_id in due_ids:
        try:
            with transaction.atomic():
                # Re-read under lock: it may have been cancelled or moved since the query above.
                appointment = (
                    Appointment.objects.select_for_update(of=("self",))
                    .select_related("patient", "doctor")
                    .filter(pk=appointment_id, status=AppointmentStatus.CONFIRMED)
                    .first()
                )
                if appointment is None:
                    continue
                AppointmentReminder.objects.create(appointment=appointment, starts_at=appointment.starts_at)
                notify_reminder(appointment=appointment)
        except IntegrityError:
            continue
        sent += 1
    return sent
