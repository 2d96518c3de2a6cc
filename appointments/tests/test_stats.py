"""Counts by status in the caller's scope (SPEC.md §5)."""

import pytest

from appointments.models import AppointmentStatus as S
from appointments.tests.factories import AppointmentFactory
from arthomed.core.roles import Role

pytestmark = pytest.mark.django_db

ZERO = {"pending": 0, "confirmed": 0, "inProgress": 0, "completed": 0, "cancelled": 0, "rejected": 0, "noShow": 0}


@pytest.fixture
def spread(patient, doctor, make_user):
    other_patient, other_doctor = make_user(), make_user(Role.DOCTOR)
    for status in (S.PENDING, S.PENDING, S.CONFIRMED, S.COMPLETED, S.NO_SHOW, S.IN_PROGRESS):
        AppointmentFactory(patient=patient, doctor=doctor, status=status)
    AppointmentFactory(patient=patient, doctor=other_doctor, status=S.CANCELLED)
    AppointmentFactory(patient=other_patient, doctor=doctor, status=S.REJECTED)
    AppointmentFactory(patient=other_patient, doctor=other_doctor, status=S.COMPLETED)


def stats(client):
    response = client.get("/api/appointments/stats")
    assert response.status_code == 200
    return response.json()["data"]["stats"]


def test_patient_counts_own(as_user, patient, spread):
    expected = {**ZERO, "pending": 2, "confirmed": 1, "completed": 1, "noShow": 1, "inProgress": 1, "cancelled": 1}
    assert stats(as_user(patient)) == {"total": 7, **expected}


def test_doctor_counts_theirs(as_user, doctor, spread):
    expected = {**ZERO, "pending": 2, "confirmed": 1, "completed": 1, "noShow": 1, "inProgress": 1, "rejected": 1}
    assert stats(as_user(doctor)) == {"total": 7, **expected}


@pytest.mark.parametrize("who", ["receptionist", "admin_user"])
def test_staff_count_everything(request, as_user, spread, who):
    result = stats(as_user(request.getfixturevalue(who)))
    assert result["total"] == 9
    assert result["completed"] == 2


def test_empty_scope(as_user, make_user):
    assert stats(as_user(make_user())) == {"total": 0, **ZERO}


def test_anonymous_is_refused(api):
    assert api.get("/api/appointments/stats").status_code == 401
