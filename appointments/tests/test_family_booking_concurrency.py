"""Per-person overlap and the per-account cap under real concurrency on PostgreSQL (SPEC.md §11)."""

import threading
from collections import Counter

import pytest
from django.db import IntegrityError, connection, transaction
from rest_framework.test import APIClient

from accounts.tokens import tokens_for
from appointments.models import Appointment
from appointments.tests.factories import (
    MONDAY,
    AppointmentFactory,
    DoctorFactory,
    FamilyMemberFactory,
    UserFactory,
    clinic_dt,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sunday_morning")]


def _fire_all(payloads: list[dict], user) -> Counter:
    """POST every payload at once, each from its own connection, as `user`."""
    barrier = threading.Barrier(len(payloads), timeout=30)
    results, lock = [], threading.Lock()

    def fire(payload):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for(user)['accessToken']}")
        try:
            barrier.wait()
            response = client.post("/api/appointments/book", payload, format="json")
            with lock:
                results.append((response.status_code, response.json().get("error", {}).get("code")))
        finally:
            connection.close()

    threads = [threading.Thread(target=fire, args=(payload,)) for payload in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == len(payloads)
    return Counter(results)


def _payload(doctor, time: str, **extra) -> dict:
    return {
        "doctorId": str(doctor.pk),
        "appointmentDate": MONDAY.isoformat(),
        "appointmentTime": time,
        "reason": "Family race",
        **extra,
    }


def test_the_account_cap_holds_under_concurrent_bookings_for_different_people(settings):
    settings.MAX_ACTIVE_BOOKINGS_PER_ACCOUNT = 3
    holder = UserFactory(mobile_number="8600000001", name="Race Holder")
    members = [FamilyMemberFactory(account=holder, name=f"Race Member {chr(65 + n)}") for n in range(6)]
    doctor = DoctorFactory(mobile_number="8600000002", name="Dr Family Race", schedule=["monday 09:00-13:00"])
    times = ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    payloads = [_payload(doctor, time, familyMemberId=str(m.pk)) for time, m in zip(times, members, strict=True)]
    assert _fire_all(payloads, holder) == {(201, None): 3, (409, "BOOKING_LIMIT_REACHED"): 3}
    assert Appointment.objects.filter(patient=holder).count() == 3


def test_one_member_is_never_booked_twice_at_once_but_the_holder_may_be():
    holder = UserFactory(mobile_number="8600000011", name="Race Parent")
    child = FamilyMemberFactory(account=holder, name="Race Child")
    doctors = [
        DoctorFactory(mobile_number=f"860000002{n}", name=f"Dr Parallel {n}", schedule=["monday 09:00-13:00"])
        for n in range(4)
    ]
    payloads = [_payload(doctor, "09:00", familyMemberId=str(child.pk)) for doctor in doctors]
    assert _fire_all(payloads, holder) == {(201, None): 1, (409, "SLOT_UNAVAILABLE"): 3}
    free = next(d for d in doctors if not Appointment.objects.filter(doctor=d).exists())
    assert _fire_all([_payload(free, "09:00")], holder) == {(201, None): 1}


def test_the_constraint_is_per_person():
    doctors = [DoctorFactory(mobile_number=f"860000003{n}", name=f"Dr Constraint {n}") for n in range(3)]
    holder = UserFactory(mobile_number="8600000039", name="Constraint Holder")
    child = FamilyMemberFactory(account=holder, name="Constraint Child")
    AppointmentFactory(doctor=doctors[0], patient=holder, starts_at=clinic_dt(MONDAY, 9))
    AppointmentFactory(doctor=doctors[1], patient=holder, family_member=child, starts_at=clinic_dt(MONDAY, 9))
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        AppointmentFactory(doctor=doctors[2], patient=holder, family_member=child, starts_at=clinic_dt(MONDAY, 9, 15))
    assert "appt_no_patient_overlap" in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(doctor=doctors[2], patient=holder, starts_at=clinic_dt(MONDAY, 9, 15))
