"""Recording payments and processing refunds (SPEC.md §5), front desk only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from appointments.models import AppointmentStatus as S
from appointments.models import PaymentStatus, RefundStatus
from appointments.services.lifecycle import appointment_cancel, appointment_payment_record
from appointments.tests.factories import AppointmentFactory
from arthomed.core.errors import AppointmentCancelled, InvalidStatusTransition, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment(patient, doctor):
    return AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED, fee=Decimal("600.00"))


def test_receptionist_records_a_payment(as_user, appointment, receptionist):
    response = as_user(receptionist).put(
        f"/api/appointments/{appointment.pk}/payment",
        {"status": "paid", "method": "upi", "transactionId": "UPI-123"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    payment = response.json()["data"]["appointment"]["payment"]
    assert payment["status"] == "paid"
    assert payment["method"] == "upi"
    assert payment["amount"] == 600  # defaults to the fee
    assert payment["transactionId"] == "UPI-123"
    assert payment["paidAt"]


def test_amount_may_differ_from_the_fee(appointment, admin_user):
    paid = appointment_payment_record(
        appointment=appointment, actor=admin_user, status=PaymentStatus.PAID, method="cash", amount=Decimal("450.50")
    )
    assert paid.payment_amount == Decimal("450.50")


def test_recording_again_keeps_the_payment_date(appointment, receptionist):
    first = appointment_payment_record(appointment=appointment, actor=receptionist, status="paid", method="cash")
    again = appointment_payment_record(appointment=appointment, actor=receptionist, status="paid", method="card")
    assert again.paid_at == first.paid_at
    assert again.payment_method == "card"


def test_a_mistaken_payment_can_be_reverted(appointment, receptionist):
    appointment_payment_record(appointment=appointment, actor=receptionist, status="paid", method="cash")
    reverted = appointment_payment_record(appointment=appointment, actor=receptionist, status="pending")
    assert reverted.paid_at is None
    assert reverted.payment_status == PaymentStatus.PENDING


def test_paid_needs_a_method(as_user, appointment, receptionist):
    response = as_user(receptionist).put(
        f"/api/appointments/{appointment.pk}/payment", {"status": "paid"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "method"


@pytest.mark.parametrize(
    "payload",
    [
        {"status": "free"},
        {"status": "paid", "method": "bitcoin"},
        {"status": "paid", "method": "cash", "amount": -1},
        {"status": "paid", "method": "cash", "amount": 1.234},
    ],
)
def test_bad_payment_input(as_user, appointment, receptionist, payload):
    response = as_user(receptionist).put(f"/api/appointments/{appointment.pk}/payment", payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_doctors_and_patients_may_not_record_payments(as_user, appointment, doctor, patient):
    for user in (doctor, patient):
        response = as_user(user).put(
            f"/api/appointments/{appointment.pk}/payment", {"status": "paid", "method": "cash"}, format="json"
        )
        assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        appointment_payment_record(appointment=appointment, actor=doctor, status="paid", method="cash")


def test_cancelled_or_rejected_cannot_be_paid(patient, doctor, receptionist):
    cancelled = AppointmentFactory(patient=patient, doctor=doctor, status=S.CANCELLED)
    with pytest.raises(AppointmentCancelled):
        appointment_payment_record(appointment=cancelled, actor=receptionist, status="paid", method="cash")
    rejected = AppointmentFactory(patient=patient, doctor=doctor, status=S.REJECTED)
    with pytest.raises(InvalidStatusTransition):
        appointment_payment_record(appointment=rejected, actor=receptionist, status="paid", method="cash")


def paid_then_cancelled(patient, doctor, receptionist, hours_before: float):
    appointment = AppointmentFactory(
        patient=patient, doctor=doctor, status=S.CONFIRMED, starts_at=timezone.now() + dt.timedelta(hours=hours_before)
    )
    appointment_payment_record(appointment=appointment, actor=receptionist, status="paid", method="cash")
    return appointment_cancel(appointment=appointment, actor=receptionist, reason="Patient travelling")


def test_marking_a_full_refund_processed(as_user, patient, doctor, receptionist):
    appointment = paid_then_cancelled(patient, doctor, receptionist, hours_before=48)
    assert appointment.refund_status == RefundStatus.PENDING
    response = as_user(receptionist).put(
        f"/api/appointments/{appointment.pk}/payment", {"status": "refunded", "method": "cash"}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()["data"]["appointment"]
    assert body["payment"]["status"] == "refunded"
    assert body["cancellation"]["refundStatus"] == "processed"
    appointment.refresh_from_db()
    assert appointment.refund_processed_at is not None


def test_a_half_refund_is_partially_refunded(patient, doctor, receptionist):
    appointment = paid_then_cancelled(patient, doctor, receptionist, hours_before=5)
    assert appointment.refund_amount == Decimal("250.00")
    with pytest.raises(ValidationFailed):
        appointment_payment_record(appointment=appointment, actor=receptionist, status="refunded")
    done = appointment_payment_record(appointment=appointment, actor=receptionist, status="partially-refunded")
    assert done.refund_status == RefundStatus.PROCESSED


def test_refund_only_when_one_is_pending(appointment, receptionist):
    with pytest.raises(InvalidStatusTransition):
        appointment_payment_record(appointment=appointment, actor=receptionist, status="refunded")
