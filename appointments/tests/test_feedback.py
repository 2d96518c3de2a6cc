"""Feedback (SPEC.md §5): the patient, once, on a completed visit; the doctor's rating follows."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import DoctorProfile
from appointments.models import AppointmentStatus as S
from appointments.services.lifecycle import appointment_feedback_submit
from appointments.tests.factories import AppointmentFactory
from arthomed.core.errors import AlreadyExists, AppointmentCancelled, InvalidStatusTransition

pytestmark = pytest.mark.django_db


def completed(patient, doctor):
    return AppointmentFactory(patient=patient, doctor=doctor, status=S.COMPLETED)


def test_patient_rates_a_completed_visit(as_user, patient, doctor):
    appointment = completed(patient, doctor)
    response = as_user(patient).post(
        f"/api/appointments/{appointment.pk}/feedback", {"rating": 4, "comment": "Helpful"}, format="json"
    )
    assert response.status_code == 200, response.json()
    feedback = response.json()["data"]["appointment"]["feedback"]
    assert feedback["rating"] == 4
    assert feedback["comment"] == "Helpful"
    assert feedback["submittedAt"]
    profile = DoctorProfile.objects.get(user=doctor)
    assert (profile.rating, profile.rating_count, profile.rating_total) == (Decimal("4.00"), 1, 4)


def test_rating_is_the_mean_of_all_feedback(make_user, doctor):
    for rating in (5, 4, 4):
        patient = make_user()
        appointment_feedback_submit(appointment=completed(patient, doctor), actor=patient, rating=rating)
    profile = DoctorProfile.objects.get(user=doctor)
    assert profile.rating_count == 3
    assert profile.rating_total == 13
    assert profile.rating == Decimal("4.33")


def test_only_once(as_user, patient, doctor):
    appointment = completed(patient, doctor)
    client = as_user(patient)
    assert client.post(f"/api/appointments/{appointment.pk}/feedback", {"rating": 5}, format="json").status_code == 200
    response = client.post(f"/api/appointments/{appointment.pk}/feedback", {"rating": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "ALREADY_EXISTS"
    assert DoctorProfile.objects.get(user=doctor).rating_count == 1
    with pytest.raises(AlreadyExists):
        appointment_feedback_submit(appointment=appointment, actor=patient, rating=3)


def test_only_when_completed(patient, doctor):
    with pytest.raises(InvalidStatusTransition):
        appointment_feedback_submit(
            appointment=AppointmentFactory(patient=patient, doctor=doctor), actor=patient, rating=5
        )
    cancelled = AppointmentFactory(patient=patient, doctor=doctor, status=S.CANCELLED)
    with pytest.raises(AppointmentCancelled):
        appointment_feedback_submit(appointment=cancelled, actor=patient, rating=5)


@pytest.mark.parametrize(
    "payload", [{}, {"rating": 0}, {"rating": 6}, {"rating": "great"}, {"rating": 3, "comment": "x" * 1001}]
)
def test_bad_feedback_input(as_user, patient, doctor, payload):
    appointment = completed(patient, doctor)
    response = as_user(patient).post(f"/api/appointments/{appointment.pk}/feedback", payload, format="json")
    assert response.status_code == 400


def test_only_the_patient_of_the_visit(as_user, make_user, patient, doctor, admin_user):
    appointment = completed(patient, doctor)
    other = make_user()
    response = as_user(other).post(f"/api/appointments/{appointment.pk}/feedback", {"rating": 5}, format="json")
    assert response.status_code == 404
    for user in (doctor, admin_user):
        assert (
            as_user(user).post(f"/api/appointments/{appointment.pk}/feedback", {"rating": 5}, format="json").status_code
            == 403
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_ratings_of_one_doctor_lose_no_update(make_user, doctor):
    visits = []
    for _ in range(8):
        patient = make_user()
        visits.append((patient, completed(patient, doctor)))
    barrier = threading.Barrier(len(visits))

    def rate(patient, appointment):
        try:
            barrier.wait(timeout=10)
            appointment_feedback_submit(appointment=appointment, actor=patient, rating=5)
        finally:
            connection.close()

    threads = [threading.Thread(target=rate, args=visit) for visit in visits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    profile = DoctorProfile.objects.get(user=doctor)
    assert (profile.rating_count, profile.rating_total, profile.rating) == (8, 40, Decimal("5.00"))
