"""Doctors' leave (SPEC.md §4): who may manage it, its effect on slots, bookings inside it reported back."""

import datetime as dt

import pytest

from accounts.models import DoctorLeave
from accounts.services.leaves import doctor_leave_create
from appointments.models import Appointment
from appointments.tests.factories import MONDAY, SUNDAY, AppointmentFactory, DoctorFactory, clinic_dt
from arthomed.core.errors import PermissionDenied

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sunday_morning")]


@pytest.fixture
def clinic_doctor():
    """Mondays 09:00-12:00: six 30-minute slots."""
    return DoctorFactory(name="Dr Leave", schedule=["monday 09:00-12:00"])


def leaves_url(doctor, leave_id=None) -> str:
    return f"/api/users/doctors/{doctor.pk}/leaves" + (f"/{leave_id}" if leave_id else "")


def add_leave(client, doctor, **fields):
    return client.post(leaves_url(doctor), {"date": MONDAY.isoformat(), "reason": "personal"} | fields, format="json")


def available(api, doctor) -> list[str]:
    params = {"doctorId": str(doctor.pk), "date": MONDAY.isoformat()}
    return [s["startTime"] for s in api.get("/api/appointments/slots", params).json()["data"]["availableSlots"]]


def test_a_doctor_blocks_a_whole_day_and_sees_the_bookings_inside(api, as_user, clinic_doctor, patient, make_user):
    inside = AppointmentFactory(
        doctor=clinic_doctor, patient=patient, starts_at=clinic_dt(MONDAY, 9), status="confirmed"
    )
    AppointmentFactory(
        doctor=clinic_doctor, patient=make_user("patient"), starts_at=clinic_dt(MONDAY, 10), status="cancelled"
    )
    AppointmentFactory(
        doctor=clinic_doctor, patient=make_user("patient"), starts_at=clinic_dt(MONDAY + dt.timedelta(weeks=1), 9)
    )
    response = add_leave(as_user(clinic_doctor), clinic_doctor, reason="emergency", note="Conference")
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["leave"] | {"_id": None, "createdAt": None} == {
        "_id": None,
        "doctorId": str(clinic_doctor.pk),
        "date": "2026-03-02",
        "startTime": None,
        "endTime": None,
        "isWholeDay": True,
        "reason": "emergency",
        "note": "Conference",
        "createdAt": None,
    }
    assert [a["_id"] for a in data["affectedAppointments"]] == [str(inside.pk)]
    assert data["affectedAppointments"][0]["status"] == "confirmed"
    inside.refresh_from_db()
    assert inside.status == "confirmed"  # reported, never cancelled silently
    assert available(api, clinic_doctor) == []


def test_a_time_range_blocks_only_the_slots_it_touches(api, as_user, clinic_doctor, patient):
    AppointmentFactory(doctor=clinic_doctor, patient=patient, starts_at=clinic_dt(MONDAY, 11))
    response = add_leave(as_user(clinic_doctor), clinic_doctor, startTime="09:30", endTime="10:15", reason="break")
    assert response.status_code == 201
    assert response.json()["data"]["affectedAppointments"] == []
    assert response.json()["data"]["leave"]["startTime"] == "09:30"
    assert available(api, clinic_doctor) == ["09:00", "10:30", "11:30"]


@pytest.mark.parametrize("staff", ["receptionist", "admin_user"])
def test_staff_manage_any_doctors_leave(request, as_user, clinic_doctor, staff):
    client = as_user(request.getfixturevalue(staff))
    created = add_leave(client, clinic_doctor)
    assert created.status_code == 201
    leave_id = created.json()["data"]["leave"]["_id"]
    listed = client.get(leaves_url(clinic_doctor))
    assert [item["_id"] for item in listed.json()["data"]["items"]] == [leave_id]
    deleted = client.delete(leaves_url(clinic_doctor, leave_id))
    assert deleted.status_code == 200
    assert deleted.json()["data"]["leave"]["_id"] == leave_id
    assert not DoctorLeave.objects.exists()


def test_deleting_a_leave_reopens_its_slots(api, as_user, clinic_doctor):
    leave_id = add_leave(as_user(clinic_doctor), clinic_doctor).json()["data"]["leave"]["_id"]
    assert available(api, clinic_doctor) == []
    assert as_user(clinic_doctor).delete(leaves_url(clinic_doctor, leave_id)).status_code == 200
    assert len(available(api, clinic_doctor)) == 6


def test_the_list_shows_upcoming_leave_soonest_first(as_user, clinic_doctor):
    for day in (MONDAY + dt.timedelta(days=3), MONDAY, SUNDAY - dt.timedelta(days=5)):
        DoctorLeave.objects.create(doctor=clinic_doctor, date=day, reason="personal")
    items = as_user(clinic_doctor).get(leaves_url(clinic_doctor)).json()["data"]["items"]
    assert [item["date"] for item in items] == ["2026-03-02", "2026-03-05"]


def test_another_doctors_leave_is_not_found(as_user, clinic_doctor, make_user):
    leave = DoctorLeave.objects.create(doctor=clinic_doctor, date=MONDAY, reason="personal")
    client = as_user(make_user("doctor"))
    for response in (
        client.get(leaves_url(clinic_doctor)),
        add_leave(client, clinic_doctor),
        client.delete(leaves_url(clinic_doctor, leave.pk)),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "DOCTOR_NOT_FOUND"
    assert DoctorLeave.objects.count() == 1


def test_patients_and_anonymous_callers_are_refused(api, as_user, patient, clinic_doctor):
    assert as_user(patient).get(leaves_url(clinic_doctor)).status_code == 403
    assert add_leave(as_user(patient), clinic_doctor).status_code == 403
    assert api.get(leaves_url(clinic_doctor)).status_code == 401


def test_the_service_checks_who_acts(patient, clinic_doctor):
    with pytest.raises(PermissionDenied):
        doctor_leave_create(actor=patient, doctor=clinic_doctor, date=MONDAY, reason="personal")


def test_a_leave_of_another_doctor_is_not_found_under_this_one(as_user, receptionist, clinic_doctor, make_user):
    other = DoctorLeave.objects.create(doctor=make_user("doctor"), date=MONDAY, reason="personal")
    for leave_id in (other.pk, "not-a-uuid"):
        response = as_user(receptionist).delete(leaves_url(clinic_doctor, leave_id))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND"
    assert DoctorLeave.objects.filter(pk=other.pk).exists()


def test_unknown_doctor(as_user, receptionist, patient):
    for doctor_id in (patient.pk, "not-a-uuid"):
        response = as_user(receptionist).get(f"/api/users/doctors/{doctor_id}/leaves")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "DOCTOR_NOT_FOUND"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"startTime": "10:00"}, "endTime"),
        ({"startTime": "11:00", "endTime": "10:00"}, "endTime"),
        ({"date": "2026-02-27"}, "date"),
        ({"date": "tomorrow"}, "date"),
        ({"reason": "holiday"}, "reason"),
        ({"startTime": "25:00", "endTime": "26:00"}, "startTime"),
    ],
)
def test_invalid_leave(as_user, clinic_doctor, fields, field):
    response = add_leave(as_user(clinic_doctor), clinic_doctor, **fields)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not DoctorLeave.objects.exists()
    assert not Appointment.objects.exists()
