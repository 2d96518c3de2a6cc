"""`.ics` export (SPEC.md §5), parsed back with the same iCalendar library."""

import pytest
from icalendar import Calendar

from appointments.models import AppointmentStatus as S
from appointments.tests.factories import AppointmentFactory
from arthomed.core.roles import Role

pytestmark = pytest.mark.django_db


def test_patient_downloads_a_calendar_event(as_user, patient, doctor):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED)
    response = as_user(patient).get(f"/api/appointments/{appointment.pk}/ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f"appointment-{appointment.pk}.ics" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == appointment.starts_at
    assert event.decoded("dtend") == appointment.ends_at
    assert str(event["uid"]) == f"{appointment.pk}@arthomed"
    assert doctor.name in str(event["summary"])
    assert str(event["status"]) == "CONFIRMED"


def test_pending_is_tentative_and_cancelled_is_cancelled(as_user, patient, doctor):
    for status, expected in ((S.PENDING, "TENTATIVE"), (S.CANCELLED, "CANCELLED")):
        appointment = AppointmentFactory(patient=patient, doctor=doctor, status=status)
        response = as_user(patient).get(f"/api/appointments/{appointment.pk}/ics")
        (event,) = Calendar.from_ical(response.content).walk("VEVENT")
        assert str(event["status"]) == expected


def test_others_ics_is_not_found(as_user, make_user, patient, doctor):
    appointment = AppointmentFactory(patient=patient, doctor=doctor)
    response = as_user(make_user(Role.PATIENT)).get(f"/api/appointments/{appointment.pk}/ics")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "APPOINTMENT_NOT_FOUND"
    assert as_user(patient).get("/api/appointments/nope/ics").status_code == 404


def test_calendar_clients_asking_for_text_calendar_get_it(as_user, patient, doctor):
    appointment = AppointmentFactory(patient=patient, doctor=doctor)
    client = as_user(patient)
    response = client.get(f"/api/appointments/{appointment.pk}/ics", HTTP_ACCEPT="text/calendar")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    missing = client.get("/api/appointments/nope/ics", HTTP_ACCEPT="text/calendar")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "APPOINTMENT_NOT_FOUND"
