"""No double booking under real concurrency, held by PostgreSQL's exclusion constraints (SPEC.md §5)."""

import threading
from collections import Counter

import pytest
from django.db import IntegrityError, connection, transaction
from rest_framework.test import APIClient

from accounts.tokens import tokens_for
from appointments.models import Appointment
from appointments.selectors import slots
from appointments.services import booking
from appointments.tests.factories import MONDAY, AppointmentFactory, DoctorFactory, UserFactory, clinic_dt

# Tokens are issued and checked at the same travelled time (sunday_morning).
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sunday_morning")]

REQUESTS = 50


def test_fifty_concurrent_bookings_of_one_slot_have_exactly_one_winner():
    doctor = DoctorFactory(mobile_number="8000000001", name="Dr Race", schedule=["monday 09:00-13:00"])
    patients = [UserFactory(mobile_number=str(8100000000 + n), name=f"Patient {n}") for n in range(REQUESTS)]
    payload = {
        "doctorId": str(doctor.pk),
        "appointmentDate": MONDAY.isoformat(),
        "appointmentTime": "10:00",
        "purposeOfVisit": "consultation",
        "reason": "Race",
    }
    clients = []
    for patient in patients:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for(patient)['accessToken']}")
        clients.append(client)
    barrier = threading.Barrier(REQUESTS, timeout=30)
    results: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def fire(client):
        try:
            barrier.wait()
            response = client.post("/api/appointments/book", payload, format="json")
            body = response.json()
            with lock:
                results.append((response.status_code, body.get("error", {}).get("code")))
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=fire, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == REQUESTS
    assert Counter(results) == {(201, None): 1, (409, "SLOT_UNAVAILABLE"): REQUESTS - 1}
    assert Appointment.objects.filter(doctor=doctor).count() == 1


def test_the_constraint_refuses_an_overlapping_insert_even_with_another_duration():
    doctor = DoctorFactory(mobile_number="8000000002", name="Dr Overlap")
    first, second = (UserFactory(mobile_number=f"820000000{n}", name=f"P {n}") for n in (1, 2))
    AppointmentFactory(doctor=doctor, patient=first, starts_at=clinic_dt(MONDAY, 9), duration=30)
    # 20 minutes from 09:20 overlaps 09:00-09:30 although it starts on no 30-minute boundary.
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        AppointmentFactory(doctor=doctor, patient=second, starts_at=clinic_dt(MONDAY, 9, 20), duration=20)
    assert "appt_no_doctor_overlap" in str(refused.value)
    # Touching ranges are fine ([) ranges), and so are overlaps of inactive appointments.
    AppointmentFactory(doctor=doctor, patient=second, starts_at=clinic_dt(MONDAY, 9, 30), duration=20)
    AppointmentFactory(
        doctor=doctor, patient=second, starts_at=clinic_dt(MONDAY, 9, 10), duration=20, status="cancelled"
    )


def test_the_constraint_refuses_overlapping_appointments_of_one_patient():
    doctors = [DoctorFactory(mobile_number=f"830000000{n}", name=f"Dr {n}") for n in (1, 2)]
    patient = UserFactory(mobile_number="8300000009", name="Busy Patient")
    AppointmentFactory(doctor=doctors[0], patient=patient, starts_at=clinic_dt(MONDAY, 9), duration=30)
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        AppointmentFactory(doctor=doctors[1], patient=patient, starts_at=clinic_dt(MONDAY, 9, 15), duration=30)
    assert "appt_no_patient_overlap" in str(refused.value)


def test_a_race_lost_at_the_constraint_is_a_clean_409(as_user, monkeypatch):
    """The check passed on a read the rival has since made stale; the insert hits the constraint: a 409, not a 500."""
    doctor = DoctorFactory(mobile_number="8000000003", name="Dr Stale", fee=500, schedule=["monday 09:00-10:00"])
    patient = UserFactory(mobile_number="8400000001", name="Late Patient")
    winner = UserFactory(mobile_number="8400000002", name="Early Patient")
    payload = {
        "doctorId": str(doctor.pk),
        "appointmentDate": MONDAY.isoformat(),
        "appointmentTime": "09:00",
        "reason": "Stale read",
    }
    original = slots._busy_by_day

    def rival_books():
        try:
            AppointmentFactory(doctor=doctor, patient=winner, starts_at=clinic_dt(MONDAY, 9, 15), duration=30)
        finally:
            connection.close()

    def read_then_rival_commits(*args, **kwargs):
        busy = original(*args, **kwargs)
        # The rival commits on its own connection right after this request's availability read.
        rival = threading.Thread(target=rival_books)
        rival.start()
        rival.join(timeout=30)
        return busy

    monkeypatch.setattr(slots, "_busy_by_day", read_then_rival_commits)
    response = as_user(patient).post("/api/appointments/book", payload, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "SLOT_UNAVAILABLE"
    assert response.json()["error"]["details"] == {"reason": "taken"}
    assert list(Appointment.objects.values_list("patient_id", flat=True)) == [winner.pk]


def test_a_refusal_by_either_constraint_names_its_reason():
    """The patient's own bookings are serialised by a row lock, so their constraint is the last guard:
    should it ever fire, its 409 says `patient-overlap`, the doctor's says `taken`."""
    doctors = [UserFactory(mobile_number=f"850000000{n}", name=f"Dr Race {n}", role="doctor") for n in (1, 2)]
    patients = [UserFactory(mobile_number=f"851000000{n}", name=f"Patient {n}") for n in (1, 2)]
    AppointmentFactory(doctor=doctors[0], patient=patients[0], starts_at=clinic_dt(MONDAY, 9))
    for doctor, patient, reason in [(doctors[0], patients[1], "taken"), (doctors[1], patients[0], "patient-overlap")]:
        with pytest.raises(IntegrityError) as refused, transaction.atomic():
            AppointmentFactory(doctor=doctor, patient=patient, starts_at=clinic_dt(MONDAY, 9))
        assert booking._lost_race(refused.value).details == {"reason": reason}
