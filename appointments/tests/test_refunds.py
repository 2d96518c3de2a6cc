"""Refunds owed by cancellations, listed and processed with method and reference (SPEC.md §10)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from appointments.models import AppointmentStatus as S
from appointments.models import PaymentStatus, RefundStatus
from appointments.selectors.payments import refunds_owed
from appointments.services.lifecycle import appointment_cancel, appointment_payment_record, appointment_refund_process
from appointments.tests.factories import AppointmentFactory
from arthomed.core.errors import InvalidStatusTransition, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def owed(patient, doctor, receptionist):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED, fee=Decimal("600.00"))
    appointment_payment_record(appointment=appointment, actor=receptionist, status="paid", method="cash")
    return appointment_cancel(appointment=appointment, actor=receptionist, reason="Patient travelling")


def test_the_list_holds_refunds_owed_only(owed, patient, doctor, receptionist):
    unpaid = AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED)
    appointment_cancel(appointment=unpaid, actor=receptionist, reason="x")
    AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED)
    assert list(refunds_owed()) == [owed]


def test_processing_a_refund(owed, receptionist):
    with time_machine.travel(dt.datetime(2026, 12, 1, 6, tzinfo=dt.UTC), tick=False):
        done = appointment_refund_process(actor=receptionist, appointment=owed, method="upi", reference="UPI-R1")
        assert done.refund_processed_at == timezone.now()
    assert done.refund_status == RefundStatus.PROCESSED
    assert done.refund_processed_by == receptionist
    assert (done.refund_method, done.refund_reference) == ("upi", "UPI-R1")
    assert done.payment_status == PaymentStatus.REFUNDED  # the whole fee: cancelled days ahead
    assert list(refunds_owed()) == []


def test_a_partial_refund_marks_the_payment_partially_refunded(owed, receptionist):
    owed.refund_amount = Decimal("300.00")
    owed.save(update_fields=["refund_amount"])
    done = appointment_refund_process(actor=receptionist, appointment=owed, method="cash")
    assert done.payment_status == PaymentStatus.PARTIALLY_REFUNDED


def test_nothing_owed_is_409(owed, receptionist, patient, doctor):
    appointment_refund_process(actor=receptionist, appointment=owed, method="cash")
    with pytest.raises(InvalidStatusTransition) as twice:
        appointment_refund_process(actor=receptionist, appointment=owed, method="cash")
    assert twice.value.code == "INVALID_STATUS_TRANSITION"
    unpaid = AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED)
    with pytest.raises(InvalidStatusTransition) as never:
        appointment_refund_process(actor=receptionist, appointment=unpaid, method="cash")
    assert never.value.code == "INVALID_STATUS_TRANSITION"


def test_only_staff_process_refunds(owed, doctor, patient):
    for actor in (doctor, patient):
        with pytest.raises(PermissionDenied):
            appointment_refund_process(actor=actor, appointment=owed, method="cash")


def test_the_method_is_a_front_desk_method(owed, receptionist):
    with pytest.raises(ValidationFailed):
        appointment_refund_process(actor=receptionist, appointment=owed, method="bitcoin")


def test_the_old_api_form_records_who_processed_it(as_user, owed, admin_user):
    response = as_user(admin_user).put(
        f"/api/appointments/{owed.pk}/payment", {"status": "refunded", "method": "card"}, format="json"
    )
    assert response.status_code == 200, response.json()
    owed.refresh_from_db()
    assert owed.refund_processed_by == admin_user
    assert owed.refund_method == "card"
