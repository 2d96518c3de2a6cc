"""Money rules that must hold against tricks (SPEC.md §5): the refund notice counts from the booked
start, a refund never exceeds what was paid, and only an admin, saying why, records more than the fee."""

from decimal import Decimal

import pytest
import time_machine

from accounts.models import ScheduleBlock
from appointments.models import Appointment
from appointments.tests.factories import MONDAY, SUNDAY, clinic_dt, schedule_block

pytestmark = pytest.mark.django_db

NEXT_MONDAY = "2026-03-09"


@pytest.fixture(autouse=True)
def sunday_morning():
    """Sunday 10:00: Monday 09:00 is 23 hours away, inside the 50 % window."""
    with time_machine.travel(clinic_dt(SUNDAY, 10), tick=False):
        yield


@pytest.fixture
def fee_doctor(make_user):
    doctor = make_user("doctor", name="Dr Fee")
    doctor.doctor_profile.consultation_fee = Decimal("500.00")
    doctor.doctor_profile.save()
    ScheduleBlock.objects.create(doctor=doctor, **schedule_block("monday 09:00-12:00"))
    return doctor


@pytest.fixture
def booked(as_user, patient, fee_doctor) -> Appointment:
    payload = {
        "doctorId": str(fee_doctor.pk),
        "appointmentDate": MONDAY.isoformat(),
        "appointmentTime": "09:00",
        "reason": "Knee",
    }
    response = as_user(patient).post("/api/appointments/book", payload, format="json")
    assert response.status_code == 201, response.json()
    return Appointment.objects.get(pk=response.json()["data"]["appointment"]["_id"])


def pay(client, appointment, **fields):
    return client.put(f"/api/appointments/{appointment.pk}/payment", {"status": "paid", "method": "cash", **fields})


def reschedule(client, appointment, day: str):
    response = client.put(
        f"/api/appointments/{appointment.pk}/reschedule", {"appointmentDate": day, "appointmentTime": "09:00"}
    )
    assert response.status_code == 200, response.json()


def cancel(client, appointment) -> dict:
    response = client.put(f"/api/appointments/{appointment.pk}/cancel", {"reason": "changed my mind"})
    assert response.status_code == 200, response.json()
    return response.json()["data"]["appointment"]


def test_reschedule_then_cancel_keeps_the_booked_notice(as_user, patient, receptionist, booked):
    assert pay(as_user(receptionist), booked).status_code == 200
    reschedule(as_user(patient), booked, NEXT_MONDAY)  # now eight days away ...
    cancelled = cancel(as_user(patient), booked)
    # ... but booked 23 hours ahead: half back, not all.
    assert cancelled["refundInfo"]["refundAmount"] == 250
    assert cancelled["cancellation"]["refundAmount"] == 250


def test_the_clinic_moving_a_visit_counts_from_the_new_start(as_user, patient, receptionist, booked):
    assert pay(as_user(receptionist), booked).status_code == 200
    reschedule(as_user(receptionist), booked, NEXT_MONDAY)
    assert cancel(as_user(patient), booked)["refundInfo"]["refundAmount"] == 500


def test_moving_closer_counts_from_the_closer_start(as_user, patient, receptionist, fee_doctor):
    payload = {"doctorId": str(fee_doctor.pk), "appointmentDate": NEXT_MONDAY, "appointmentTime": "09:00"}
    payload["reason"] = "x"
    response = as_user(patient).post("/api/appointments/book", payload, format="json")
    appointment = Appointment.objects.get(pk=response.json()["data"]["appointment"]["_id"])
    assert pay(as_user(receptionist), appointment).status_code == 200
    reschedule(as_user(patient), appointment, MONDAY.isoformat())
    assert cancel(as_user(patient), appointment)["refundInfo"]["refundAmount"] == 250


def test_a_refund_never_exceeds_what_was_paid(as_user, patient, receptionist, booked):
    assert pay(as_user(receptionist), booked, amount="300.00").status_code == 200
    reschedule(as_user(receptionist), booked, NEXT_MONDAY)  # full-refund notice
    cancelled = cancel(as_user(patient), booked)
    assert cancelled["refundInfo"]["refundAmount"] == 300  # all of what was paid, not the 500 fee
    # Paying "again" after the cancellation cannot raise the refund either.
    response = pay(as_user(receptionist), booked, amount="500.00")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "APPOINTMENT_CANCELLED")
    booked.refresh_from_db()
    assert booked.refund_amount == Decimal("300.00")


def test_the_front_desk_cannot_record_more_than_the_fee(as_user, receptionist, booked):
    response = pay(as_user(receptionist), booked, amount="500.01")
    assert response.status_code == 409
    body = response.json()
    assert body["error"]["code"] == "PAYMENT_EXCEEDS_FEE"
    assert body["message"] == "The amount is more than the consultation fee"
    assert body["error"]["details"] == {"fee": 500.0, "amount": 500.01}
    booked.refresh_from_db()
    assert booked.payment_status == "pending"
    assert pay(as_user(receptionist), booked, amount="500.00").status_code == 200


def test_an_admin_may_record_more_than_the_fee_with_a_note(as_user, admin_user, booked):
    response = pay(as_user(admin_user), booked, amount="650.00")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "note"
    response = pay(as_user(admin_user), booked, amount="650.00", note="Includes the X-ray")
    assert response.status_code == 200, response.json()
    payment = response.json()["data"]["appointment"]["payment"]
    assert (payment["amount"], payment["note"]) == (650, "Includes the X-ray")


def test_payment_method_is_null_or_a_value(as_user, receptionist, booked):
    client = as_user(receptionist)
    payment = client.get(f"/api/appointments/{booked.pk}").json()["data"]["appointment"]["payment"]
    assert (payment["method"], payment["transactionId"]) == (None, None)
    assert pay(client, booked).json()["data"]["appointment"]["payment"]["method"] == "cash"
    reverted = client.put(f"/api/appointments/{booked.pk}/payment", {"status": "pending"})
    assert reverted.json()["data"]["appointment"]["payment"]["method"] is None
