"""Reads behind payments, receipts and refunds (SPEC.md §10)."""

from django.db.models import QuerySet

from appointments.models import Appointment, AppointmentStatus, PaymentStatus, RefundStatus


def refunds_owed() -> QuerySet[Appointment]:
    """Cancelled appointments whose refund is still to be handed back, oldest cancellation first."""
    return (
        Appointment.objects.filter(
            status=AppointmentStatus.CANCELLED, refund_status=RefundStatus.PENDING, refund_amount__gt=0
        )
        .select_related("patient", "doctor", "family_member")
        .order_by("cancelled_at", "pk")
    )


# Money taken: paid, or paid and since refunded. These carry a receipt number.
RECEIPTED = (PaymentStatus.PAID, PaymentStatus.REFUNDED, PaymentStatus.PARTIALLY_REFUNDED)


def has_receipt(appointment: Appointment) -> bool:
    """A receipt prints for money taken (`RECEIPTED`) with a receipt number."""
    return bool(appointment.receipt_number) and appointment.payment_status in RECEIPTED
