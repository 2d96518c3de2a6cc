"""Tokens and the walk-in cap under real concurrency on PostgreSQL (SPEC.md §10, §12): the doctor's day
row is the lock, so simultaneous check-ins get different tokens and simultaneous walk-ins stay within
WALK_INS_PER_DOCTOR_PER_DAY."""

import threading
from collections import Counter

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from accounts.tokens import tokens_for
from appointments.models import Appointment, AppointmentStatus, DoctorDay
from appointments.tests.factories import MONDAY, AppointmentFactory, DoctorFactory, UserFactory, clinic_dt

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(clinic_dt(MONDAY, 9, 10), tick=False):
        yield


def _fire_all(requests: list[tuple[str, dict | None]], user) -> list[tuple[int, str | None, dict]]:
    """POST every (path, payload) at once, each from its own connection, as `user`."""
    barrier = threading.Barrier(len(requests), timeout=30)
    results, lock = [], threading.Lock()

    def fire(path, payload):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for(user)['accessToken']}")
        try:
            barrier.wait()
            response = client.post(path, payload, format="json")
            body = response.json()
            with lock:
                results.append((response.status_code, body.get("error", {}).get("code"), body.get("data") or {}))
        finally:
            connection.close()

    threads = [threading.Thread(target=fire, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == len(requests)
    return results


def test_simultaneous_check_ins_of_one_doctor_get_different_tokens(settings):
    settings.CHECK_IN_OPENS_MINUTES = 240
    doctor = DoctorFactory(mobile_number="8700000001", name="Dr Queue Race", schedule=["monday 09:00-13:00"])
    desk = UserFactory(mobile_number="8700000002", name="Desk", role="receptionist")
    appointments = [
        AppointmentFactory(
            doctor=doctor,
            patient=UserFactory(mobile_number=f"87000001{n:02d}", name=f"Waiting {n}"),
            starts_at=clinic_dt(MONDAY, 9 + n // 2, 30 * (n % 2)),  # 09:00 to 11:30
            status=AppointmentStatus.CONFIRMED,
        )
        for n in range(6)
    ]
    results = _fire_all([(f"/api/appointments/{a.pk}/check-in", None) for a in appointments], desk)
    assert [(status, code) for status, code, _ in results] == [(200, None)] * 6
    tokens = sorted(data["appointment"]["tokenNumber"] for _, _, data in results)
    assert tokens == [1, 2, 3, 4, 5, 6]
    assert DoctorDay.objects.get(doctor=doctor, date=MONDAY).last_token == 6


def test_the_walk_in_cap_holds_under_simultaneous_walk_ins(settings):
    settings.WALK_INS_PER_DOCTOR_PER_DAY = 3
    doctor = DoctorFactory(mobile_number="8700000011", name="Dr Walk Race", schedule=["monday 09:00-10:00"])
    desk = UserFactory(mobile_number="8700000012", name="Desk Two", role="receptionist")
    for hour, minute in ((9, 0), (9, 30)):  # the day is full: every walk-in would be an extra place
        AppointmentFactory(doctor=doctor, starts_at=clinic_dt(MONDAY, hour, minute), status=AppointmentStatus.CONFIRMED)
    payloads = [
        {
            "doctorId": str(doctor.pk),
            "appointmentDate": MONDAY.isoformat(),
            "kind": "walk-in",
            "reason": "Race",
            "patientMobileNumber": f"87000002{n:02d}",
            "patientName": f"Walker {chr(65 + n)}",
        }
        for n in range(8)
    ]
    results = _fire_all([("/api/appointments/book", payload) for payload in payloads], desk)
    assert Counter((status, code) for status, code, _ in results) == {
        (201, None): 3,
        (409, "BOOKING_LIMIT_REACHED"): 5,
    }
    places = Appointment.objects.filter(doctor=doctor, kind="walk-in")
    assert sorted(places.values_list("token_number", flat=True)) == [1, 2, 3]
