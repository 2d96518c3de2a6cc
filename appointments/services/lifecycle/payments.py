"""Cancellation with its refund, the front desk's payment record and receipts (SPEC.md §5, §10).

Payments: the first `paid` record stamps `paid_at`, the recorder and a receipt number unique in
its financial year (`RECEIPT_PREFIX/2026-27/000123`, April to March in clinic time).

Refunds: cancelling a paid appointment sets `refundStatus: "pending"` with the amount
the policy gives; staff process it with `appointment_refund_process` (method, reference;
the front desk's refunds page) or, in the older API form, by recording the payment as
`refunded` (the whole amount paid) or `partially-refunded` (less). Both set
`refund_processed_at` and `refund_processed_by`.
A refund that works out at 0 is "not-applicable", as for an unpaid appointment.

The notice counts from the earlier of the booked start and the current one, so a
patient who first moves the visit further out cannot turn 50 % into 100 %; and the
refund never exceeds what was paid.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from appointments.models import Appointment, PaymentMethod, PaymentStatus, ReceiptCounter, RefundStatus
from appointments.notifications import notify_cancelled
from appointments.receipt_numbers import financial_year, receipt_number_format
from appointments.selectors.payments import RECEIPTED
from appointments.services.lifecycle.transitions import STAFF, S, ensure_not_cancelled, locked, save, transition
from arthomed.core.errors import InvalidStatusTransition, PaymentExceedsFee, PermissionDenied, ValidationFailed
from arthomed.core.roles import Role

FULL_REFUND_HOURS = 24
CENT = Decimal("0.01")


def receipt_numbers_allocate(*, year: str, count: int) -> list[str]:
    """The next `count` consecutive receipt numbers of financial year `year` ("2026-27").

    The year's counter row is created if missing (a concurrent creator loses the insert and
    reads the winner's row: `get_or_create` retries the get after the IntegrityError), then
    locked until the caller's transaction ends, so two payments never share or skip a number.
    """
    with transaction.atomic():
        ReceiptCounter.objects.get_or_create(financial_year=year)
        counter = ReceiptCounter.objects.select_for_update().get(pk=year)
        first = counter.last_number + 1
        counter.last_number += count
        counter.save(update_fields=["last_number"])
    return [receipt_number_format(year=year, number=number) for number in range(first, counter.last_number + 1)]


def receipt_number_allocate(*, paid_at: dt.datetime) -> str:
    """The next receipt number of `paid_at`'s financial year: `RECEIPT_PREFIX/2026-27/000123`."""
    return receipt_numbers_allocate(year=financial_year(paid_at), count=1)[0]


@transaction.atomic
def receipt_numbers_backfill(*, batch_size: int = 1_000) -> int:
    """Number every paid (or since refunded) appointment that has `paid_at` but no receipt number,
    in `paid_at` order within each financial year, after the year's last number; returns how many.

    For rows written without the payment service (the demo's bulk history). Migration
    0011_receipt_numbers_for_earlier_payments did the same once for payments recorded before
    receipt numbers existed.
    """
    unnumbered = (
        Appointment.objects.filter(payment_status__in=RECEIPTED, paid_at__isnull=False)
        .filter(Q(receipt_number__isnull=True) | Q(receipt_number=""))
        .order_by("paid_at", "pk")
        .values_list("pk", "paid_at")
    )
    by_year: dict[str, list[int]] = {}
    for pk, paid_at in unnumbered.iterator(chunk_size=batch_size):
        by_year.setdefault(financial_year(paid_at), []).append(pk)
    rows = []
    for year, pks in sorted(by_year.items()):
        numbers = receipt_numbers_allocate(year=year, count=len(pks))
        rows += [Appointment(pk=pk, receipt_number=number) for pk, number in zip(pks, numbers, strict=True)]
    Appointment.objects.bulk_update(rows, ["receipt_number"], batch_size=batch_size)
    return len(rows)


def amount_paid(appointment: Appointment) -> Decimal:
    return appointment.payment_amount if appointment.payment_amount is not None else appointment.fee


def cancellation_refund(*, appointment: Appointment, at: dt.datetime, in_full: bool = False) -> tuple[Decimal, str]:
    """(refund amount, refund status) for cancelling at `at`: 100 % >= 24 h before, 50 % >= 2 h, else 0;
    100 % whatever the notice when `in_full` (the clinic cancels)."""
    if appointment.payment_status != PaymentStatus.PAID:
        return Decimal("0.00"), RefundStatus.NOT_APPLICABLE
    paid = amount_paid(appointment)
    notice = min(appointment.booked_starts_at or appointment.starts_at, appointment.starts_at) - at
    if in_full or notice >= dt.timedelta(hours=FULL_REFUND_HOURS):
        share = Decimal("1")
    elif notice >= dt.timedelta(hours=settings.CANCEL_MIN_NOTICE_HOURS):
        share = Decimal("0.5")
    else:
        share = Decimal("0")
    amount = min((paid * share).quantize(CENT, rounding=ROUND_HALF_UP), paid)
    return amount, RefundStatus.PENDING if amount > 0 else RefundStatus.NOT_APPLICABLE


@transaction.atomic
def appointment_cancel(
    *,
    appointment: Appointment,
    actor: User | None,
    reason: str,
    cancelled_by: User | None = None,
    refund_in_full: bool = False,
) -> Appointment:
    """Cancel with the refund policy. `cancelled_by` names the person when the system acts for them.

    `refund_in_full`: the clinic cancels (the doctor is away), so a paid fee comes back whole whatever
    the notice. The clinic's people or the system only (a patient actor is refused); the API never sets it.
    """
    if refund_in_full and actor is not None and actor.role == Role.PATIENT:
        raise PermissionDenied()
    now = timezone.now()
    appointment = transition(appointment=locked(appointment), actor=actor, to_status=S.CANCELLED, note=reason, now=now)
    appointment.refund_amount, appointment.refund_status = cancellation_refund(
        appointment=appointment, at=now, in_full=refund_in_full
    )
    appointment.cancellation_reason = reason[:500]
    appointment.cancelled_by = actor or cancelled_by
    appointment.cancelled_at = now
    transaction.on_commit(lambda: notify_cancelled(appointment=appointment), robust=True)
    return save(
        appointment,
        "status",
        "cancellation_reason",
        "cancelled_by",
        "cancelled_at",
        "refund_amount",
        "refund_status",
    )


def _check_amount(*, appointment: Appointment, actor: User, amount: Decimal | None, note: str) -> None:
    """More than the fee: never from the front desk; an admin may, saying why in `note`."""
    if amount is None or amount <= appointment.fee:
        return
    if actor.role != Role.ADMIN:
        raise PaymentExceedsFee(details={"fee": float(appointment.fee), "amount": float(amount)})
    if not note.strip():
        raise ValidationFailed(
            errors=[{"field": "note", "message": "A note is required for an amount above the fee", "value": note}]
        )


@transaction.atomic
def appointment_payment_record(
    *,
    appointment: Appointment,
    actor: User,
    status: str,
    method: str | None = None,
    amount: Decimal | None = None,
    transaction_id: str | None = None,
    note: str = "",
) -> Appointment:
    """Front-desk payment record: `paid` (sets paidAt), back to `pending`, or a cancelled visit's refund done.

    The first `paid` record sets `paid_at`, `payment_recorded_by` (the actor) and allocates the receipt
    number; recording `paid` again corrects method, amount or reference and keeps all three (idempotent,
    never a second receipt). A receipt number, once issued, stays with the appointment: a payment reverted
    to `pending` by mistake and recorded again prints the same number.
    """
    if actor.role not in STAFF:
        raise PermissionDenied()
    appointment = locked(appointment)
    now = timezone.now()
    if status in (PaymentStatus.REFUNDED, PaymentStatus.PARTIALLY_REFUNDED):
        return _refund_processed(appointment, status=status, actor=actor, method=method)
    ensure_not_cancelled(appointment)
    if appointment.status == S.REJECTED:
        raise InvalidStatusTransition(details={"status": appointment.status, "reason": "rejected-unpayable"})
    _check_amount(appointment=appointment, actor=actor, amount=amount, note=note)
    if status == PaymentStatus.PAID:
        if not (method or appointment.payment_method):
            raise ValidationFailed(errors=[{"field": "method", "message": "Payment method is required", "value": None}])
        appointment.payment_amount = amount if amount is not None else (appointment.payment_amount or appointment.fee)
        appointment.payment_method = method or appointment.payment_method
        if transaction_id is not None:
            appointment.transaction_id = transaction_id
        if appointment.paid_at is None:  # re-recording a payment keeps its date, recorder and receipt
            appointment.paid_at = now
            appointment.payment_recorded_by = actor
        if not appointment.receipt_number:
            appointment.receipt_number = receipt_number_allocate(paid_at=appointment.paid_at)
    else:  # back to pending: a payment recorded by mistake
        appointment.payment_amount = amount
        appointment.payment_method = method or ""
        appointment.transaction_id = transaction_id or ""
        appointment.paid_at = None
        appointment.payment_recorded_by = None
    appointment.payment_status = status
    appointment.payment_note = note[:500]
    return save(
        appointment,
        "payment_status",
        "payment_amount",
        "payment_method",
        "transaction_id",
        "paid_at",
        "payment_note",
        "payment_recorded_by",
        "receipt_number",
    )


def _refund_owed_check(appointment: Appointment) -> None:
    if (
        appointment.status != S.CANCELLED
        or appointment.refund_status != RefundStatus.PENDING
        or not (appointment.refund_amount or 0) > 0
    ):
        raise InvalidStatusTransition(
            details={"status": appointment.status, "refundStatus": appointment.refund_status or None}
        )


def _refund_payment_status(appointment: Appointment) -> str:
    paid = amount_paid(appointment)
    return PaymentStatus.REFUNDED if appointment.refund_amount >= paid else PaymentStatus.PARTIALLY_REFUNDED


REFUND_METHODS = (PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.UPI, PaymentMethod.INSURANCE)


@transaction.atomic
def appointment_refund_process(
    *, actor: User, appointment: Appointment, method: str, reference: str = ""
) -> Appointment:
    """Staff hand back a cancellation's pending refund (SPEC.md §10): 409 when nothing is owed."""
    if actor.role not in STAFF:
        raise PermissionDenied()
    if method not in REFUND_METHODS:
        raise ValidationFailed(
            errors=[{"field": "method", "message": "Choose cash, card, upi or insurance", "value": method}]
        )
    appointment = locked(appointment)
    _refund_owed_check(appointment)
    return _refund_mark_processed(
        appointment, status=_refund_payment_status(appointment), actor=actor, method=method, reference=reference
    )


def _refund_mark_processed(
    appointment: Appointment, *, status: str, actor: User, method: str = "", reference: str = ""
) -> Appointment:
    appointment.payment_status = status
    appointment.refund_status = RefundStatus.PROCESSED
    appointment.refund_processed_at = timezone.now()
    appointment.refund_processed_by = actor
    appointment.refund_method = method
    appointment.refund_reference = reference[:100]
    return save(
        appointment,
        "payment_status",
        "refund_status",
        "refund_processed_at",
        "refund_processed_by",
        "refund_method",
        "refund_reference",
    )


def _refund_processed(appointment: Appointment, *, status: str, actor: User, method: str | None) -> Appointment:
    """The older API form: `PUT .../payment {status: refunded | partially-refunded}` processes the refund."""
    _refund_owed_check(appointment)
    paid = amount_paid(appointment)
    expected = _refund_payment_status(appointment)
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
    return _refund_mark_processed(appointment, status=status, actor=actor, method=method or "")
