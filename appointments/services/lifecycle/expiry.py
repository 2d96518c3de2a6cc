"""What the clinic's own system does to appointments: expire stale pending bookings, and cancel
the future ones of a deleted account (SPEC.md §4-5)."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from appointments.models import Appointment
from appointments.notifications import notify_expired
from appointments.services.lifecycle.payments import appointment_cancel
from appointments.services.lifecycle.transitions import S, save, transition


def appointments_expire_pending(*, now: dt.datetime | None = None) -> int:
    """Reject, with reason "expired", pending bookings nobody confirmed by their start time. Returns how many."""
    now = now or timezone.now()
    stale = list(
        Appointment.objects.filter(status=S.PENDING, starts_at__lte=now)
        .order_by("starts_at")
        .values_list("pk", flat=True)
    )
    expired = 0
    for pk in stale:
        with transaction.atomic():
            appointment = Appointment.objects.select_for_update().filter(pk=pk, status=S.PENDING).first()
            if appointment is None:  # confirmed or cancelled meanwhile
                continue
            transition(appointment=appointment, actor=None, to_status=S.REJECTED, note="expired", now=now)
            appointment.rejection_reason = "expired"
            save(appointment, "status", "rejection_reason")
            transaction.on_commit(lambda appointment=appointment: notify_expired(appointment=appointment), robust=True)
            expired += 1
    return expired


def appointments_cancel_for_deleted_account(*, user: User, now: dt.datetime | None = None) -> int:
    """Cancel the future pending/confirmed appointments of a user whose account is being deleted."""
    now = now or timezone.now()
    upcoming = list(
        Appointment.objects.filter(
            Q(patient=user) | Q(doctor=user), status__in=(S.PENDING, S.CONFIRMED), starts_at__gt=now
        )
    )
    for appointment in upcoming:
        appointment_cancel(appointment=appointment, actor=None, reason="account deleted", cancelled_by=user)
    return len(upcoming)
