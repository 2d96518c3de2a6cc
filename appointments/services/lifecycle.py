"""The appointment lifecycle (SPEC.md §5): one transition table, and every status change through it.

`TRANSITIONS` says which role may move an appointment from which status to which,
and which extra rule applies. Every service here that changes a status calls
`_transition`, which checks the table, writes the status and one status-history line.

`actor=None` means the clinic's own system (expiry of stale bookings, account
deletion): the role and notice rules are for people, the table still applies.

Refunds: cancelling a paid appointment sets `refundStatus: "pending"` with the amount
the policy gives; staff mark it processed by recording the payment as `refunded` (the
whole amount paid) or `partially-refunded` (less), which sets `refund_processed_at`.
A refund that works out at 0 is "not-applicable", as for an unpaid appointment.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import DecimalField, F, FloatField, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import DoctorProfile, User
from appointments.models import (
    Appointment,
    AppointmentStatus,
    AppointmentStatusChange,
    PaymentStatus,
    RefundStatus,
)
from appointments.notifications import (
    notify_cancelled,
    notify_completed,
    notify_confirmed,
    notify_expired,
    notify_rejected,
)
from arthomed.core.errors import (
    AlreadyExists,
    AppointmentCancelled,
    AppointmentNotFound,
    InvalidStatusTransition,
    PermissionDenied,
    ValidationFailed,
)
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


def patient_notice_check(*, appointment: Appointment, actor: User | None, now: dt.datetime) -> None:
    """Patients change (cancel, reschedule) their bookings only CANCEL_MIN_NOTICE_HOURS ahead; staff any time."""
    hours = settings.CANCEL_MIN_NOTICE_HOURS
    if actor is not None and actor.role == Role.PATIENT and appointment.starts_at - now < dt.timedelta(hours=hours):
        raise InvalidStatusTransition(f"Appointments can only be changed at least {hours} hours before the start")


# Roles that may ever move an appointment into each status: anyone else gets 403, whatever the state.
ROLES_BY_TARGET: dict[str, frozenset[str]] = {}
for (_source, _target), _rule in TRANSITIONS.items():
    ROLES_BY_TARGET[_target] = ROLES_BY_TARGET.get(_target, frozenset()) | _rule.roles

# Where clinical details (visit summary, prescription, follow-up) may be written.
CLINICAL_STATUSES = (S.CONFIRMED, S.IN_PROGRESS, S.COMPLETED)
FULL_REFUND_HOURS = 24
CENT = Decimal("0.01")


def _check_participant(*, appointment: Appointment, actor: User | None) -> None:
    """Doctors and patients act only on their own appointments; others' are "not found" (SPEC.md §2)."""
    if actor is None or appointment_in_scope(actor, appointment):
        return
    raise AppointmentNotFound()


def _locked(appointment: Appointment) -> Appointment:
    """The current row, locked until the transaction ends, so two changes never interleave."""
    return Appointment.objects.select_for_update().get(pk=appointment.pk)


def _transition(
    *, appointment: Appointment, actor: User | None, to_status: str, note: str = "", now: dt.datetime
) -> Appointment:
    """Check `TRANSITIONS` and move a locked appointment to `to_status`, recording the history line."""
    target_roles = ROLES_BY_TARGET.get(to_status)  # None: no move leads there, a 409 below
    if actor is not None and target_roles is not None and actor.role not in target_roles:
        raise PermissionDenied(f"Your role cannot set an appointment to '{to_status}'")
    _check_participant(appointment=appointment, actor=actor)
    from_status = appointment.status
    rule = TRANSITIONS.get((from_status, to_status))
    if rule is None:
        if from_status == S.CANCELLED:
            raise AppointmentCancelled("This appointment has been cancelled")
        raise InvalidStatusTransition(
            f"An appointment cannot go from '{from_status}' to '{to_status}'",
            details={"from": from_status, "to": to_status},
        )
    if actor is not None and actor.role not in rule.roles:
        raise PermissionDenied(f"Your role cannot move an appointment from '{from_status}' to '{to_status}'")
    if rule.patient_min_notice:
        patient_notice_check(appointment=appointment, actor=actor, now=now)
    if rule.after_start and now < appointment.starts_at:
        raise InvalidStatusTransition("A no-show can only be recorded after the appointment's start time")

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


def _save(appointment: Appointment, *fields: str) -> Appointment:
    appointment.save(update_fields=[*fields, "updated_at"])
    return appointment


@transaction.atomic
def appointment_confirm(*, appointment: Appointment, actor: User | None, note: str = "") -> Appointment:
    now = timezone.now()
    appointment = _transition(appointment=_locked(appointment), actor=actor, to_status=S.CONFIRMED, note=note, now=now)
    appointment.confirmed_at = now
    transaction.on_commit(lambda: notify_confirmed(appointment=appointment), robust=True)
    return _save(appointment, "status", "confirmed_at")


@transaction.atomic
def appointment_reject(*, appointment: Appointment, actor: User | None, reason: str) -> Appointment:
    appointment = _transition(
        appointment=_locked(appointment), actor=actor, to_status=S.REJECTED, note=reason, now=timezone.now()
    )
    appointment.rejection_reason = reason[:500]
    transaction.on_commit(lambda: notify_rejected(appointment=appointment), robust=True)
    return _save(appointment, "status", "rejection_reason")


def cancellation_refund(*, appointment: Appointment, at: dt.datetime) -> tuple[Decimal, str]:
    """(refund amount, refund status) for cancelling at `at`: 100 % >= 24 h before, 50 % >= 2 h, else 0."""
    if appointment.payment_status != PaymentStatus.PAID:
        return Decimal("0.00"), RefundStatus.NOT_APPLICABLE
    paid = appointment.payment_amount if appointment.payment_amount is not None else appointment.fee
    notice = appointment.starts_at - at
    if notice >= dt.timedelta(hours=FULL_REFUND_HOURS):
        share = Decimal("1")
    elif notice >= dt.timedelta(hours=settings.CANCEL_MIN_NOTICE_HOURS):
        share = Decimal("0.5")
    else:
        share = Decimal("0")
    amount = (paid * share).quantize(CENT, rounding=ROUND_HALF_UP)
    return amount, RefundStatus.PENDING if amount > 0 else RefundStatus.NOT_APPLICABLE


@transaction.atomic
def appointment_cancel(
    *, appointment: Appointment, actor: User | None, reason: str, cancelled_by: User | None = None
) -> Appointment:
    """Cancel with the refund policy. `cancelled_by` names the person when the system acts for them."""
    now = timezone.now()
    appointment = _transition(
        appointment=_locked(appointment), actor=actor, to_status=S.CANCELLED, note=reason, now=now
    )
    appointment.refund_amount, appointment.refund_status = cancellation_refund(appointment=appointment, at=now)
    appointment.cancellation_reason = reason[:500]
    appointment.cancelled_by = actor or cancelled_by
    appointment.cancelled_at = now
    transaction.on_commit(lambda: notify_cancelled(appointment=appointment), robust=True)
    return _save(
        appointment,
        "status",
        "cancellation_reason",
        "cancelled_by",
        "cancelled_at",
        "refund_amount",
        "refund_status",
    )


def _apply_clinical(
    appointment: Appointment,
    *,
    actor: User,
    doctor_notes: str | None,
    visit_summary: dict | None,
    prescription: dict | None,
    follow_up: dict | None,
) -> list[str]:
    """Partial update of the clinical fields; returns the changed field names. Summary keys merge."""
    if actor.role not in CLINICIANS:
        raise PermissionDenied("Only the doctor or an admin can record clinical details")
    changed = []
    if doctor_notes is not None:
        appointment.doctor_notes = doctor_notes
        changed.append("doctor_notes")
    if visit_summary is not None:
        appointment.visit_summary = {**(appointment.visit_summary or {}), **visit_summary}
        changed.append("visit_summary")
    if prescription is not None:
        appointment.prescription = {**(appointment.prescription or {}), **prescription}
        changed.append("prescription")
    if follow_up is not None:
        if "date" in follow_up:
            appointment.follow_up_date = follow_up["date"]
            changed.append("follow_up_date")
        if "note" in follow_up:
            appointment.follow_up_note = follow_up["note"]
            changed.append("follow_up_note")
    return changed


@transaction.atomic
def appointment_status_update(
    *,
    appointment: Appointment,
    actor: User,
    status: str,
    notes: str | None = None,
    visit_summary: dict | None = None,
    prescription: dict | None = None,
    follow_up: dict | None = None,
) -> Appointment:
    """`PUT /status`: any move of the table, plus clinical details for the doctor and admins.

    Confirm, reject and cancel keep their own side effects (timestamps, refund), so they
    are delegated; `notes` is their reason.
    """
    if status == S.CONFIRMED:
        return appointment_confirm(appointment=appointment, actor=actor, note=notes or "")
    if status == S.REJECTED:
        return appointment_reject(appointment=appointment, actor=actor, reason=notes or "")
    if status == S.CANCELLED:
        return appointment_cancel(appointment=appointment, actor=actor, reason=notes or "")
    clinical = {"visit_summary": visit_summary, "prescription": prescription, "follow_up": follow_up}
    if actor.role not in CLINICIANS and any(value is not None for value in clinical.values()):
        raise PermissionDenied("Only the doctor or an admin can record clinical details")
    now = timezone.now()
    appointment = _transition(
        appointment=_locked(appointment), actor=actor, to_status=status, note=notes or "", now=now
    )
    changed = ["status"]
    if actor.role in CLINICIANS:
        changed += _apply_clinical(appointment, actor=actor, doctor_notes=notes, **clinical)
    elif notes is not None:  # the front desk's no-show note
        appointment.receptionist_notes = notes
        changed.append("receptionist_notes")
    if status == S.COMPLETED:
        appointment.completed_at = now
        changed.append("completed_at")
        transaction.on_commit(lambda: notify_completed(appointment=appointment), robust=True)
    return _save(appointment, *changed)


@transaction.atomic
def appointment_visit_summary_update(
    *,
    appointment: Appointment,
    actor: User,
    doctor_notes: str | None = None,
    visit_summary: dict | None = None,
    prescription: dict | None = None,
    follow_up: dict | None = None,
) -> Appointment:
    """Clinical details without a status change (doctor of the appointment, admins)."""
    if actor.role not in CLINICIANS:
        raise PermissionDenied("Only the doctor or an admin can record clinical details")
    _check_participant(appointment=appointment, actor=actor)
    appointment = _locked(appointment)
    if appointment.status == S.CANCELLED:
        raise AppointmentCancelled("This appointment has been cancelled")
    if appointment.status not in CLINICAL_STATUSES:
        raise InvalidStatusTransition(
            f"Clinical details cannot be recorded on a '{appointment.status}' appointment",
            details={"status": appointment.status},
        )
    changed = _apply_clinical(
        appointment,
        actor=actor,
        doctor_notes=doctor_notes,
        visit_summary=visit_summary,
        prescription=prescription,
        follow_up=follow_up,
    )
    return _save(appointment, *changed) if changed else appointment


@transaction.atomic
def appointment_payment_record(
    *,
    appointment: Appointment,
    actor: User,
    status: str,
    method: str | None = None,
    amount: Decimal | None = None,
    transaction_id: str | None = None,
) -> Appointment:
    """Front-desk payment record: `paid` (sets paidAt), back to `pending`, or a cancelled visit's refund done."""
    if actor.role not in STAFF:
        raise PermissionDenied("Only the front desk records payments")
    appointment = _locked(appointment)
    now = timezone.now()
    if status in (PaymentStatus.REFUNDED, PaymentStatus.PARTIALLY_REFUNDED):
        return _refund_processed(appointment, status=status, now=now)
    if appointment.status == S.CANCELLED:
        raise AppointmentCancelled("This appointment has been cancelled")
    if appointment.status == S.REJECTED:
        raise InvalidStatusTransition("A rejected appointment cannot be paid", details={"status": appointment.status})
    if status == PaymentStatus.PAID:
        if not (method or appointment.payment_method):
            raise ValidationFailed(errors=[{"field": "method", "message": "Payment method is required", "value": None}])
        appointment.payment_amount = amount if amount is not None else (appointment.payment_amount or appointment.fee)
        appointment.payment_method = method or appointment.payment_method
        if transaction_id is not None:
            appointment.transaction_id = transaction_id
        appointment.paid_at = appointment.paid_at or now  # re-recording a payment keeps its date
    else:  # back to pending: a payment recorded by mistake
        appointment.payment_amount = amount
        appointment.payment_method = method or ""
        appointment.transaction_id = transaction_id or ""
        appointment.paid_at = None
    appointment.payment_status = status
    return _save(appointment, "payment_status", "payment_amount", "payment_method", "transaction_id", "paid_at")


def _refund_processed(appointment: Appointment, *, status: str, now: dt.datetime) -> Appointment:
    if appointment.status != S.CANCELLED or appointment.refund_status != RefundStatus.PENDING:
        raise InvalidStatusTransition(
            "Only a cancelled appointment with a pending refund can be marked refunded",
            details={"status": appointment.status, "refundStatus": appointment.refund_status or None},
        )
    paid = appointment.payment_amount if appointment.payment_amount is not None else appointment.fee
    expected = PaymentStatus.REFUNDED if appointment.refund_amount >= paid else PaymentStatus.PARTIALLY_REFUNDED
    if status != expected:
        raise ValidationFailed(
            errors=[
                {
                    "field": "status",
                    "message": f"The refund of {appointment.refund_amount} of {paid} paid is '{expected}'",
                    "value": status,
                }
            ]
        )
    appointment.payment_status = status
    appointment.refund_status = RefundStatus.PROCESSED
    appointment.refund_processed_at = now
    return _save(appointment, "payment_status", "refund_status", "refund_processed_at")


@transaction.atomic
def appointment_feedback_submit(
    *, appointment: Appointment, actor: User, rating: int, comment: str = ""
) -> Appointment:
    """The patient's one rating of a completed visit; the doctor's mean is updated in the same UPDATE."""
    if actor.role != Role.PATIENT:
        raise PermissionDenied("Only the patient can give feedback")
    _check_participant(appointment=appointment, actor=actor)
    appointment = _locked(appointment)
    if appointment.status == S.CANCELLED:
        raise AppointmentCancelled("This appointment has been cancelled")
    if appointment.status != S.COMPLETED:
        raise InvalidStatusTransition(
            "Feedback can only be given on a completed visit", details={"status": appointment.status}
        )
    if appointment.feedback_rating is not None:
        raise AlreadyExists("Feedback was already given for this visit")
    appointment.feedback_rating = rating
    appointment.feedback_comment = comment
    appointment.feedback_submitted_at = timezone.now()
    _save(appointment, "feedback_rating", "feedback_comment", "feedback_submitted_at")
    # F() keeps concurrent ratings of the same doctor from losing an update; every SET reads the old row.
    DoctorProfile.objects.filter(user_id=appointment.doctor_id).update(
        rating_total=F("rating_total") + rating,
        rating_count=F("rating_count") + 1,
        rating=Cast(
            Cast(F("rating_total") + Value(rating), FloatField()) / (F("rating_count") + Value(1)),
            DecimalField(max_digits=3, decimal_places=2),
        ),
    )
    return appointment


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
            _transition(appointment=appointment, actor=None, to_status=S.REJECTED, note="expired", now=now)
            appointment.rejection_reason = "expired"
            _save(appointment, "status", "rejection_reason")
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
