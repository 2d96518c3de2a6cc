"""Slots of a doctor on a date (SPEC.md §5), in clinic time (Asia/Kolkata, +05:30)."""

import datetime as dt

import pytest
import time_machine

from accounts.models import DoctorLeave
from appointments.selectors.slots import doctor_day_slots
from appointments.tests.factories import MONDAY, SUNDAY, AppointmentFactory, DoctorFactory, clinic_dt


@pytest.fixture
def clinic_doctor():
    """Mondays 09:00-13:00 and 16:00-19:00, 30-minute slots, fee 500."""
    return DoctorFactory(
        name="Dr Meera Rao",
        specialization="Arthroscopy",
        fee=500,
        schedule=["monday 09:00-13:00", "monday 16:00-19:00"],
    )


def get_slots(api, doctor, day):
    return api.get("/api/appointments/slots", {"doctorId": str(doctor.pk), "date": day.isoformat()})


def starts(slots: list[dict]) -> list[str]:
    return [slot["startTime"] for slot in slots]


@pytest.mark.django_db
@pytest.mark.usefixtures("sunday_morning")
class TestSlots:
    def test_blocks_are_cut_into_slots_with_the_doctor_and_fee(self, api, clinic_doctor):
        response = get_slots(api, clinic_doctor, MONDAY)
        assert response.status_code == 200
        data = response.json()["data"]
        assert data["date"] == "2026-03-02"
        assert data["doctor"] == {
            "_id": str(clinic_doctor.pk),
            "name": "Dr Meera Rao",
            "doctorInfo": {"specialization": "Arthroscopy", "consultationFee": 500.0},
        }
        assert len(data["availableSlots"]) == 8 + 6
        assert data["availableSlots"][0] == {
            "_id": data["availableSlots"][0]["_id"],
            "startTime": "09:00",
            "endTime": "09:30",
            "isAvailable": True,
            "consultationFee": 500.0,
        }
        assert starts(data["availableSlots"])[7:9] == ["12:30", "16:00"]
        assert data["bookedSlots"] == []
        assert data["reason"] is None
        again = get_slots(api, clinic_doctor, MONDAY).json()["data"]["availableSlots"]
        assert [slot["_id"] for slot in again] == [slot["_id"] for slot in data["availableSlots"]]  # stable
        assert len({slot["_id"] for slot in again}) == len(again)  # one per slot

    def test_a_last_piece_shorter_than_the_slot_is_dropped(self, api):
        doctor = DoctorFactory(schedule=["monday 09:00-10:45"])
        data = get_slots(api, doctor, MONDAY).json()["data"]
        assert starts(data["availableSlots"]) == ["09:00", "09:30", "10:00"]

    def test_an_active_booking_holds_its_slot(self, api, clinic_doctor, patient):
        AppointmentFactory(doctor=clinic_doctor, patient=patient, starts_at=clinic_dt(MONDAY, 11))
        data = get_slots(api, clinic_doctor, MONDAY).json()["data"]
        assert data["bookedSlots"] == [{"startTime": "11:00", "endTime": "11:30", "isAvailable": False}]
        assert "11:00" not in starts(data["availableSlots"])

    @pytest.mark.parametrize("status", ["pending", "confirmed", "in-progress", "completed"])
    def test_every_active_status_holds(self, api, clinic_doctor, patient, status):
        AppointmentFactory(doctor=clinic_doctor, patient=patient, starts_at=clinic_dt(MONDAY, 9), status=status)
        assert starts(get_slots(api, clinic_doctor, MONDAY).json()["data"]["bookedSlots"]) == ["09:00"]

    @pytest.mark.parametrize("status", ["cancelled", "rejected", "no-show"])
    def test_inactive_appointments_free_their_slot(self, api, clinic_doctor, patient, status):
        AppointmentFactory(doctor=clinic_doctor, patient=patient, starts_at=clinic_dt(MONDAY, 9), status=status)
        data = get_slots(api, clinic_doctor, MONDAY).json()["data"]
        assert data["bookedSlots"] == []
        assert starts(data["availableSlots"])[0] == "09:00"

    def test_old_bookings_block_what_they_overlap_after_the_slot_length_changes(self, api, clinic_doctor, patient):
        # Booked when slots were 20 minutes long: 09:20-09:40 overlaps the new 09:00 and 09:30 slots.
        AppointmentFactory(doctor=clinic_doctor, patient=patient, starts_at=clinic_dt(MONDAY, 9, 20), duration=20)
        data = get_slots(api, clinic_doctor, MONDAY).json()["data"]
        assert starts(data["bookedSlots"]) == ["09:00", "09:30"]
        assert starts(data["availableSlots"])[0] == "10:00"

    def test_a_shorter_slot_length_cuts_more_slots(self, api, clinic_doctor, patient):
        AppointmentFactory(doctor=clinic_doctor, patient=patient, starts_at=clinic_dt(MONDAY, 9), duration=30)
        clinic_doctor.doctor_profile.slot_duration = 15
        clinic_doctor.doctor_profile.save()
        data = get_slots(api, clinic_doctor, MONDAY).json()["data"]
        assert starts(data["bookedSlots"]) == ["09:00", "09:15"]
        assert starts(data["availableSlots"])[:2] == ["09:30", "09:45"]
        assert data["availableSlots"][0]["endTime"] == "09:45"

    def test_times_are_clinic_time_at_plus_0530(self, api, clinic_doctor, patient):
        # 03:30 UTC is 09:00 in the clinic.
        AppointmentFactory(
            doctor=clinic_doctor, patient=patient, starts_at=dt.datetime(2026, 3, 2, 3, 30, tzinfo=dt.UTC)
        )
        day = doctor_day_slots(doctor=clinic_doctor, day=MONDAY)
        assert day.slots[0].starts_at == dt.datetime(2026, 3, 2, 3, 30, tzinfo=dt.UTC)
        assert starts(get_slots(api, clinic_doctor, MONDAY).json()["data"]["bookedSlots"]) == ["09:00"]

    def test_whole_day_leave_removes_every_slot(self, api, clinic_doctor):
        DoctorLeave.objects.create(doctor=clinic_doctor, date=MONDAY, reason="personal")
        data = get_slots(api, clinic_doctor, MONDAY).json()["data"]
        assert data["availableSlots"] == [] and data["bookedSlots"] == []

    def test_partial_leave_removes_the_slots_it_touches(self, api, clinic_doctor):
        DoctorLeave.objects.create(
            doctor=clinic_doctor, date=MONDAY, start_time=dt.time(10, 15), end_time=dt.time(11), reason="break"
        )
        available = starts(get_slots(api, clinic_doctor, MONDAY).json()["data"]["availableSlots"])
        assert available[:4] == ["09:00", "09:30", "11:00", "11:30"]

    def test_a_day_off_and_a_past_date_answer_empty_lists(self, api, clinic_doctor):
        for day in (MONDAY + dt.timedelta(days=1), MONDAY - dt.timedelta(days=7)):
            response = get_slots(api, clinic_doctor, day)
            assert response.status_code == 200
            assert response.json()["data"]["availableSlots"] == []


@pytest.mark.django_db
class TestSlotTimeRules:
    def test_slots_already_started_and_within_the_minimum_notice_are_not_offered(self, api, clinic_doctor, settings):
        settings.BOOKING_MIN_NOTICE_MINUTES = 60
        with time_machine.travel(clinic_dt(MONDAY, 10, 5), tick=False):
            available = starts(get_slots(api, clinic_doctor, MONDAY).json()["data"]["availableSlots"])
        # 09:00-10:30 started or begin before 11:05; 11:30 is the first one far enough ahead.
        assert available[0] == "11:30"

    def test_the_notice_is_configurable(self, api, clinic_doctor, settings):
        settings.BOOKING_MIN_NOTICE_MINUTES = 0
        with time_machine.travel(clinic_dt(MONDAY, 10, 5), tick=False):
            available = starts(get_slots(api, clinic_doctor, MONDAY).json()["data"]["availableSlots"])
        assert available[0] == "10:30"

    def test_booked_slots_in_the_past_are_not_listed(self, api, clinic_doctor, patient):
        AppointmentFactory(doctor=clinic_doctor, patient=patient, starts_at=clinic_dt(MONDAY, 9))
        with time_machine.travel(clinic_dt(MONDAY, 12), tick=False):
            assert get_slots(api, clinic_doctor, MONDAY).json()["data"]["bookedSlots"] == []

    def test_horizon(self, api, settings):
        settings.BOOKING_HORIZON_DAYS = 60
        days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        doctor = DoctorFactory(schedule=[f"{day} 09:00-10:00" for day in days])
        with time_machine.travel(clinic_dt(SUNDAY, 10), tick=False):
            last = get_slots(api, doctor, SUNDAY + dt.timedelta(days=60)).json()["data"]
            beyond = get_slots(api, doctor, SUNDAY + dt.timedelta(days=61)).json()["data"]
        assert starts(last["availableSlots"]) == ["09:00", "09:30"]
        assert beyond["availableSlots"] == []

    def test_around_midnight_the_clinic_date_decides(self, api):
        doctor = DoctorFactory(slot_duration=20, schedule=["sunday 23:00-23:59", "monday 00:00-01:00"])
        # 22:10 IST on Sunday is 16:40 UTC: 23:00 is inside the hour of notice, 23:20 is not;
        # 23:40-00:00 would end past the block and is dropped.
        with time_machine.travel(clinic_dt(SUNDAY, 22, 10), tick=False):
            assert starts(get_slots(api, doctor, SUNDAY).json()["data"]["availableSlots"]) == ["23:20"]
            assert starts(get_slots(api, doctor, MONDAY).json()["data"]["availableSlots"]) == [
                "00:00",
                "00:20",
                "00:40",
            ]
        # 00:10 IST on Monday is still Sunday 18:40 in UTC: Sunday is the past, Monday is today.
        with time_machine.travel(clinic_dt(MONDAY, 0, 10), tick=False):
            assert get_slots(api, doctor, SUNDAY).json()["data"]["availableSlots"] == []
            assert get_slots(api, doctor, MONDAY).json()["data"]["availableSlots"] == []


@pytest.mark.django_db
class TestSlotsRequests:
    def test_unknown_and_malformed_doctor_ids_are_not_found(self, api, patient):
        for doctor_id in ("6f1c1f0e-0000-4000-8000-000000000000", "not-a-uuid", str(patient.pk)):
            response = api.get("/api/appointments/slots", {"doctorId": doctor_id, "date": "2026-03-02"})
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "DOCTOR_NOT_FOUND"

    @pytest.mark.parametrize(
        "params", [{}, {"date": "2026-03-02"}, {"doctorId": "x"}, {"doctorId": "x", "date": "02-03-2026"}]
    )
    def test_missing_or_invalid_params_are_a_validation_error(self, api, params):
        response = api.get("/api/appointments/slots", params)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
        assert response.json()["errors"]

    def test_query_count_does_not_grow_with_appointments(
        self, api, clinic_doctor, make_user, django_assert_num_queries
    ):
        patients = [make_user("patient") for _ in range(3)]
        # doctor (with profile); schedule, that day's leave and its active appointments in one statement
        with time_machine.travel(clinic_dt(SUNDAY, 10), tick=False), django_assert_num_queries(2):
            assert get_slots(api, clinic_doctor, MONDAY).json()["data"]["bookedSlots"] == []
        for week in range(40):
            for hour in (9, 10, 11, 16, 17):
                AppointmentFactory(
                    doctor=clinic_doctor,
                    patient=patients[week % 3],
                    starts_at=clinic_dt(MONDAY + dt.timedelta(weeks=week - 20), hour),
                )
        with time_machine.travel(clinic_dt(SUNDAY, 10), tick=False), django_assert_num_queries(2):
            data = get_slots(api, clinic_doctor, MONDAY).json()["data"]
        assert len(data["bookedSlots"]) == 5
