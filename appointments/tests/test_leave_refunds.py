"""The clinic cancels for a doctor's leave: a paid fee comes back in full whatever the notice (SPEC.md §5, §10)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from accounts.services.leaves import doctor_leave_create
from appointments.models import AppointmentStatus as S
from appointments.models import Notification, PaymentStatus, RefundStatus
from appointments.services.leave_bookings import LEAVE_CANCELLATION_REASON, leave_bookings_cancel
from appointments.services.lifecycle import appointment_cancel
from appointments.tests.factories import AppointmentFactory, clinic_dt
from arthomed.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 12, 7)
THREE_HOURS_BEFORE = clinic_dt(MONDAY, 9)


@pytest.fixture
def paid_at_noon(clinic_doctor, patient):
    """A paid visit at 12:00, and the clock at 09:00 (3 h notice: 50 % under the normal policy)."""
    with time_machine.travel(THREE_HOURS_BEFORE, tick=False):
        yield AppointmentFactory(
            patient=patient,
            doctor=clinic_doctor,
            starts_at=clinic_dt(MONDAY, 12),
            status=S.CONFIRMED,
            fee=Decimal("500.00"),
            payment_status=PaymentStatus.PAID,
            payment_amount=Decimal("500.00"),
            paid_at=clinic_dt(MONDAY, 8),
        )


@pytest.mark.parametrize("by", ["receptionist", "admin_user"])
def test_cancelled_for_the_doctors_leave_refunds_in_full(paid_at_noon, by, request, django_capture_on_commit_callbacks):
    actor = request.getfixturevalue(by)
    leave = doctor_leave_create(actor=actor, doctor=paid_at_noon.doctor, date=MONDAY, reason="emergency")
    with django_capture_on_commit_callbacks(execute=True):
        (cancelled,) = leave_bookings_cancel(leave=leave, actor=actor)
    assert (cancelled.status, cancelled.refund_amount, cancelled.refund_status) == (
        S.CANCELLED,
        Decimal("500.00"),
        RefundStatus.PENDING,
    )
    # History and the patient's message as for any cancellation.
    last = cancelled.status_history.order_by("changed_at", "pk").last()
    assert (last.from_status, last.to_status, last.note) == (S.CONFIRMED, S.CANCELLED, LEAVE_CANCELLATION_REASON)
    assert Notification.objects.filter(appointment=cancelled, kind="cancelled").exists()


def test_a_staff_cancellation_3_hours_ahead_keeps_the_notice_policy(paid_at_noon, receptionist):
    cancelled = appointment_cancel(appointment=paid_at_noon, actor=receptionist, reason="Asked by phone")
    assert (cancelled.refund_amount, cancelled.refund_status) == (Decimal("250.00"), RefundStatus.PENDING)


def test_the_system_may_refund_in_full(paid_at_noon):
    cancelled = appointment_cancel(appointment=paid_at_noon, actor=None, reason="Clinic closed", refund_in_full=True)
    assert cancelled.refund_amount == Decimal("500.00")


def test_a_patient_can_never_ask_for_a_full_refund(paid_at_noon):
    with pytest.raises(PermissionDenied):
        appointment_cancel(appointment=paid_at_noon, actor=paid_at_noon.patient, reason="x", refund_in_full=True)
    paid_at_noon.refresh_from_db()
    assert paid_at_noon.status == S.CONFIRMED


def test_the_cancel_api_ignores_a_refund_in_full_field(paid_at_noon, as_user):
    response = as_user(paid_at_noon.patient).put(
        f"/api/appointments/{paid_at_noon.pk}/cancel",
        {"reason": "Busy", "refundInFull": True, "refund_in_full": True},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["data"]["appointment"]["cancellation"]["refundAmount"] == 250


def test_an_unpaid_visit_has_nothing_to_refund_even_in_full(clinic_doctor, patient, receptionist):
    with time_machine.travel(THREE_HOURS_BEFORE, tick=False):
        visit = AppointmentFactory(patient=patient, doctor=clinic_doctor, starts_at=clinic_dt(MONDAY, 12))
        cancelled = appointment_cancel(appointment=visit, actor=receptionist, reason="x", refund_in_full=True)
    assert (cancelled.refund_amount, cancelled.refund_status) == (Decimal("0.00"), RefundStatus.NOT_APPLICABLE)
