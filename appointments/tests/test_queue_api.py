"""The day's queue through the HTTP API (SPEC.md §10, §12): check-in, walk-ins, the delay, the queue
of one appointment and of a doctor's day, the patient dashboard's today queue."""

import datetime as dt

import pytest
import time_machine

from appointments.models import AppointmentStatus
from appointments.services.lifecycle import appointment_status_update
from appointments.services.queue import appointment_check_in
from appointments.tests.factories import MONDAY, AppointmentFactory, DoctorFactory, FamilyMemberFactory, clinic_dt
from arthomed import sms
from arthomed.core.roles import Role

pytestmark = pytest.mark.django_db

CLINICAL_KEYS = {"notes", "visitSummary", "prescription", "prescriptionDetails", "patientInfo", "symptoms", "reason"}


@pytest.fixture(autouse=True)
def nine_oclock():
    with time_machine.travel(clinic_dt(MONDAY, 9), tick=False):
        yield clinic_dt(MONDAY, 9)


def visit(doctor, hour: int, minute: int = 0, *, day=MONDAY, status=AppointmentStatus.CONFIRMED, **fields):
    starts_at = clinic_dt(day, hour) + dt.timedelta(minutes=minute)
    return AppointmentFactory(doctor=doctor, starts_at=starts_at, status=status, **fields)


def code(response) -> str:
    return response.json()["error"]["code"]


class TestCheckInApi:
    def test_the_desk_checks_in_and_gets_the_appointment_back(self, as_user, receptionist, clinic_doctor):
        appointment = visit(clinic_doctor, 9, 30)
        response = as_user(receptionist).post(f"/api/appointments/{appointment.pk}/check-in")
        assert response.status_code == 200
        data = response.json()["data"]["appointment"]
        assert (data["status"], data["tokenNumber"], data["kind"]) == ("confirmed", 1, "scheduled")
        assert data["checkedInAt"].startswith("2026-03-02T09:00:00")
        assert data["statusHistory"][-1]["note"] == "checked in, token 1"
        assert not (CLINICAL_KEYS - {"reason", "symptoms"}) & set(data)

    def test_twice_and_tomorrow_are_refused(self, as_user, admin_user, clinic_doctor):
        client = as_user(admin_user)
        appointment = visit(clinic_doctor, 9, 30)
        assert client.post(f"/api/appointments/{appointment.pk}/check-in").status_code == 200
        again = client.post(f"/api/appointments/{appointment.pk}/check-in")
        assert (again.status_code, code(again)) == (409, "INVALID_STATUS_TRANSITION")
        assert again.json()["error"]["details"]["reason"] == "already-checked-in"
        tomorrow = visit(clinic_doctor, 9, 30, day=MONDAY + dt.timedelta(days=1))
        refused = client.post(f"/api/appointments/{tomorrow.pk}/check-in")
        assert (refused.status_code, code(refused)) == (409, "INVALID_STATUS_TRANSITION")
        assert refused.json()["error"]["details"]["reason"] == "not-today"

    def test_only_the_desk(self, as_user, clinic_doctor, patient):
        appointment = visit(clinic_doctor, 9, 30, patient=patient)
        for actor in (patient, clinic_doctor):
            response = as_user(actor).post(f"/api/appointments/{appointment.pk}/check-in")
            assert (response.status_code, code(response)) == (403, "PERMISSION_DENIED")

    def test_an_unknown_appointment(self, as_user, receptionist):
        response = as_user(receptionist).post("/api/appointments/not-an-id/check-in")
        assert (response.status_code, code(response)) == (404, "APPOINTMENT_NOT_FOUND")


def walk_in_body(doctor, **extra) -> dict:
    return {
        "doctorId": str(doctor.pk),
        "appointmentDate": MONDAY.isoformat(),
        "kind": "walk-in",
        "purposeOfVisit": "Back pain",
        "reason": "Walked in",
        "patientMobileNumber": "9876543210",
        "patientName": "Asha Rao",
        **extra,
    }


class TestWalkInApi:
    def test_a_full_day_gives_a_walk_in_place_with_a_token(self, as_user, receptionist, clinic_doctor, make_user):
        for n in range(8):
            visit(clinic_doctor, 9 + n // 2, 30 * (n % 2), patient=make_user(name=f"Booked {n}"))
        with time_machine.travel(clinic_dt(MONDAY, 10, 10), tick=False):
            response = as_user(receptionist).post("/api/appointments/book", walk_in_body(clinic_doctor), format="json")
        assert response.status_code == 201
        data = response.json()["data"]["appointment"]
        assert (data["kind"], data["status"], data["tokenNumber"]) == ("walk-in", "confirmed", 1)
        assert (data["appointmentDate"], data["appointmentTime"], data["endTime"]) == ("2026-03-02", "10:10", "10:40")
        assert data["checkedInAt"].startswith("2026-03-02T10:10:00")
        assert data["patient"]["name"] == "Asha Rao"

    def test_a_free_slot_today_is_taken_first(self, as_user, admin_user, clinic_doctor, patient):
        body = walk_in_body(clinic_doctor, patientId=str(patient.pk))
        response = as_user(admin_user).post("/api/appointments/book", body, format="json")
        assert response.status_code == 201
        data = response.json()["data"]["appointment"]
        # 09:00 starts this instant (started): the next free slot is 09:30, an ordinary scheduled booking.
        assert (data["kind"], data["appointmentTime"], data["tokenNumber"]) == ("scheduled", "09:30", 1)
        assert data["checkedInAt"] is not None

    def test_patients_cannot_walk_in(self, as_user, patient, clinic_doctor):
        response = as_user(patient).post("/api/appointments/book", walk_in_body(clinic_doctor), format="json")
        assert (response.status_code, code(response)) == (403, "PERMISSION_DENIED")

    @pytest.mark.parametrize(
        ("extra", "field"),
        [
            ({"appointmentTime": "11:00"}, "appointmentTime"),
            ({"appointmentDate": "2026-03-09"}, "appointmentDate"),
            ({"kind": "drop-in"}, "kind"),
            ({"kind": "scheduled"}, "appointmentTime"),
        ],
    )
    def test_shape_errors(self, as_user, receptionist, clinic_doctor, extra, field):
        response = as_user(receptionist).post(
            "/api/appointments/book", walk_in_body(clinic_doctor, **extra), format="json"
        )
        assert (response.status_code, code(response)) == (400, "VALIDATION_ERROR")
        assert [error["field"] for error in response.json()["errors"]] == [field]

    def test_a_doctor_off_today_takes_no_walk_in(self, as_user, receptionist, make_user):
        tuesday_only = DoctorFactory(name="Dr Tuesday", schedule=["tuesday 09:00-13:00"])
        response = as_user(receptionist).post("/api/appointments/book", walk_in_body(tuesday_only), format="json")
        assert (response.status_code, code(response)) == (409, "SLOT_UNAVAILABLE")
        assert response.json()["error"]["details"]["reason"] == "day-off"

    def test_the_cap_answers_booking_limit_reached(self, as_user, receptionist, clinic_doctor, make_user, settings):
        settings.WALK_INS_PER_DOCTOR_PER_DAY = 1
        for n in range(8):
            visit(clinic_doctor, 9 + n // 2, 30 * (n % 2), patient=make_user(name=f"Booked {n}"))
        client = as_user(receptionist)
        assert client.post("/api/appointments/book", walk_in_body(clinic_doctor), format="json").status_code == 201
        other = walk_in_body(clinic_doctor, patientMobileNumber="9876500000", patientName="Second Walker")
        response = client.post("/api/appointments/book", other, format="json")
        assert (response.status_code, code(response)) == (409, "BOOKING_LIMIT_REACHED")

    def test_staff_see_slots_inside_the_minimum_notice(self, as_user, api, receptionist, clinic_doctor, settings):
        settings.BOOKING_MIN_NOTICE_MINUTES = 60
        url = f"/api/appointments/slots?doctorId={clinic_doctor.pk}&date={MONDAY}"
        first = lambda client: client.get(url).json()["data"]["availableSlots"][0]["startTime"]  # noqa: E731
        assert first(as_user(receptionist)) == "09:30"
        assert first(api) == "10:00"


class TestDelayApi:
    def test_the_doctor_sets_their_own_delay(self, as_user, clinic_doctor, django_capture_on_commit_callbacks):
        visit(clinic_doctor, 10)
        with django_capture_on_commit_callbacks(execute=True):
            response = as_user(clinic_doctor).put(
                f"/api/users/doctors/{clinic_doctor.pk}/delay", {"minutes": 20, "note": "Ward round"}, format="json"
            )
        assert response.status_code == 200
        assert response.json()["data"]["delay"] == {
            "doctorId": str(clinic_doctor.pk),
            "date": "2026-03-02",
            "delayMinutes": 20,
            "note": "Ward round",
            "updatedAt": "2026-03-02T09:00:00.000+05:30",
            "notifiedCount": 1,
        }
        assert len(sms.outbox) == 1

    def test_another_doctor_is_refused_as_missing(self, as_user, clinic_doctor, make_user):
        other = make_user(Role.DOCTOR, name="Dr Other")
        response = as_user(other).put(f"/api/users/doctors/{clinic_doctor.pk}/delay", {"minutes": 20}, format="json")
        assert (response.status_code, code(response)) == (404, "DOCTOR_NOT_FOUND")

    def test_patients_are_refused(self, as_user, patient, clinic_doctor):
        response = as_user(patient).put(f"/api/users/doctors/{clinic_doctor.pk}/delay", {"minutes": 20}, format="json")
        assert (response.status_code, code(response)) == (403, "PERMISSION_DENIED")

    @pytest.mark.parametrize("minutes", [241, -1, "abc", None, 1.5])
    def test_bad_minutes(self, as_user, receptionist, clinic_doctor, minutes):
        url = f"/api/users/doctors/{clinic_doctor.pk}/delay"
        response = as_user(receptionist).put(url, {"minutes": minutes}, format="json")
        assert (response.status_code, code(response)) == (400, "VALIDATION_ERROR")
        assert response.json()["errors"][0]["field"] == "minutes"


class TestAppointmentQueueApi:
    def test_the_patient_reads_their_place(self, as_user, receptionist, clinic_doctor, patient):
        first = appointment_check_in(actor=receptionist, appointment=visit(clinic_doctor, 9))
        mine = appointment_check_in(actor=receptionist, appointment=visit(clinic_doctor, 9, 30, patient=patient))
        response = as_user(patient).get(f"/api/appointments/{mine.pk}/queue")
        assert response.status_code == 200
        assert response.json()["data"] == {
            "tokenNumber": 2,
            "position": 2,
            "patientsAhead": 1,
            "estimatedStartAt": "2026-03-02T09:30:00.000+05:30",
            "doctorDelayMinutes": 0,
            "status": "confirmed",
        }
        assert first.token_number == 1

    def test_participants_and_staff_only(self, as_user, clinic_doctor, patient, make_user, receptionist):
        appointment = visit(clinic_doctor, 9, 30, patient=patient)
        url = f"/api/appointments/{appointment.pk}/queue"
        for actor in (clinic_doctor, receptionist):
            assert as_user(actor).get(url).status_code == 200
        for stranger in (make_user(name="Someone Else"), make_user(Role.DOCTOR, name="Dr Else")):
            response = as_user(stranger).get(url)
            assert (response.status_code, code(response)) == (404, "APPOINTMENT_NOT_FOUND")


class TestDoctorQueueApi:
    def test_the_days_queue_in_order_without_clinical_content(self, as_user, receptionist, clinic_doctor, patient):
        child = FamilyMemberFactory(account=patient, name="Anu")
        seen = appointment_check_in(actor=receptionist, appointment=visit(clinic_doctor, 9))
        appointment_status_update(appointment=seen, actor=clinic_doctor, status=AppointmentStatus.IN_PROGRESS)
        late = appointment_check_in(actor=receptionist, appointment=visit(clinic_doctor, 10))
        early = appointment_check_in(
            actor=receptionist, appointment=visit(clinic_doctor, 9, 30, patient=patient, family_member=child)
        )
        visit(clinic_doctor, 11)  # not checked in: not in the queue
        for actor in (receptionist, clinic_doctor):
            response = as_user(actor).get(f"/api/users/doctors/{clinic_doctor.pk}/queue")
            assert response.status_code == 200
            data = response.json()["data"]
            assert (data["doctorId"], data["date"], data["delayMinutes"]) == (str(clinic_doctor.pk), "2026-03-02", 0)
            assert [item["_id"] for item in data["inConsultation"]] == [str(seen.pk)]
            assert data["inConsultation"][0]["estimatedStartAt"] == "2026-03-02T09:00:00.000+05:30"
            queue = data["queue"]
            assert [(item["_id"], item["tokenNumber"], item["position"]) for item in queue] == [
                (str(early.pk), 3, 1),
                (str(late.pk), 2, 2),
            ]
            assert queue[0]["patientName"] == "Anu" and queue[0]["appointmentTime"] == "09:30"
            for item in queue + data["inConsultation"]:
                assert not CLINICAL_KEYS & set(item)

    def test_another_day_by_date(self, as_user, receptionist, clinic_doctor):
        response = as_user(receptionist).get(f"/api/users/doctors/{clinic_doctor.pk}/queue?date=2026-03-09")
        assert response.status_code == 200
        assert response.json()["data"]["queue"] == [] and response.json()["data"]["date"] == "2026-03-09"
        bad = as_user(receptionist).get(f"/api/users/doctors/{clinic_doctor.pk}/queue?date=soon")
        assert (bad.status_code, code(bad)) == (400, "VALIDATION_ERROR")

    def test_who_may_read_it(self, as_user, clinic_doctor, patient, make_user):
        url = f"/api/users/doctors/{clinic_doctor.pk}/queue"
        response = as_user(patient).get(url)
        assert (response.status_code, code(response)) == (403, "PERMISSION_DENIED")
        response = as_user(make_user(Role.DOCTOR, name="Dr Else")).get(url)
        assert (response.status_code, code(response)) == (404, "DOCTOR_NOT_FOUND")

    @pytest.mark.parametrize("size", [2, 12])
    def test_a_fixed_number_of_queries(self, as_user, receptionist, clinic_doctor, django_assert_max_num_queries, size):
        client = as_user(receptionist)
        for n in range(size):
            appointment = visit(clinic_doctor, 9, 10 * n, duration=10)
            appointment_check_in(actor=receptionist, appointment=appointment)
        with django_assert_max_num_queries(9):
            response = client.get(f"/api/users/doctors/{clinic_doctor.pk}/queue")
        assert len(response.json()["data"]["queue"]) == size


class TestPatientDashboard:
    def test_todays_visits_carry_their_queue_place(self, as_user, receptionist, clinic_doctor, patient):
        appointment_check_in(actor=receptionist, appointment=visit(clinic_doctor, 9))
        mine = appointment_check_in(actor=receptionist, appointment=visit(clinic_doctor, 9, 30, patient=patient))
        visit(clinic_doctor, 12, patient=patient, status=AppointmentStatus.PENDING)  # not in the queue list
        visit(clinic_doctor, 9, day=MONDAY + dt.timedelta(days=7), patient=patient)  # not today
        with time_machine.travel(clinic_dt(MONDAY, 9, 40), tick=False):
            data = as_user(patient).get("/api/dashboard").json()["data"]
        assert data["todayQueue"] == [
            {
                "appointmentId": str(mine.pk),
                "doctorId": str(clinic_doctor.pk),
                "doctorName": "Dr Clinic",
                "appointmentTime": "09:30",
                "familyMember": None,
                "tokenNumber": 2,
                "position": 2,
                "patientsAhead": 1,
                "estimatedStartAt": "2026-03-02T10:10:00.000+05:30",
                "doctorDelayMinutes": 0,
                "status": "confirmed",
            }
        ]
