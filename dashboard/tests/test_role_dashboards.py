"""GET /api/dashboard (SPEC.md §8): each role's home screen."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from accounts.models import ScheduleBlock
from appointments.models import AppointmentStatus, Notification, PaymentStatus
from appointments.tests.factories import AppointmentFactory, FamilyMemberFactory, clinic_dt
from arthomed.core.roles import Role
from dashboard import selectors

URL = "/api/dashboard"
NOW = clinic_dt(dt.date(2026, 3, 16), 11)  # a Monday, 11:00 clinic time
pytestmark = pytest.mark.django_db

S = AppointmentStatus


@pytest.fixture(autouse=True)
def _monday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def other_patient(make_user):
    return make_user(Role.PATIENT, name="Omar Other")


@pytest.fixture
def other_doctor(make_user):
    return make_user(Role.DOCTOR, name="Olga Otherdoc")


@pytest.fixture
def doctor_day(make_user, doctor, other_doctor, patient, other_patient):
    """The doctor's Monday: a split schedule and visits in every state."""
    ScheduleBlock.objects.create(doctor=doctor, day="monday", start_time=dt.time(16), end_time=dt.time(19))
    ScheduleBlock.objects.create(doctor=doctor, day="monday", start_time=dt.time(9), end_time=dt.time(13))
    ScheduleBlock.objects.create(
        doctor=doctor, day="monday", start_time=dt.time(20), end_time=dt.time(21), is_available=False
    )
    ScheduleBlock.objects.create(doctor=doctor, day="tuesday", start_time=dt.time(9), end_time=dt.time(13))
    today = {
        "09:00": (patient, S.COMPLETED),
        "09:30": (other_patient, S.NO_SHOW),
        "10:00": (patient, S.CANCELLED),
        "10:30": (other_patient, S.IN_PROGRESS),
        "11:30": (patient, S.CONFIRMED),
        "12:00": (other_patient, S.PENDING),
        "12:30": (patient, S.REJECTED),
    }
    for clock, (who, status) in today.items():
        hour, minute = map(int, clock.split(":"))
        AppointmentFactory(
            patient=who, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 3, 16), hour, minute), status=status
        )
    AppointmentFactory(
        patient=patient, doctor=other_doctor, starts_at=clinic_dt(dt.date(2026, 3, 16), 16), status=S.CONFIRMED
    )
    AppointmentFactory(patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 3, 23), 9), status=S.PENDING)
    AppointmentFactory(
        patient=other_patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 3, 24), 9), status=S.CONFIRMED
    )
    # Follow-ups: one due (date passed, nothing booked since), one not yet due, one already rebooked.
    AppointmentFactory(
        patient=make_user(Role.PATIENT, name="Fatima Followup"),
        doctor=doctor,
        starts_at=clinic_dt(dt.date(2026, 3, 2), 9),
        status=S.COMPLETED,
        follow_up_date=dt.date(2026, 3, 15),
    )
    AppointmentFactory(
        patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 3, 3), 9), status=S.COMPLETED,
        follow_up_date=dt.date(2026, 3, 20),
    )  # fmt: skip
    AppointmentFactory(
        patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 2, 2), 9), status=S.COMPLETED,
        follow_up_date=dt.date(2026, 3, 10),
    )  # fmt: skip


def test_doctor_dashboard(as_user, doctor, patient, doctor_day):
    response = as_user(doctor).get(URL)

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["role"] == "doctor"
    assert data["date"] == "2026-03-16"
    assert data["workingHours"] == [
        {"startTime": "09:00", "endTime": "13:00"},
        {"startTime": "16:00", "endTime": "19:00"},
    ]
    # Cancelled and rejected requests are not part of the day's list.
    assert [(a["appointmentTime"], a["status"]) for a in data["todayAppointments"]] == [
        ("09:00", "completed"),
        ("09:30", "no-show"),
        ("10:30", "in-progress"),
        ("11:30", "confirmed"),
        ("12:00", "pending"),
    ]
    first = data["todayAppointments"][0]
    assert first["patient"] == {"_id": str(patient.pk), "name": patient.name, "mobileNumber": patient.mobile_number}
    assert first["payment"]["status"] == "pending"
    assert data["counts"] == {"today": 5, "completedToday": 1, "pending": 2, "upcoming": 4, "followUpsDue": 1}
    assert data["productivity"] == 0.2


def test_doctor_without_visits_today(as_user, doctor):
    data = as_user(doctor).get(URL).json()["data"]
    assert data["todayAppointments"] == []
    assert data["workingHours"] == []
    assert data["productivity"] == 0
    assert data["counts"] == {"today": 0, "completedToday": 0, "pending": 0, "upcoming": 0, "followUpsDue": 0}


def test_doctor_sees_only_own_appointments(as_user, other_doctor, doctor_day):
    data = as_user(other_doctor).get(URL).json()["data"]
    assert [a["appointmentTime"] for a in data["todayAppointments"]] == ["16:00"]
    assert data["counts"]["today"] == 1


def test_receptionist_dashboard(as_user, receptionist, other_doctor, other_patient, doctor_day):
    AppointmentFactory(
        patient=other_patient, doctor=other_doctor, starts_at=clinic_dt(dt.date(2026, 3, 16), 9), status=S.COMPLETED,
        payment_status=PaymentStatus.PAID, paid_at=clinic_dt(dt.date(2026, 3, 16), 9, 35),
    )  # fmt: skip

    data = as_user(receptionist).get(URL).json()["data"]

    assert data["role"] == "receptionist"
    assert data["pendingCount"] == 2
    assert data["unpaidCompletedToday"] == 1  # the doctor's 09:00 visit; the other doctor's was paid
    assert data["counts"] == {
        "pending": 1,
        "confirmed": 2,
        "inProgress": 1,
        "completed": 2,
        "cancelled": 1,
        "rejected": 1,
        "noShow": 1,
    }
    assert [(a["appointmentTime"], a["doctor"]["name"]) for a in data["todayAppointments"]] == [
        ("09:00", "Dev Doctor"),
        ("09:00", "Olga Otherdoc"),
        ("09:30", "Dev Doctor"),
        ("10:30", "Dev Doctor"),
        ("11:30", "Dev Doctor"),
        ("12:00", "Dev Doctor"),
        ("16:00", "Olga Otherdoc"),
    ]


def test_patient_dashboard(as_user, patient, doctor, other_doctor, other_patient):
    AppointmentFactory(patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 3, 20), 9), status=S.PENDING)
    AppointmentFactory(
        patient=patient, doctor=other_doctor, starts_at=clinic_dt(dt.date(2026, 3, 17), 9), status=S.CONFIRMED
    )
    AppointmentFactory(patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 3, 18), 9), status=S.CANCELLED)
    AppointmentFactory(
        patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 3, 16), 10), status=S.CONFIRMED
    )  # started
    AppointmentFactory(
        patient=other_patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 3, 19), 9), status=S.CONFIRMED
    )
    AppointmentFactory(patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 1, 5), 9), status=S.COMPLETED)
    latest = AppointmentFactory(
        patient=patient,
        doctor=other_doctor,
        starts_at=clinic_dt(dt.date(2026, 2, 5), 9),
        status=S.COMPLETED,
        fee=Decimal("800.00"),
    )
    AppointmentFactory(
        patient=other_patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 3, 1), 9), status=S.COMPLETED
    )
    for who, is_read in [(patient, False), (patient, False), (patient, True), (other_patient, False)]:
        Notification.objects.create(user=who, kind="confirmed", title="Confirmed", body="See you", is_read=is_read)

    data = as_user(patient).get(URL).json()["data"]

    assert data["role"] == "patient"
    assert [(a["appointmentDate"], a["status"]) for a in data["upcomingAppointments"]] == [
        ("2026-03-17", "confirmed"),
        ("2026-03-20", "pending"),
    ]
    assert data["upcomingAppointments"][0]["doctor"]["doctorInfo"] == {"specialization": "General Orthopaedics"}
    assert data["lastCompleted"]["_id"] == str(latest.pk)
    assert data["lastCompleted"]["fee"] == 800
    assert data["unreadNotifications"] == 2  # own unread only: not the read one, not someone else's


def test_patient_without_history(as_user, patient):
    data = as_user(patient).get(URL).json()["data"]
    assert data["upcomingAppointments"] == []
    assert data["lastCompleted"] is None
    assert data["unreadNotifications"] == 0


def test_admin_gets_the_admin_dashboard(as_user, admin_user):
    data = as_user(admin_user).get(URL).json()["data"]
    assert data["role"] == "admin"
    assert {"statistics", "recentAppointments", "topDoctors", "cacheAgeSeconds"} <= set(data)


def test_anonymous_is_refused(api):
    assert api.get(URL).status_code == 401


def grow(doctor, patients, size: int) -> None:
    """`size` more visits today and in the coming weeks, all states, for the query-count tests; follow-ups
    passed and to come, some for a family member."""
    statuses = list(AppointmentStatus)
    child = FamilyMemberFactory(account=patients[0])
    for n in range(size):
        AppointmentFactory(
            patient=patients[n % len(patients)],
            family_member=child if n % 4 == 0 else None,
            doctor=doctor,
            starts_at=clinic_dt(dt.date(2026, 3, 16), 0) + dt.timedelta(hours=n),
            status=statuses[n % len(statuses)],
            follow_up_date=dt.date(2026, 3, 1) if n % 3 else dt.date(2026, 6, 1),
        )


@pytest.mark.parametrize("size", [2, 50])
@pytest.mark.parametrize(
    "role_budget",
    # token user + the role's reads (see dashboard.selectors); a patient's today queue adds five: the visits,
    # their start times, the doctors' delays, the doctors' queues and their average visit
    [("doctor", 5), ("receptionist", 4), ("patient", 10)],
)
def test_fixed_number_of_queries(request, as_user, django_assert_max_num_queries, size, role_budget):
    role, budget = role_budget
    doctor, patient = request.getfixturevalue("doctor"), request.getfixturevalue("patient")
    grow(doctor, [patient, request.getfixturevalue("other_patient")], size)
    ScheduleBlock.objects.create(doctor=doctor, day="monday", start_time=dt.time(9), end_time=dt.time(13))
    client = as_user(request.getfixturevalue(role))
    with django_assert_max_num_queries(budget):
        response = client.get(URL)
    assert response.status_code == 200


def test_receptionist_list_is_bounded(as_user, receptionist, doctor, patient, monkeypatch):
    monkeypatch.setattr(selectors, "RECEPTION_TODAY_LIMIT", 2)
    for hour in (9, 10, 11):
        AppointmentFactory(
            patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 3, 16), hour), status=S.CONFIRMED
        )
    data = as_user(receptionist).get(URL).json()["data"]
    assert [a["appointmentTime"] for a in data["todayAppointments"]] == ["09:00", "10:00"]
    assert data["counts"]["confirmed"] == 3
