"""The lifecycle transition table (SPEC.md §5), through the services and the HTTP API."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from appointments.models import AppointmentStatus as S
from appointments.services.lifecycle import (
    TRANSITIONS,
    appointment_confirm,
    appointment_reject,
    appointment_status_update,
    appointment_visit_summary_update,
)
from appointments.tests.factories import AppointmentFactory
from arthomed.core.errors import (
    AppointmentCancelled,
    AppointmentNotFound,
    InvalidStatusTransition,
    PermissionDenied,
)
from arthomed.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment(patient, doctor):
    return AppointmentFactory(patient=patient, doctor=doctor)


def history(appointment):
    return [(c.from_status, c.to_status, c.changed_by_id) for c in appointment.status_history.order_by("id")]


def test_the_table_holds_exactly_the_moves_of_the_spec():
    assert set(TRANSITIONS) == {
        (S.PENDING, S.CONFIRMED),
        (S.PENDING, S.REJECTED),
        (S.PENDING, S.CANCELLED),
        (S.CONFIRMED, S.CANCELLED),
        (S.CONFIRMED, S.IN_PROGRESS),
        (S.CONFIRMED, S.COMPLETED),
        (S.IN_PROGRESS, S.COMPLETED),
        (S.CONFIRMED, S.NO_SHOW),
    }


def test_confirm_records_history_and_confirmed_at(appointment, receptionist):
    confirmed = appointment_confirm(appointment=appointment, actor=receptionist)
    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED
    assert confirmed.confirmed_at is not None
    assert history(confirmed)[-1] == (S.PENDING, S.CONFIRMED, receptionist.pk)


def test_confirm_through_both_url_forms(as_user, receptionist, patient, doctor):
    first, second = (
        AppointmentFactory(patient=patient, doctor=doctor),
        AppointmentFactory(patient=patient, doctor=doctor),
    )
    client = as_user(receptionist)

    response = client.post(f"/api/appointments/{first.pk}/confirm")
    assert response.status_code == 200, response.json()
    assert response.json()["data"]["appointment"]["status"] == "confirmed"

    response = client.post("/api/appointments/confirm", {"appointmentId": str(second.pk)}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()["data"]["appointment"]
    assert body["_id"] == str(second.pk)
    assert body["status"] == "confirmed"
    assert body["statusHistory"][-1]["from"] == "pending"
    assert body["statusHistory"][-1]["to"] == "confirmed"
    assert body["statusHistory"][-1]["by"] == str(receptionist.pk)
    assert body["confirmedAt"]


def test_confirm_by_body_needs_an_id(as_user, receptionist):
    response = as_user(receptionist).post("/api/appointments/confirm", {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "appointmentId"


def test_confirm_twice_is_an_invalid_transition(as_user, appointment, admin_user):
    client = as_user(admin_user)
    assert client.post(f"/api/appointments/{appointment.pk}/confirm").status_code == 200
    response = client.post(f"/api/appointments/{appointment.pk}/confirm")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "INVALID_STATUS_TRANSITION"


def test_reject_records_reason(as_user, appointment, receptionist):
    response = as_user(receptionist).post(
        f"/api/appointments/{appointment.pk}/reject", {"reason": "Doctor unavailable"}, format="json"
    )
    assert response.status_code == 200
    appointment.refresh_from_db()
    assert appointment.status == S.REJECTED
    assert appointment.rejection_reason == "Doctor unavailable"
    assert response.json()["data"]["appointment"]["statusHistory"][-1]["note"] == "Doctor unavailable"


@pytest.mark.parametrize("terminal", [S.COMPLETED, S.REJECTED, S.NO_SHOW])
@pytest.mark.parametrize("target", [S.CONFIRMED, S.IN_PROGRESS, S.COMPLETED, S.PENDING])
def test_terminal_states_are_final(patient, doctor, admin_user, terminal, target):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status=terminal)
    with pytest.raises(InvalidStatusTransition):
        appointment_status_update(appointment=appointment, actor=admin_user, status=target)
    appointment.refresh_from_db()
    assert appointment.status == terminal


def test_acting_on_a_cancelled_appointment_is_appointment_cancelled(as_user, patient, doctor, receptionist):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status=S.CANCELLED)
    response = as_user(receptionist).post(f"/api/appointments/{appointment.pk}/confirm")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "APPOINTMENT_CANCELLED"
    response = as_user(doctor).put(
        f"/api/appointments/{appointment.pk}/status", {"status": "in-progress"}, format="json"
    )
    assert response.json()["error"]["code"] == "APPOINTMENT_CANCELLED"


def test_pending_cannot_start_or_complete(appointment, doctor):
    for target in (S.IN_PROGRESS, S.COMPLETED, S.NO_SHOW):
        with pytest.raises(InvalidStatusTransition):
            appointment_status_update(appointment=appointment, actor=doctor, status=target)


def test_doctor_runs_the_visit_with_clinical_details(as_user, patient, doctor):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED)
    client = as_user(doctor)
    url = f"/api/appointments/{appointment.pk}/status"

    response = client.put(url, {"status": "in-progress"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["data"]["appointment"]["status"] == "in-progress"

    payload = {
        "status": "completed",
        "notes": "Mild sprain",
        "visitSummary": {"diagnosis": "Grade 1 ankle sprain", "vitals": {"bloodPressure": "120/80"}},
        "prescription": {"medicines": [{"name": "Paracetamol", "dosage": "500 mg"}], "nextVisit": "2 weeks"},
        "followUp": {"date": "2030-01-15", "note": "Review"},
    }
    response = client.put(url, payload, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()["data"]["appointment"]
    assert body["status"] == "completed"
    assert body["completedAt"]
    assert body["notes"] == "Mild sprain"
    assert body["visitSummary"]["diagnosis"] == "Grade 1 ankle sprain"
    assert body["visitSummary"]["vitals"]["bloodPressure"] == "120/80"
    assert body["prescriptionDetails"]["medicines"][0]["name"] == "Paracetamol"
    assert body["prescriptionDetails"]["nextVisit"] == "2 weeks"
    assert body["prescription"] == "Paracetamol - 500 mg\nNext visit: 2 weeks"  # the readable rendering
    assert body["followUp"] == {"date": "2030-01-15", "note": "Review"}
    assert body["statusHistory"][-1]["note"] == ""  # the visit note is clinical: never copied into history
    assert [(h["from"], h["to"]) for h in body["statusHistory"]][-2:] == [
        ("confirmed", "in-progress"),
        ("in-progress", "completed"),
    ]


def test_confirmed_can_complete_directly(patient, doctor):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED)
    completed = appointment_status_update(appointment=appointment, actor=doctor, status=S.COMPLETED)
    assert completed.status == S.COMPLETED
    assert completed.completed_at is not None


def test_another_doctors_appointment_is_not_found(make_user, patient, doctor):
    other_doctor = make_user(Role.DOCTOR)
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED)
    with pytest.raises(AppointmentNotFound):
        appointment_status_update(appointment=appointment, actor=other_doctor, status=S.IN_PROGRESS)


def test_receptionist_may_only_record_a_no_show(as_user, patient, doctor, receptionist):
    appointment = AppointmentFactory(
        patient=patient, doctor=doctor, status=S.CONFIRMED, starts_at=timezone.now() - dt.timedelta(minutes=20)
    )
    client = as_user(receptionist)
    url = f"/api/appointments/{appointment.pk}/status"
    for target in ("in-progress", "completed"):
        response = client.put(url, {"status": target}, format="json")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "PERMISSION_DENIED"
    response = client.put(url, {"status": "no-show", "notes": "Did not come"}, format="json")
    assert response.status_code == 200, response.json()
    appointment.refresh_from_db()
    assert appointment.status == S.NO_SHOW
    assert appointment.receptionist_notes == "Did not come"
    # ... and cannot write clinical details on the way.
    other = AppointmentFactory(
        patient=patient, doctor=doctor, status=S.CONFIRMED, starts_at=timezone.now() - dt.timedelta(hours=3)
    )
    with pytest.raises(PermissionDenied):
        appointment_status_update(
            appointment=other, actor=receptionist, status=S.NO_SHOW, visit_summary={"diagnosis": "x"}
        )


def test_no_show_only_after_the_start_time(patient, doctor):
    starts = timezone.now() + dt.timedelta(hours=1)
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED, starts_at=starts)
    with pytest.raises(InvalidStatusTransition):
        appointment_status_update(appointment=appointment, actor=doctor, status=S.NO_SHOW)
    with time_machine.travel(starts + dt.timedelta(minutes=1)):
        assert appointment_status_update(appointment=appointment, actor=doctor, status=S.NO_SHOW).status == S.NO_SHOW


def test_patient_may_not_change_status(as_user, appointment, patient):
    response = as_user(patient).put(
        f"/api/appointments/{appointment.pk}/status", {"status": "cancelled"}, format="json"
    )
    assert response.status_code == 403


def test_status_update_delegates_confirm_and_reject(appointment, admin_user, patient, doctor):
    assert (
        appointment_status_update(appointment=appointment, actor=admin_user, status=S.CONFIRMED).status == S.CONFIRMED
    )
    other = AppointmentFactory(patient=patient, doctor=doctor)
    rejected = appointment_status_update(appointment=other, actor=admin_user, status=S.REJECTED, notes="Full")
    assert rejected.rejection_reason == "Full"


def test_unknown_status_is_a_validation_error(as_user, appointment, doctor):
    response = as_user(doctor).put(f"/api/appointments/{appointment.pk}/status", {"status": "done"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "status"


def test_doctor_cannot_confirm(appointment, doctor):
    with pytest.raises(PermissionDenied):
        appointment_confirm(appointment=appointment, actor=doctor)


def test_system_actor_rejects_without_a_role(appointment):
    rejected = appointment_reject(appointment=appointment, actor=None, reason="expired")
    assert history(rejected)[-1] == (S.PENDING, S.REJECTED, None)


def test_visit_summary_partial_update_merges(as_user, patient, doctor):
    appointment = AppointmentFactory(
        patient=patient, doctor=doctor, status=S.COMPLETED, visit_summary={"diagnosis": "Sprain", "advice": "Rest"}
    )
    client = as_user(doctor)
    response = client.put(
        f"/api/appointments/{appointment.pk}/visit-summary",
        {"visitSummary": {"advice": "Ice and rest"}, "notes": {"doctor": "Better"}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()["data"]["appointment"]
    assert body["visitSummary"] == {"diagnosis": "Sprain", "advice": "Ice and rest"}
    assert body["notes"] == "Better"
    assert body["status"] == "completed"
    assert len(body["statusHistory"]) == 1  # no status change recorded


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"notes": "As a string", "prescription": "Rest - 1 week"}, ("As a string", "Rest - 1 week", {})),
        (
            {"notes": {"doctor": "As an object"}, "prescription": {"medicines": [{"name": "Ibuprofen"}]}},
            ("As an object", "Ibuprofen", {"medicines": [{"name": "Ibuprofen"}]}),
        ),
    ],
)
def test_visit_summary_accepts_strings_and_objects(as_user, patient, doctor, payload, expected):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status=S.COMPLETED)
    response = as_user(doctor).put(f"/api/appointments/{appointment.pk}/visit-summary", payload, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()["data"]["appointment"]
    assert (body["notes"], body["prescription"], body["prescriptionDetails"]) == expected


def test_prescription_of_another_type_is_a_validation_error(as_user, patient, doctor):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED)
    response = as_user(doctor).put(
        f"/api/appointments/{appointment.pk}/status", {"status": "completed", "prescription": 42}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "prescription"


def test_visit_summary_rules(patient, doctor, receptionist):
    pending = AppointmentFactory(patient=patient, doctor=doctor)
    with pytest.raises(InvalidStatusTransition):
        appointment_visit_summary_update(appointment=pending, actor=doctor, visit_summary={"diagnosis": "x"})
    cancelled = AppointmentFactory(patient=patient, doctor=doctor, status=S.CANCELLED)
    with pytest.raises(AppointmentCancelled):
        appointment_visit_summary_update(appointment=cancelled, actor=doctor, visit_summary={"diagnosis": "x"})
    confirmed = AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED)
    with pytest.raises(PermissionDenied):
        appointment_visit_summary_update(appointment=confirmed, actor=receptionist, visit_summary={"diagnosis": "x"})


def test_visit_summary_validation(as_user, patient, doctor):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED)
    response = as_user(doctor).put(
        f"/api/appointments/{appointment.pk}/visit-summary",
        {"prescription": {"medicines": [{"dosage": "1 tab"}]}, "followUp": {"date": "not-a-date"}},
        format="json",
    )
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"prescription.medicines[0].name", "followUp.date"}


@pytest.mark.parametrize("bad_id", ["nope", "00000000-0000-0000-0000-000000000000", "123"])
def test_unknown_or_malformed_ids_are_not_found(as_user, admin_user, bad_id):
    client = as_user(admin_user)
    for method, suffix in [("post", "/confirm"), ("post", "/reject"), ("put", "/cancel"), ("put", "/status")]:
        response = getattr(client, method)(
            f"/api/appointments/{bad_id}{suffix}", {"status": "confirmed"}, format="json"
        )
        assert response.status_code == 404, (method, suffix)
        assert response.json()["error"]["code"] == "APPOINTMENT_NOT_FOUND"
    response = client.post("/api/appointments/confirm", {"appointmentId": bad_id}, format="json")
    assert response.json()["error"]["code"] == "APPOINTMENT_NOT_FOUND"
