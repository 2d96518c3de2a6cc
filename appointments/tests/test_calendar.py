"""The month calendar of a doctor (SPEC.md §5): counts and status per clinic day."""

import datetime as dt

import pytest
import time_machine

from accounts.models import DoctorLeave
from appointments.tests.factories import MONDAY, SUNDAY, AppointmentFactory, DoctorFactory, clinic_dt

pytestmark = pytest.mark.django_db


def month_of(api, doctor, month: str):
    return api.get("/api/appointments/calendar", {"doctorId": str(doctor.pk), "month": month})


def by_date(response) -> dict[str, dict]:
    return {day["date"]: day for day in response.json()["data"]["days"]}


@pytest.fixture
def weekday_doctor():
    """Mondays 09:00-11:00 (four 30-minute slots), nothing else."""
    return DoctorFactory(name="Dr Kiran Shah", schedule=["monday 09:00-11:00"])


def test_one_entry_per_day_with_counts_and_status(api, weekday_doctor, patient, make_user):
    DoctorLeave.objects.create(doctor=weekday_doctor, date=MONDAY + dt.timedelta(days=7), reason="personal")
    AppointmentFactory(doctor=weekday_doctor, patient=patient, starts_at=clinic_dt(MONDAY, 9))
    full_day = MONDAY + dt.timedelta(days=14)
    for hour, minute in ((9, 0), (9, 30), (10, 0), (10, 30)):
        AppointmentFactory(
            doctor=weekday_doctor, patient=make_user("patient"), starts_at=clinic_dt(full_day, hour, minute)
        )
    with time_machine.travel(clinic_dt(SUNDAY, 10), tick=False):
        response = month_of(api, weekday_doctor, "2026-03")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["month"] == "2026-03"
    assert data["doctor"]["_id"] == str(weekday_doctor.pk)
    days = by_date(response)
    assert len(days) == 31
    assert days["2026-03-02"] == {
        "date": "2026-03-02",
        "availableCount": 3,
        "bookedCount": 1,
        "status": "available",
        "reason": None,
    }
    assert (days["2026-03-03"]["status"], days["2026-03-03"]["reason"]) == ("off", "day-off")  # Tuesday: no schedule
    assert (days["2026-03-09"]["status"], days["2026-03-09"]["reason"]) == ("off", "on-leave")  # whole-day leave
    assert days["2026-03-16"] == {
        "date": "2026-03-16",
        "availableCount": 0,
        "bookedCount": 4,
        "status": "full",
        "reason": "taken",
    }
    assert days["2026-03-23"]["status"] == "available"


def test_past_days_today_and_the_horizon(api, weekday_doctor, patient, settings):
    settings.BOOKING_HORIZON_DAYS = 60
    AppointmentFactory(doctor=weekday_doctor, patient=patient, starts_at=clinic_dt(MONDAY, 9))
    # Monday 10:40: every slot of today has started or is within the notice.
    with time_machine.travel(clinic_dt(MONDAY, 10, 40), tick=False):
        march = by_date(month_of(api, weekday_doctor, "2026-03"))
        may = by_date(month_of(api, weekday_doctor, "2026-05"))
    assert march["2026-03-01"]["status"] == "past"
    assert march["2026-03-02"] == {
        "date": "2026-03-02",
        "availableCount": 0,
        "bookedCount": 1,
        "status": "past",
        "reason": "past",
    }
    assert march["2026-03-09"]["status"] == "available"
    # The horizon ends on 1 May (60 days after 2 March); Mondays after it are not offered.
    assert may["2026-05-04"] == {
        "date": "2026-05-04",
        "availableCount": 0,
        "bookedCount": 0,
        "status": "off",
        "reason": "beyond-horizon",
    }


def test_the_clinic_date_decides_around_midnight(api, weekday_doctor):
    # 00:10 IST on Monday is still Sunday in UTC: Sunday is already past in the clinic.
    with time_machine.travel(clinic_dt(MONDAY, 0, 10), tick=False):
        days = by_date(month_of(api, weekday_doctor, "2026-03"))
    assert days["2026-03-01"]["status"] == "past"
    assert days["2026-03-02"]["status"] == "available"


@pytest.mark.parametrize("month", [None, "2026-13", "2026-3", "March", "2026-03-01"])
def test_missing_or_invalid_month_is_a_validation_error(api, weekday_doctor, month):
    params = {"doctorId": str(weekday_doctor.pk)} | ({"month": month} if month else {})
    response = api.get("/api/appointments/calendar", params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_unknown_doctor(api):
    response = api.get("/api/appointments/calendar", {"doctorId": "nope", "month": "2026-03"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "DOCTOR_NOT_FOUND"


def test_query_count_does_not_grow_with_appointments(api, weekday_doctor, make_user, django_assert_max_num_queries):
    patients = [make_user("patient") for _ in range(4)]
    for week in range(30):
        for index, minute in enumerate((0, 30, 60, 90)):
            starts_at = clinic_dt(MONDAY + dt.timedelta(weeks=week - 10), 9) + dt.timedelta(minutes=minute)
            AppointmentFactory(doctor=weekday_doctor, patient=patients[index], starts_at=starts_at)
        DoctorLeave.objects.create(
            doctor=weekday_doctor, date=MONDAY + dt.timedelta(weeks=week - 10, days=2), reason="personal"
        )
    with time_machine.travel(clinic_dt(SUNDAY, 10), tick=False), django_assert_max_num_queries(4):
        days = by_date(month_of(api, weekday_doctor, "2026-03"))
    assert days["2026-03-02"]["status"] == "full"
