"""The transition table of the appointment lifecycle (SPEC.md §5), and confirm / reject.

`TRANSITIONS` says which role may move an appointment from which status to which,
and which extra rule applies. Every service of this package that changes a status
calls `transition`, which checks the table, writes the status and one status-history line.

`actor=None` means the clinic's own system (expiry of stale bookings, account
deletion): the role and notice rules are for people, the table still applies.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from appointments.models import Appointment, AppointmentStatus, AppointmentStatusChange
from appointments.notifications import notify_confirmed, notify_rejected
from arthomed.core.errors import AppointmentCancelled, AppointmentNotFound, InvalidStatusTransition, PermissionDenied
from arthomed.core.roles import Role
from arthomed.core.scope import appointment_in_scope

S = AppointmentStatus
STAFF = frozenset({Role.ADMIN, Role.RECEPTIONIST})
CLINICIANS = frozenset({Role.ADMIN, Role.DOCTOR})


@dataclass(frozen=True)
class TransitionRule:
    roles: frozenset[str]
    # Patients must act at least CANCEL_MIN_NOTICE_HOURS before the start.
    patient_min_notice: bool = False
    # Only once the appointment's start time has passed (no-show).
    after_start: bool = False


TRANSITIONS: dict[tuple[str, str], TransitionRule] = {
    (S.PENDING, S.CONFIRMED): TransitionRule(roles=STAFF),
    (S.PENDING, S.REJECTED): TransitionRule(roles=STAFF),
    (S.PENDING, S.CANCELLED): TransitionRule(roles=STAFF | {Role.PATIENT}, patient_min_notice=True),
    (S.CONFIRMED, S.CANCELLED): TransitionRule(roles=STAFF | {Role.PATIENT}, patient_min_notice=True),
    (S.CONFIRMED, S.IN_PROGRESS): TransitionRule(roles=CLINICIANS),
    (S.CONFIRMED, S.COMPLETED): TransitionRule(roles=CLINICIANS),
    (S.IN_PROGRESS, S.COMPLETED): TransitionRule(roles=CLINICIANS),
    (S.CONFIRMED, S.NO_SHOW): TransitionRule(roles=CLINICIANS | {Role.RECEPTIONIST}, after_start=True),
}

# Roles that may ever move an appointment into each status: anyone else gets 403, whatever the state.
ROLES_BY_TARGET: dict[str, frozenset[str]] = {}
for (_source, _target), _rule in TRANSITIONS.items():
    ROLES_BY_TARGET[_target] = ROLES_BY_TARGET.get(_target, frozenset()) | _rule.roles


def patient_notice_check(*, appointment: Appointment, actor: User | None, now: dt.datetime) -> None:
    """Patients change (cancel, reschedule) their bookings only CANCEL_MIN_NOTICE_HOURS ahead; staff any time."""
    hours = settings.CANCEL_MIN_NOTICE_HOURS
    if actor is not None and actor.role == Role.PATIENT and appointment.starts_at - now < dt.timedelta(hours=hours):
        raise InvalidStatusTransition(details={"reason": "min-notice", "hours": hours})


def check_participant(*, appointment: Appointment, actor: User | None) -> None:
    """Doctors and patients act only on their own appointments; others' are "not found" (SPEC.md §2)."""
    if actor is None or appointment_in_scope(actor, appointment):
        return
    raise AppointmentNotFound()


def locked(appointment: Appointment) -> Appointment:
    """The current row, locked until the transaction ends, so two changes never interleave."""
    return Appointment.objects.select_for_update().get(pk=appointment.pk)


def transition(
    *, appointment: Appointment, actor: User | None, to_status: str, note: str = "", now: dt.datetime
) -> Appointment:
    """Check `TRANSITIONS` and move a locked appointment to `to_status`, recording the history line.

    `note` lands in `statusHistory`, which the front desk reads: never pass clinical text here.
    """
    target_roles = ROLES_BY_TARGET.get(to_status)  # None: no move leads there, a 409 below
    if actor is not None and target_roles is not None and actor.role not in target_roles:
        raise PermissionDenied(details={"to": to_status})
    check_participant(appointment=appointment, actor=actor)
    from_status = appointment.status
    rule = TRANSITIONS.get((from_status, to_status))
    if rule is None:
        if from_status == S.CANCELLED:
            raise AppointmentCancelled()
        raise InvalidStatusTransition(details={"from": from_status, "to": to_status})
    if actor is not None and actor.role not in rule.roles:
        raise PermissionDenied(details={"from": from_status, "to": to_status})
    if rule.patient_min_notice:
        patient_notice_check(appointment=appointment, actor=actor, now=now)
    if rule.after_start and now < appointment.starts_at:
        raise InvalidStatusTransition(details={"from": from_status, "to": to_status, "reason": "before-start"})

    appointment.status = to_status
    AppointmentStatusChange.objects.create(
        appointment=appointment,
        from_status=from_status,
        to_status=to_status,
        changed_by=actor,
        changed_at=now,
        note=note[:500],
    )
    return appointment


def save(appointment: Appointment, *fields: str) -> Appointment:
    appointment.save(update_fields=[*fields, "updated_at"])
    return appointment


def ensure_not_cancelled(appointment: Appointment) -> None:
    if appointment.status == S.CANCELLED:
        raise AppointmentCancelled()


@transaction.atomic
def appointment_confirm(*, appointment: Appointment, actor: User | None, note: str = "") -> Appointment:
    now = timezone.now()
    appointment = transition(appointment=locked(appointment), actor=actor, to_status=S.CONFIRMED, note=note, now=now)
    appointment.confirmed_at = now
    transaction.on_commit(lambda: notify_confirmed(appointment=appointment), robust=True)
    return save(appointment, "status", "confirmed_at")


@transaction.atomic
def appointment_reject(*, appointment: Appointment, actor: User | None, reason: str) -> Appointment:
    appointment = transition(
        appointment=locked(appointment), actor=actor, to_status=S.REJECTED, note=reason, now=timezone.now()
    )
    appointment.rejection_reason = reason[:500]
    transaction.on_commit(lambda: notify_rejected(appointment=appointment), robust=True)
    return save(appointment, "status", "rejection_reason")
