"""One appointment (SPEC.md §5): participants and staff; receptionists see no clinical fields."""

import pytest

from appointments.models import AppointmentStatus as S
from appointments.tests.factories import AppointmentFactory
from arthomed.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment(patient, doctor):
    return AppointmentFactory(
        patient=patient,
        doctor=doctor,
        status=S.COMPLETED,
        doctor_notes="Watch the left knee",
        receptionist_notes="Prefers mornings",
        visit_summary={"diagnosis": "Meniscus tear"},
        prescription_details={"advice": "Physiotherapy"},
        follow_up_note="MRI review",
    )


@pytest.mark.parametrize("who", ["patient", "doctor", "admin_user"])
def test_participants_and_admins_see_everything(request, as_user, appointment, who):
    response = as_user(request.getfixturevalue(who)).get(f"/api/appointments/{appointment.pk}")
    assert response.status_code == 200
    body = response.json()["data"]["appointment"]
    assert body["_id"] == str(appointment.pk)
    assert body["patient"]["_id"] == str(appointment.patient_id)
    assert body["patient"]["mobileNumber"]
    assert body["doctor"]["doctorInfo"]["specialization"]
    assert body["visitSummary"] == {"diagnosis": "Meniscus tear"}
    assert body["prescriptionDetails"] == {"advice": "Physiotherapy"}
    assert body["prescription"] == "Advice: Physiotherapy"  # the structured prescription, readable
    assert body["followUp"]["note"] == "MRI review"
    assert body["notes"] == "Watch the left knee"
    assert (body["patientNote"], body["receptionistNote"]) == ("", "Prefers mornings")
    assert body["appointmentTime"] == appointment.appointment_time.strftime("%H:%M")
    assert body["statusHistory"][0]["to"] == "pending"


def test_receptionist_sees_no_clinical_fields(as_user, receptionist, appointment):
    body = as_user(receptionist).get(f"/api/appointments/{appointment.pk}").json()["data"]["appointment"]
    for field in ("notes", "visitSummary", "prescription", "prescriptionDetails", "followUp"):
        assert field not in body
    assert (body["patientNote"], body["receptionistNote"]) == ("", "Prefers mornings")
    assert "Meniscus" not in str(body)
    assert body["status"] == "completed"


def test_others_appointment_is_not_found(as_user, make_user, appointment):
    for user in (make_user(Role.PATIENT), make_user(Role.DOCTOR)):
        response = as_user(user).get(f"/api/appointments/{appointment.pk}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "APPOINTMENT_NOT_FOUND"


@pytest.mark.parametrize("bad_id", ["x", "00000000-0000-0000-0000-000000000000", "1' OR '1'='1"])
def test_unknown_or_malformed_id(as_user, admin_user, bad_id):
    response = as_user(admin_user).get(f"/api/appointments/{bad_id}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "APPOINTMENT_NOT_FOUND"


def test_anonymous_is_refused(api, appointment):
    response = api.get(f"/api/appointments/{appointment.pk}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTHENTICATION_REQUIRED"
