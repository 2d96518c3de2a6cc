"""Reminders before a confirmed appointment, sent exactly once per appointment start time, and before a
completed visit's follow-up date, sent exactly once per follow-up date (SPEC.md §11)."""

from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from appointments.models import Appointment, AppointmentReminder, AppointmentStatus, FollowUpReminder
from appointments.notifications.messages import notify_follow_up_reminder, notify_reminder
from appointments.selectors.follow_ups import follow_ups_open

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


def _claim_and_send(appointment_ids: Iterable, *, still_due: Q, claim_and_notify: Callable) -> int:
    """Send each due message once; returns how many this run sent. Safe to run twice, or twice at once.

    Each message is claimed by inserting its claim row (unique per appointment and date) in the same
    transaction as the feed entry and the SMS log row: a concurrent run blocks on the unique key, then
    fails with IntegrityError and skips it, so the database, not a prior read, guarantees exactly once.
    """
    sent = 0
    for appointment_id in appointment_ids:
        try:
            with transaction.atomic():
                # Re-read under lock: it may have been cancelled, moved or re-dated since the query above.
                appointment = (
                    Appointment.objects.select_for_update(of=("self",))
                    .select_related("patient", "doctor", "family_member")
                    .filter(still_due, pk=appointment_id)
                    .first()
                )
                if appointment is None:
                    continue
                claim_and_notify(appointment)
        except IntegrityError:
            continue
        sent += 1
    return sent


def _remind(appointment: Appointment) -> None:
    AppointmentReminder.objects.create(appointment=appointment, starts_at=appointment.starts_at)
    notify_reminder(appointment=appointment)


def reminders_send_due(*, now=None) -> int:
    """Send every due appointment reminder; returns how many this run sent."""
    due_ids = list(reminders_due(now=now).order_by("starts_at").values_list("id", flat=True)[:BATCH_SIZE])
    return _claim_and_send(due_ids, still_due=Q(status=AppointmentStatus.CONFIRMED), claim_and_notify=_remind)


def follow_up_reminders_due(*, now=None):
    """Follow-ups not yet booked, dated from today to FOLLOW_UP_REMINDER_DAYS ahead, not announced for that date.

    A follow-up set closer than that (or a job that did not run for a while) is announced at the next
    run, as long as its date has not passed.
    """
    today = timezone.localdate(now or timezone.now())
    horizon = today + timedelta(days=settings.FOLLOW_UP_REMINDER_DAYS)
    already = FollowUpReminder.objects.filter(appointment=OuterRef("pk"), follow_up_date=OuterRef("follow_up_date"))
    return follow_ups_open().filter(follow_up_date__gte=today, follow_up_date__lte=horizon).filter(~Exists(already))


def _remind_follow_up(appointment: Appointment) -> None:
    FollowUpReminder.objects.create(appointment=appointment, follow_up_date=appointment.follow_up_date)
    notify_follow_up_reminder(appointment=appointment)


def follow_up_reminders_send_due(*, now=None) -> int:
    """Send every due follow-up reminder (to the account holder, naming the member); returns how many."""
    due = follow_up_reminders_due(now=now).order_by("follow_up_date", "id")
    due_ids = list(due.values_list("id", flat=True)[:BATCH_SIZE])
    still_due = Q(status=AppointmentStatus.COMPLETED, follow_up_date__isnull=False)
    return _claim_and_send(due_ids, still_due=still_due, claim_and_notify=_remind_follow_up)
