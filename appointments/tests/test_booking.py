"""Booking (SPEC.md §5): who may book for whom, every refusal, the cap, Idempotency-Key."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from accounts.models import DoctorLeave, User
from appointments.models import Appointment, AppointmentStatusChange
from appointments.services.booking import appointment_book
from appointments.tests.factories import MONDAY, AppointmentFactory, DoctorFactory, clinic_dt
from arthomed.core.errors import BookingLimitReached, PermissionDenied, SlotUnavailable

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sunday_morning")]


@pytest.fixture
def clinic_doctor():
    """Mondays 09:00-13:00, 30-minute slots, fee 750."""
    return DoctorFactory(
        name="Dr Anil Kumar", specialization="Sports Medicine", fee=750, schedule=["monday 09:00-13:00"]
    )


def body(doctor, time: str = "09:00", day: dt.date = MONDAY, **extra) -> dict:
    return {
        "doctorId": str(doctor.pk),
        "appointmentDate": day.isoformat(),
        "appointmentTime": time,
        "purposeOfVisit": "consultation",
        "reason": "Knee pain after running",
        **extra,
    }


def book(client, payload, **headers):
    return client.post("/api/appointments/book", payload, format="json", **headers)


def error_code(response) -> str:
    return response.json()["error"]["code"]


class TestWhoBooks:
    def test_a_patient_books_for_themselves(self, as_user, patient, clinic_doctor):
        response = book(as_user(patient), body(clinic_doctor, symptoms="Swelling"))
        assert response.status_code == 201
        data = response.json()["data"]["appointment"]
        assert data["status"] == "pending"
        assert data["patient"] == {"_id": str(patient.pk), "name": patient.name, "mobileNumber": patient.mobile_number}
        assert data["doctor"] == {
            "_id": str(clinic_doctor.pk),
            "name": "Dr Anil Kumar",
            "doctorInfo": {"specialization": "Sports Medicine", "consultationFee": 750.0},
        }
        assert (data["appointmentDate"], data["appointmentTime"], data["endTime"]) == ("2026-03-02", "09:00", "09:30")
        assert data["duration"] == 30
        assert data["fee"] == 750.0
        assert data["symptoms"] == "Swelling"
        assert data["confirmedAt"] is None
        assert data["cancellation"] is None and data["feedback"] is None
        assert [(h["from"], h["to"], h["by"]) for h in data["statusHistory"]] == [(None, "pending", str(patient.pk))]
        row = Appointment.objects.get()
        assert row.starts_at == dt.datetime(2026, 3, 2, 3, 30, tzinfo=dt.UTC)
        assert row.booked_by == patient

    def test_patient_id_sent_by_a_patient_is_ignored(self, as_user, patient, make_user, clinic_doctor):
        other = make_user("patient")
        response = book(as_user(patient), body(clinic_doctor, patientId=str(other.pk)))
        assert response.status_code == 201
        assert Appointment.objects.get().patient == patient

    def test_the_fee_is_copied_at_booking_time(self, as_user, patient, clinic_doctor):
        book(as_user(patient), body(clinic_doctor))
        clinic_doctor.doctor_profile.consultation_fee = Decimal("900.00")
        clinic_doctor.doctor_profile.save()
        assert Appointment.objects.get().fee == Decimal("750.00")

    @pytest.mark.parametrize("staff", ["receptionist", "admin_user"])
    def test_staff_book_for_a_patient_confirmed_directly(self, request, as_user, patient, clinic_doctor, staff):
        actor = request.getfixturevalue(staff)
        response = book(as_user(actor), body(clinic_doctor, patientId=str(patient.pk)))
        assert response.status_code == 201
        data = response.json()["data"]["appointment"]
        assert data["status"] == "confirmed"
        assert data["confirmedAt"] is not None
        assert data["patient"]["_id"] == str(patient.pk)
        assert [(h["from"], h["to"], h["by"]) for h in data["statusHistory"]] == [(None, "confirmed", str(actor.pk))]

    def test_a_receptionist_sees_no_clinical_fields_in_the_answer(self, as_user, receptionist, patient, clinic_doctor):
        data = book(as_user(receptionist), body(clinic_doctor, patientId=str(patient.pk))).json()["data"]
        appointment = data["appointment"]
        assert "visitSummary" not in appointment and "prescription" not in appointment
        assert "notes" not in appointment and "receptionistNote" in appointment

    def test_staff_book_a_walk_in_creating_the_patient(self, as_user, receptionist, clinic_doctor):
        payload = body(clinic_doctor, patientMobileNumber="+91 98765 43210", patientName="Walk In Person")
        response = book(as_user(receptionist), payload)
        assert response.status_code == 201
        walk_in = User.objects.get(mobile_number="9876543210")
        assert (walk_in.role, walk_in.name) == ("patient", "Walk In Person")
        assert response.json()["data"]["appointment"]["patient"]["_id"] == str(walk_in.pk)

    def test_a_walk_in_who_has_an_account_is_booked_on_it(self, as_user, receptionist, patient, clinic_doctor):
        # The holder's own name (case and spacing aside) books the holder (families: test_family_booking.py).
        payload = body(clinic_doctor, patientMobileNumber=patient.mobile_number, patientName=" priya   PATIENT")
        assert book(as_user(receptionist), payload).status_code == 201
        assert Appointment.objects.get().patient == patient
        assert Appointment.objects.get().family_member is None
        assert User.objects.filter(role="patient").count() == 1

    def test_a_failed_walk_in_booking_leaves_no_account_behind(self, as_user, receptionist, clinic_doctor):
        payload = body(clinic_doctor, time="09:10", patientMobileNumber="9876543210", patientName="Walk In")
        response = book(as_user(receptionist), payload)
        assert response.status_code == 409
        assert error_code(response) == "SLOT_UNAVAILABLE"
        assert not User.objects.filter(mobile_number="9876543210").exists()

    @pytest.mark.parametrize(
        ("extra", "field"),
        [
            ({}, "patientId"),
            ({"patientMobileNumber": "9876543210"}, "patientName"),
            ({"patientId": "not-a-user"}, None),
        ],
    )
    def test_staff_must_name_the_patient(self, as_user, receptionist, clinic_doctor, extra, field):
        response = book(as_user(receptionist), body(clinic_doctor, **extra))
        if field is None:
            assert response.status_code == 404
            assert error_code(response) == "USER_NOT_FOUND"
        else:
            assert response.status_code == 400
            assert [error["field"] for error in response.json()["errors"]] == [field]

    def test_staff_cannot_book_for_a_non_patient(self, as_user, receptionist, make_user, clinic_doctor):
        other_doctor = make_user("doctor")
        response = book(as_user(receptionist), body(clinic_doctor, patientId=str(other_doctor.pk)))
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "patientId"

    def test_a_walk_in_number_must_be_valid(self, as_user, receptionist, clinic_doctor):
        payload = body(clinic_doctor, patientMobileNumber="12345", patientName="Walk In")
        response = book(as_user(receptionist), payload)
        assert response.status_code == 400
        assert error_code(response) == "INVALID_MOBILE_NUMBER"

    def test_doctors_may_not_book(self, as_user, doctor, clinic_doctor):
        response = book(as_user(doctor), body(clinic_doctor))
        assert response.status_code == 403
        assert error_code(response) == "PERMISSION_DENIED"

    def test_the_service_refuses_doctors_too(self, doctor, clinic_doctor):
        with pytest.raises(PermissionDenied):
            appointment_book(
                actor=doctor,
                doctor_id=clinic_doctor.pk,
                appointment_date=MONDAY,
                appointment_time=dt.time(9),
                purpose_of_visit="consultation",
                reason="x",
            )

    def test_anonymous_requests_need_a_token(self, api, clinic_doctor):
        response = book(api, body(clinic_doctor))
        assert response.status_code == 401
        assert error_code(response) == "AUTHENTICATION_REQUIRED"


class TestSlotRefusals:
    @pytest.mark.parametrize(
        ("time", "day"),
        [
            ("09:10", MONDAY),  # not on the slot grid
            ("13:00", MONDAY),  # after the block
            ("12:45", MONDAY),  # would run past the block
            ("09:00", MONDAY + dt.timedelta(days=1)),  # a day off
            ("09:00", MONDAY - dt.timedelta(days=7)),  # the past
            ("09:00", MONDAY + dt.timedelta(weeks=10)),  # beyond the 60-day horizon
        ],
    )
    def test_not_a_bookable_slot(self, as_user, patient, clinic_doctor, time, day):
        response = book(as_user(patient), body(clinic_doctor, time=time, day=day))
        assert response.status_code == 409
        assert error_code(response) == "SLOT_UNAVAILABLE"
        assert not Appointment.objects.exists()

    def test_a_taken_slot(self, as_user, patient, make_user, clinic_doctor):
        assert book(as_user(make_user("patient")), body(clinic_doctor)).status_code == 201
        response = book(as_user(patient), body(clinic_doctor))
        assert response.status_code == 409
        assert error_code(response) == "SLOT_UNAVAILABLE"
        assert response.json()["message"] == "Selected time slot is not available"

    def test_a_slot_overlapped_by_an_older_longer_booking(self, as_user, patient, make_user, clinic_doctor):
        AppointmentFactory(
            doctor=clinic_doctor, patient=make_user("patient"), starts_at=clinic_dt(MONDAY, 9, 20), duration=20
        )
        response = book(as_user(patient), body(clinic_doctor, time="09:30"))
        assert response.status_code == 409
        assert error_code(response) == "SLOT_UNAVAILABLE"

    def test_a_slot_within_the_minimum_notice(self, as_user, patient, clinic_doctor):
        with time_machine.travel(clinic_dt(MONDAY, 8, 30), tick=False):
            response = book(as_user(patient), body(clinic_doctor, time="09:00"))
            assert response.status_code == 409
            assert error_code(response) == "SLOT_UNAVAILABLE"
            assert book(as_user(patient), body(clinic_doctor, time="09:30")).status_code == 201

    def test_a_slot_on_leave(self, as_user, patient, clinic_doctor):
        DoctorLeave.objects.create(
            doctor=clinic_doctor, date=MONDAY, start_time=dt.time(9), end_time=dt.time(10), reason="emergency"
        )
        response = book(as_user(patient), body(clinic_doctor))
        assert response.status_code == 409
        assert error_code(response) == "SLOT_UNAVAILABLE"

    def test_a_slot_freed_by_a_cancellation_can_be_booked(self, as_user, patient, make_user, clinic_doctor):
        AppointmentFactory(
            doctor=clinic_doctor, patient=make_user("patient"), starts_at=clinic_dt(MONDAY, 9), status="cancelled"
        )
        assert book(as_user(patient), body(clinic_doctor)).status_code == 201

    def test_a_patient_cannot_hold_two_overlapping_appointments(self, as_user, patient, clinic_doctor):
        other_doctor = DoctorFactory(schedule=["monday 09:00-10:00"])
        assert book(as_user(patient), body(clinic_doctor)).status_code == 201
        response = book(as_user(patient), body(other_doctor))
        assert response.status_code == 409
        assert error_code(response) == "SLOT_UNAVAILABLE"
        assert book(as_user(patient), body(other_doctor, time="09:30")).status_code == 201

    def test_unknown_doctor(self, as_user, patient, receptionist):
        response = book(as_user(patient), body(receptionist))
        assert response.status_code == 404
        assert error_code(response) == "DOCTOR_NOT_FOUND"

    def test_an_inactive_doctor_cannot_be_booked(self, as_user, patient, clinic_doctor):
        User.objects.filter(pk=clinic_doctor.pk).update(is_active=False)
        assert error_code(book(as_user(patient), body(clinic_doctor))) == "DOCTOR_NOT_FOUND"

    def test_the_service_raises_slot_unavailable(self, patient, clinic_doctor):
        with pytest.raises(SlotUnavailable):
            appointment_book(
                actor=patient,
                doctor_id=clinic_doctor.pk,
                appointment_date=MONDAY,
                appointment_time=dt.time(9, 10),
                purpose_of_visit="consultation",
                reason="x",
            )


class TestValidation:
    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"reason": ""}, "reason"),
            ({"reason": "x" * 501}, "reason"),
            ({"symptoms": "x" * 1001}, "symptoms"),
            ({"purposeOfVisit": "x" * 101}, "purposeOfVisit"),
            ({"purposeOfVisit": ""}, "purposeOfVisit"),
            ({"appointmentTime": "9am"}, "appointmentTime"),
            ({"appointmentDate": "2026-02-30"}, "appointmentDate"),
            ({"doctorId": None}, "doctorId"),
        ],
    )
    def test_field_errors(self, as_user, patient, clinic_doctor, change, field):
        response = book(as_user(patient), body(clinic_doctor) | change)
        assert response.status_code == 400
        assert error_code(response) == "VALIDATION_ERROR"
        assert field in [error["field"] for error in response.json()["errors"]]

    def test_purpose_of_visit_is_free_text(self, as_user, make_user, clinic_doctor):
        purposes = ["consultation", "follow-up", "emergency", "routine-checkup", "vaccination", "Regular checkup"]
        for index, purpose in enumerate(purposes):
            payload = body(clinic_doctor, time=f"{9 + index // 2:02d}:{30 * (index % 2):02d}", purposeOfVisit=purpose)
            response = book(as_user(make_user("patient")), payload)
            assert response.status_code == 201
            assert response.json()["data"]["appointment"]["purposeOfVisit"] == purpose

    def test_an_overlong_idempotency_key(self, as_user, patient, clinic_doctor):
        response = book(as_user(patient), body(clinic_doctor), HTTP_IDEMPOTENCY_KEY="k" * 129)
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "Idempotency-Key"


class TestBookingCap:
    def test_at_most_the_configured_future_bookings(self, as_user, patient, clinic_doctor, settings):
        settings.MAX_ACTIVE_BOOKINGS_PER_PATIENT = 3
        client = as_user(patient)
        for time in ("09:00", "09:30", "10:00"):
            assert book(client, body(clinic_doctor, time=time)).status_code == 201
        response = book(client, body(clinic_doctor, time="10:30"))
        assert response.status_code == 409
        assert error_code(response) == "BOOKING_LIMIT_REACHED"

    def test_past_and_inactive_appointments_do_not_count(self, as_user, patient, clinic_doctor, settings):
        settings.MAX_ACTIVE_BOOKINGS_PER_PATIENT = 2
        AppointmentFactory(
            doctor=clinic_doctor,
            patient=patient,
            starts_at=clinic_dt(MONDAY - dt.timedelta(weeks=1), 9),
            status="confirmed",
        )
        AppointmentFactory(doctor=clinic_doctor, patient=patient, starts_at=clinic_dt(MONDAY, 12), status="cancelled")
        AppointmentFactory(
            doctor=clinic_doctor, patient=patient, starts_at=clinic_dt(MONDAY, 12, 30), status="rejected"
        )
        client = as_user(patient)
        assert book(client, body(clinic_doctor, time="09:00")).status_code == 201
        assert book(client, body(clinic_doctor, time="09:30")).status_code == 201
        response = book(client, body(clinic_doctor, time="10:00"))
        assert response.status_code == 409
        assert error_code(response) == "BOOKING_LIMIT_REACHED"

    def test_the_cap_applies_to_staff_bookings_too(self, patient, receptionist, clinic_doctor, settings):
        settings.MAX_ACTIVE_BOOKINGS_PER_PATIENT = 1
        AppointmentFactory(doctor=clinic_doctor, patient=patient, starts_at=clinic_dt(MONDAY, 12))
        with pytest.raises(BookingLimitReached):
            appointment_book(
                actor=receptionist,
                doctor_id=clinic_doctor.pk,
                patient_id=patient.pk,
                appointment_date=MONDAY,
                appointment_time=dt.time(9),
                purpose_of_visit="consultation",
                reason="x",
            )


class TestIdempotency:
    def test_a_replay_returns_the_first_appointment(self, as_user, patient, clinic_doctor):
        client = as_user(patient)
        first = book(client, body(clinic_doctor), HTTP_IDEMPOTENCY_KEY="retry-1")
        # The retry even names another slot: the key decides, the first result comes back.
        again = book(client, body(clinic_doctor, time="10:00"), HTTP_IDEMPOTENCY_KEY="retry-1")
        assert first.status_code == again.status_code == 201
        assert again.json()["data"]["appointment"] == first.json()["data"]["appointment"]
        assert Appointment.objects.count() == 1
        assert AppointmentStatusChange.objects.count() == 1

    def test_a_replay_of_a_walk_in_returns_the_first_appointment(self, as_user, receptionist, clinic_doctor):
        payload = body(clinic_doctor, patientMobileNumber="9876543210", patientName="Walk In")
        first = book(as_user(receptionist), payload, HTTP_IDEMPOTENCY_KEY="desk-7")
        again = book(as_user(receptionist), payload, HTTP_IDEMPOTENCY_KEY="desk-7")
        assert first.json()["data"]["appointment"]["_id"] == again.json()["data"]["appointment"]["_id"]
        assert Appointment.objects.count() == 1

    def test_the_same_key_of_another_patient_is_another_booking(self, as_user, patient, make_user, clinic_doctor):
        book(as_user(patient), body(clinic_doctor), HTTP_IDEMPOTENCY_KEY="same")
        response = book(as_user(make_user("patient")), body(clinic_doctor, time="09:30"), HTTP_IDEMPOTENCY_KEY="same")
        assert response.status_code == 201
        assert Appointment.objects.count() == 2

    def test_without_a_key_a_retry_is_a_new_request(self, as_user, patient, clinic_doctor):
        client = as_user(patient)
        assert book(client, body(clinic_doctor)).status_code == 201
        response = book(client, body(clinic_doctor))
        assert response.status_code == 409
        assert error_code(response) == "SLOT_UNAVAILABLE"
