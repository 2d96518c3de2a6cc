"""Every SLOT_UNAVAILABLE says why in `error.details.reason`; empty slot and calendar days say why (SPEC.md §5)."""

import datetime as dt

import pytest
import time_machine

from accounts.models import DoctorLeave, ScheduleBlock
from appointments.tests.factories import MONDAY, SUNDAY, AppointmentFactory, clinic_dt, schedule_block

pytestmark = pytest.mark.django_db

NEXT_MONDAY = MONDAY + dt.timedelta(days=7)


@pytest.fixture(autouse=True)
def sunday_morning():
    """Sunday 2026-03-01 10:00 clinic time; the doctor also works this Sunday morning."""
    with time_machine.travel(clinic_dt(SUNDAY, 10), tick=False):
        yield


@pytest.fixture
def clinic_doctor(make_user):
    doctor = make_user("doctor", name="Dr Refusal")
    ScheduleBlock.objects.create(doctor=doctor, **schedule_block("sunday 09:00-13:00"))
    ScheduleBlock.objects.create(doctor=doctor, **schedule_block("monday 09:00-13:00"))
    return doctor


def book(client, doctor, day: dt.date, time: str):
    payload = {"doctorId": str(doctor.pk), "appointmentDate": day.isoformat(), "appointmentTime": time, "reason": "x"}
    return client.post("/api/appointments/book", payload, format="json")


def refusal(response) -> str:
    assert response.status_code == 409, response.json()
    error = response.json()["error"]
    assert error["code"] == "SLOT_UNAVAILABLE"
    assert response.json()["message"] == "Selected time slot is not available"
    return error["details"]["reason"]


@pytest.mark.parametrize(
    ("day", "time", "reason"),
    [
        (MONDAY - dt.timedelta(days=7), "09:00", "past"),
        (SUNDAY, "09:30", "past"),  # today, already started
        (SUNDAY, "10:30", "min-notice"),  # today, within BOOKING_MIN_NOTICE_MINUTES
        (MONDAY + dt.timedelta(days=63), "09:00", "beyond-horizon"),
        (MONDAY + dt.timedelta(days=1), "09:00", "day-off"),  # Tuesday
        (MONDAY, "14:00", "outside-schedule"),
        (MONDAY, "09:15", "not-a-slot-start"),
        (NEXT_MONDAY, "09:00", "on-leave"),  # inside a leave of 09:00-10:00
        (NEXT_MONDAY + dt.timedelta(days=7), "11:00", "on-leave"),  # a whole-day leave
    ],
)
def test_booking_refusals_say_why(day, time, reason, *, as_user, patient, clinic_doctor):
    DoctorLeave.objects.create(doctor=clinic_doctor, date=NEXT_MONDAY, start_time=dt.time(9), end_time=dt.time(10))
    DoctorLeave.objects.create(doctor=clinic_doctor, date=NEXT_MONDAY + dt.timedelta(days=7))
    assert refusal(book(as_user(patient), clinic_doctor, day, time)) == reason


def test_a_taken_slot(as_user, make_user, patient, clinic_doctor):
    AppointmentFactory(doctor=clinic_doctor, patient=make_user("patient"), starts_at=clinic_dt(MONDAY, 9))
    assert refusal(book(as_user(patient), clinic_doctor, MONDAY, "09:00")) == "taken"


def test_the_patients_own_overlap(as_user, make_user, patient, clinic_doctor):
    other = make_user("doctor")
    AppointmentFactory(doctor=other, patient=patient, starts_at=clinic_dt(MONDAY, 9))
    assert refusal(book(as_user(patient), clinic_doctor, MONDAY, "09:00")) == "patient-overlap"


@pytest.mark.parametrize(
    ("time", "reason"), [("09:00", "taken"), ("09:10", "not-a-slot-start"), ("18:00", "outside-schedule")]
)
def test_rescheduling_refusals_say_why(time, reason, *, as_user, make_user, patient, receptionist, clinic_doctor):
    AppointmentFactory(doctor=clinic_doctor, patient=make_user("patient"), starts_at=clinic_dt(MONDAY, 9))
    mine = AppointmentFactory(doctor=clinic_doctor, patient=patient, starts_at=clinic_dt(MONDAY, 11))
    response = as_user(receptionist).put(
        f"/api/appointments/{mine.pk}/reschedule", {"appointmentDate": MONDAY.isoformat(), "appointmentTime": time}
    )
    assert refusal(response) == reason


def slots_of(api, doctor, day: dt.date) -> dict:
    response = api.get("/api/appointments/slots", {"doctorId": str(doctor.pk), "date": day.isoformat()})
    assert response.status_code == 200
    return response.json()["data"]


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (SUNDAY - dt.timedelta(days=7), "past"),
        (MONDAY + dt.timedelta(days=1), "day-off"),
        (NEXT_MONDAY, "on-leave"),
        (MONDAY + dt.timedelta(days=63), "beyond-horizon"),
    ],
)
def test_empty_slot_days_say_why(api, clinic_doctor, day, reason):
    DoctorLeave.objects.create(doctor=clinic_doctor, date=NEXT_MONDAY)
    data = slots_of(api, clinic_doctor, day)
    assert (data["availableSlots"], data["reason"]) == ([], reason)


def test_a_fully_booked_day_says_taken_and_an_open_day_says_nothing(api, make_user, clinic_doctor):
    assert slots_of(api, clinic_doctor, MONDAY)["reason"] is None
    for hour in (9, 10, 11, 12):
        for minute in (0, 30):
            AppointmentFactory(
                doctor=clinic_doctor, patient=make_user("patient"), starts_at=clinic_dt(MONDAY, hour, minute)
            )
    data = slots_of(api, clinic_doctor, MONDAY)
    assert (data["availableSlots"], len(data["bookedSlots"]), data["reason"]) == ([], 8, "taken")


def test_today_with_only_slots_inside_the_notice_says_min_notice(api, clinic_doctor):
    with time_machine.travel(clinic_dt(SUNDAY, 12), tick=False):
        data = slots_of(api, clinic_doctor, SUNDAY)
    assert (data["availableSlots"], data["reason"]) == ([], "min-notice")
    with time_machine.travel(clinic_dt(SUNDAY, 12, 45), tick=False):
        assert slots_of(api, clinic_doctor, SUNDAY)["reason"] == "past"


def test_calendar_days_without_slots_say_why(api, clinic_doctor):
    DoctorLeave.objects.create(doctor=clinic_doctor, date=NEXT_MONDAY)
    response = api.get("/api/appointments/calendar", {"doctorId": str(clinic_doctor.pk), "month": "2026-03"})
    days = {day["date"]: day for day in response.json()["data"]["days"]}
    assert days[MONDAY.isoformat()]["reason"] is None
    assert days["2026-03-03"]["reason"] == "day-off"
    assert days[NEXT_MONDAY.isoformat()]["reason"] == "on-leave"
