"""Cancelling (SPEC.md §5): who may, the patient's notice rule, the refund policy, account deletion."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.signals import account_deleting
from appointments.models import AppointmentStatus as S
from appointments.models import PaymentStatus
from appointments.services.lifecycle import appointment_cancel, cancellation_refund
from appointments.tests.factories import AppointmentFactory
from arthomed.core.errors import AppointmentCancelled, InvalidStatusTransition

pytestmark = pytest.mark.django_db


def starting_in(hours: float, **fields):
    return AppointmentFactory(starts_at=timezone.now() + dt.timedelta(hours=hours), **fields)


def paid(**fields):
    return {"payment_status": PaymentStatus.PAID, "payment_amount": Decimal("500.00"), **fields}


def test_patient_cancels_own_with_full_refund_a_day_ahead(as_user, patient, doctor):
    appointment = starting_in(30, patient=patient, doctor=doctor, status=S.CONFIRMED, **paid())
    response = as_user(patient).put(
        f"/api/appointments/{appointment.pk}/cancel", {"reason": "Feeling better"}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()["data"]["appointment"]
    assert body["status"] == "cancelled"
    assert body["cancellation"]["reason"] == "Feeling better"
    assert body["cancellation"]["refundAmount"] == 500
    assert body["cancellation"]["refundStatus"] == "pending"
    assert body["cancellation"]["cancelledAt"]
    assert body["cancellation"]["cancelledBy"] == str(patient.pk)
    assert (body["statusHistory"][-1]["from"], body["statusHistory"][-1]["to"]) == ("confirmed", "cancelled")


@pytest.mark.parametrize(
    ("hours_before", "refund", "refund_status"),
    [
        (48, Decimal("500.00"), "pending"),
        (24.01, Decimal("500.00"), "pending"),
        (23.9, Decimal("250.00"), "pending"),
        (2.01, Decimal("250.00"), "pending"),
        (1.9, Decimal("0.00"), "not-applicable"),
        (-1, Decimal("0.00"), "not-applicable"),
    ],
)
def test_refund_policy_of_a_paid_fee(patient, doctor, hours_before, refund, refund_status):
    appointment = starting_in(hours_before, patient=patient, doctor=doctor, **paid())
    assert cancellation_refund(appointment=appointment, at=timezone.now()) == (refund, refund_status)


def test_unpaid_refund_is_not_applicable(as_user, patient, doctor):
    appointment = starting_in(48, patient=patient, doctor=doctor)
    body = as_user(patient).put(f"/api/appointments/{appointment.pk}/cancel", {}, format="json").json()
    assert body["data"]["appointment"]["cancellation"]["refundAmount"] == 0
    assert body["data"]["appointment"]["cancellation"]["refundStatus"] == "not-applicable"


def test_patient_cannot_cancel_within_two_hours(as_user, patient, doctor):
    appointment = starting_in(1.5, patient=patient, doctor=doctor, status=S.CONFIRMED)
    response = as_user(patient).put(f"/api/appointments/{appointment.pk}/cancel", {"reason": "x"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "INVALID_STATUS_TRANSITION"
    appointment.refresh_from_db()
    assert appointment.status == S.CONFIRMED


@override_settings(CANCEL_MIN_NOTICE_HOURS=6)
def test_notice_rule_follows_the_setting(patient, doctor):
    appointment = starting_in(5, patient=patient, doctor=doctor)
    with pytest.raises(InvalidStatusTransition):
        appointment_cancel(appointment=appointment, actor=patient, reason="")


def test_staff_cancel_any_time_before_completion(as_user, patient, doctor, receptionist):
    late = starting_in(0.5, patient=patient, doctor=doctor, status=S.CONFIRMED, **paid())
    response = as_user(receptionist).put(
        f"/api/appointments/{late.pk}/cancel", {"reason": "Clinic closed"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["data"]["appointment"]["cancellation"]["refundAmount"] == 0
    started = starting_in(-0.5, patient=patient, doctor=doctor, status=S.CONFIRMED)
    assert appointment_cancel(appointment=started, actor=receptionist, reason="").status == S.CANCELLED
    completed = starting_in(-3, patient=patient, doctor=doctor, status=S.COMPLETED)
    with pytest.raises(InvalidStatusTransition):
        appointment_cancel(appointment=completed, actor=receptionist, reason="")


def test_cancelling_twice_is_appointment_cancelled(as_user, patient, doctor):
    appointment = starting_in(48, patient=patient, doctor=doctor)
    client = as_user(patient)
    assert client.put(f"/api/appointments/{appointment.pk}/cancel", {}, format="json").status_code == 200
    response = client.put(f"/api/appointments/{appointment.pk}/cancel", {}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "APPOINTMENT_CANCELLED"


def test_doctor_may_not_cancel(as_user, patient, doctor):
    appointment = starting_in(48, patient=patient, doctor=doctor)
    assert as_user(doctor).put(f"/api/appointments/{appointment.pk}/cancel", {}, format="json").status_code == 403


def test_another_patients_appointment_is_not_found(as_user, make_user, patient, doctor):
    appointment = starting_in(48, patient=make_user(), doctor=doctor)
    response = as_user(patient).put(f"/api/appointments/{appointment.pk}/cancel", {}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "APPOINTMENT_NOT_FOUND"


def test_reason_is_limited(as_user, patient, doctor):
    appointment = starting_in(48, patient=patient, doctor=doctor)
    response = as_user(patient).put(f"/api/appointments/{appointment.pk}/cancel", {"reason": "x" * 501}, format="json")
    assert response.status_code == 400


def test_account_deletion_cancels_future_active_appointments(make_user, doctor):
    patient = make_user()
    future = starting_in(48, patient=patient, doctor=doctor, status=S.CONFIRMED)
    pending = starting_in(72, patient=patient, doctor=doctor)
    past = starting_in(-48, patient=patient, doctor=doctor, status=S.COMPLETED)
    account_deleting.send(sender=type(patient), user=patient)
    for appointment in (future, pending):
        appointment.refresh_from_db()
        assert appointment.status == S.CANCELLED
        assert appointment.cancellation_reason == "account deleted"
        assert appointment.cancelled_by_id == patient.pk
        assert appointment.status_history.last().changed_by_id is None
    past.refresh_from_db()
    assert past.status == S.COMPLETED


def test_account_deletion_through_the_api_cancels_appointments(as_user, patient, doctor):
    appointment = starting_in(1, patient=patient, doctor=doctor, status=S.CONFIRMED)  # inside the 2-hour window
    response = as_user(patient).delete("/api/users/profile")
    assert response.status_code == 200, response.json()
    appointment.refresh_from_db()
    assert appointment.status == S.CANCELLED


def test_cancelled_appointment_refuses_confirmation(patient, doctor, receptionist):
    appointment = starting_in(48, patient=patient, doctor=doctor, status=S.CANCELLED)
    with pytest.raises(AppointmentCancelled):
        appointment_cancel(appointment=appointment, actor=receptionist, reason="")
