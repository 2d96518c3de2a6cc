"""Rescheduling (SPEC.md §5): atomic move to a free slot of the same doctor, old slot freed, history kept."""

import datetime as dt

import pytest
import time_machine

from appointments.models import Appointment
from appointments.services.booking import appointment_reschedule
from appointments.tests.factories import MONDAY, AppointmentFactory, clinic_dt
from arthomed.core.errors import PermissionDenied, SlotUnavailable

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sunday_morning")]


@pytest.fixture
def booked(clinic_doctor, patient):
    return AppointmentFactory(doctor=clinic_doctor, patient=patient, starts_at=clinic_dt(MONDAY, 9), status="confirmed")


def move(client, appointment, time: str, day: dt.date = MONDAY):
    return client.put(
        f"/api/appointments/{appointment.pk}/reschedule",
        {"appointmentDate": day.isoformat(), "appointmentTime": time},
        format="json",
    )


def slot_lists(api, doctor, day=MONDAY):
    data = api.get("/api/appointments/slots", {"doctorId": str(doctor.pk), "date": day.isoformat()}).json()["data"]
    return [s["startTime"] for s in data["availableSlots"]], [s["startTime"] for s in data["bookedSlots"]]


def test_a_patient_moves_their_own_and_it_returns_to_pending(api, as_user, patient, booked, clinic_doctor):
    response = move(as_user(patient), booked, "11:30")
    assert response.status_code == 200
    data = response.json()["data"]["appointment"]
    assert (data["appointmentDate"], data["appointmentTime"], data["endTime"]) == ("2026-03-02", "11:30", "12:00")
    assert data["status"] == "pending"
    assert data["confirmedAt"] is None
    last = data["statusHistory"][-1]
    assert (last["from"], last["to"], last["by"]) == ("confirmed", "pending", str(patient.pk))
    assert last["note"] == "rescheduled from 2026-03-02 09:00"
    available, taken = slot_lists(api, clinic_doctor)
    assert "09:00" in available and taken == ["11:30"]
    booked.refresh_from_db()
    assert booked.starts_at == dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("staff", ["receptionist", "admin_user"])
def test_staff_move_any_and_the_status_stays(request, as_user, booked, staff):
    actor = request.getfixturevalue(staff)
    response = move(as_user(actor), booked, "12:00", MONDAY + dt.timedelta(weeks=1))
    assert response.status_code == 200
    data = response.json()["data"]["appointment"]
    assert (data["appointmentDate"], data["status"]) == ("2026-03-09", "confirmed")
    assert data["statusHistory"][-1]["note"] == "rescheduled from 2026-03-02 09:00"


def test_patients_may_not_move_within_the_notice_but_staff_may(as_user, patient, receptionist, booked, settings):
    settings.CANCEL_MIN_NOTICE_HOURS = 2
    with time_machine.travel(clinic_dt(MONDAY, 7, 1), tick=False):
        response = move(as_user(patient), booked, "11:00")
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "INVALID_STATUS_TRANSITION"
        assert move(as_user(receptionist), booked, "11:00").status_code == 200
    with time_machine.travel(clinic_dt(MONDAY, 6, 59), tick=False):
        assert move(as_user(patient), booked, "12:00").status_code == 200


def test_someone_elses_appointment_is_not_found(as_user, make_user, booked):
    for appointment_id in (booked.pk, "not-a-uuid"):
        response = as_user(make_user("patient")).put(
            f"/api/appointments/{appointment_id}/reschedule",
            {"appointmentDate": "2026-03-02", "appointmentTime": "11:00"},
            format="json",
        )
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "APPOINTMENT_NOT_FOUND"


def test_doctors_may_not_reschedule(as_user, clinic_doctor, booked):
    response = move(as_user(clinic_doctor), booked, "11:00")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"


def test_the_service_refuses_doctors_too(clinic_doctor, booked):
    with pytest.raises(PermissionDenied):
        appointment_reschedule(
            actor=clinic_doctor, appointment=booked, appointment_date=MONDAY, appointment_time=dt.time(11)
        )


@pytest.mark.parametrize(
    ("status", "code"),
    [
        ("cancelled", "APPOINTMENT_CANCELLED"),
        ("completed", "INVALID_STATUS_TRANSITION"),
        ("rejected", "INVALID_STATUS_TRANSITION"),
        ("no-show", "INVALID_STATUS_TRANSITION"),
        ("in-progress", "INVALID_STATUS_TRANSITION"),
    ],
)
def test_only_pending_and_confirmed_move(as_user, receptionist, booked, status, code):
    Appointment.objects.filter(pk=booked.pk).update(status=status)
    response = move(as_user(receptionist), booked, "11:00")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize("time", ["10:30", "09:10", "13:00"])
def test_the_target_must_be_a_free_slot(as_user, make_user, clinic_doctor, booked, time):
    AppointmentFactory(doctor=clinic_doctor, patient=make_user("patient"), starts_at=clinic_dt(MONDAY, 10, 30))
    response = move(as_user(booked.patient), booked, time)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "SLOT_UNAVAILABLE"
    booked.refresh_from_db()
    assert (booked.appointment_time, booked.status) == (dt.time(9), "confirmed")


def test_the_patient_must_be_free_at_the_new_time(as_user, patient, make_user, booked):
    other_doctor = make_user("doctor")
    AppointmentFactory(doctor=other_doctor, patient=patient, starts_at=clinic_dt(MONDAY, 11))
    response = move(as_user(patient), booked, "11:00")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "SLOT_UNAVAILABLE"


def test_its_own_hold_does_not_block_an_overlapping_new_slot(as_user, receptionist, clinic_doctor, patient):
    # Booked at 20 minutes; slots are now 30: moving to 09:00 overlaps only itself.
    appointment = AppointmentFactory(
        doctor=clinic_doctor, patient=patient, starts_at=clinic_dt(MONDAY, 9, 20), duration=20
    )
    response = move(as_user(receptionist), appointment, "09:00")
    assert response.status_code == 200
    assert response.json()["data"]["appointment"]["duration"] == 30


def test_service_raises_slot_unavailable_on_a_taken_slot(receptionist, make_user, clinic_doctor, booked):
    AppointmentFactory(doctor=clinic_doctor, patient=make_user("patient"), starts_at=clinic_dt(MONDAY, 12))
    with pytest.raises(SlotUnavailable):
        appointment_reschedule(
            actor=receptionist, appointment=booked, appointment_date=MONDAY, appointment_time=dt.time(12)
        )


@pytest.mark.parametrize(
    "payload",
    [
        {"appointmentDate": "2026-03-02", "appointmentTime": "11"},
        {"appointmentDate": None, "appointmentTime": "11:00"},
        {},
    ],
)
def test_bad_input_is_a_validation_error(as_user, patient, booked, payload):
    response = as_user(patient).put(f"/api/appointments/{booked.pk}/reschedule", payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
