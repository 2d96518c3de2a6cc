"""My appointments, the pending queue and the staff list (SPEC.md §5), with query budgets."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appointments.models import AppointmentStatus as S
from appointments.tests.factories import AppointmentFactory
from arthomed.core.roles import Role

pytestmark = pytest.mark.django_db


def at(hours: float, **fields):
    return AppointmentFactory(starts_at=timezone.now() + dt.timedelta(hours=hours), **fields)


def ids(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [item["_id"] for item in response.json()["data"]["items"]]


@pytest.fixture
def visits(patient, doctor, make_user):
    """A patient's history with one doctor, plus someone else's appointment."""
    other_patient, other_doctor = make_user(), make_user(Role.DOCTOR)
    return {
        "soon": at(5, patient=patient, doctor=doctor, status=S.CONFIRMED),
        "later": at(50, patient=patient, doctor=doctor),
        "done": at(-50, patient=patient, doctor=doctor, status=S.COMPLETED),
        "older_done": at(-100, patient=patient, doctor=doctor, status=S.COMPLETED),
        "cancelled": at(30, patient=patient, doctor=doctor, status=S.CANCELLED),
        "no_show": at(-30, patient=patient, doctor=doctor, status=S.NO_SHOW),
        "other_doctor": at(6, patient=patient, doctor=other_doctor),
        "other_patient": at(7, patient=other_patient, doctor=doctor),
        "strangers": at(8, patient=other_patient, doctor=other_doctor),
    }


def test_patient_sees_only_own(as_user, patient, visits):
    got = ids(as_user(patient).get("/api/appointments/my-appointments", {"limit": 100}))
    expected = {"soon", "later", "done", "older_done", "cancelled", "no_show", "other_doctor"}
    assert set(got) == {str(visits[key].pk) for key in expected}


def test_doctor_sees_only_theirs_through_the_alias(as_user, doctor, visits):
    got = ids(as_user(doctor).get("/api/appointments/my", {"limit": 100}))
    expected = {"soon", "later", "done", "older_done", "cancelled", "no_show", "other_patient"}
    assert set(got) == {str(visits[key].pk) for key in expected}


def test_upcoming_tab_soonest_first(as_user, patient, visits):
    got = ids(as_user(patient).get("/api/appointments/my-appointments", {"tab": "upcoming"}))
    assert got == [str(visits[key].pk) for key in ("soon", "other_doctor", "later")]


def test_completed_tab_newest_first(as_user, patient, visits):
    got = ids(as_user(patient).get("/api/appointments/my-appointments", {"tab": "completed"}))
    assert got == [str(visits["done"].pk), str(visits["older_done"].pk)]


def test_cancelled_tab_holds_visits_that_did_not_happen(as_user, patient, visits):
    got = ids(as_user(patient).get("/api/appointments/my-appointments", {"tab": "cancelled"}))
    assert got == [str(visits["cancelled"].pk), str(visits["no_show"].pk)]


def test_status_filter_one_or_a_list(as_user, patient, visits):
    client = as_user(patient)
    assert ids(client.get("/api/appointments/my-appointments", {"status": "completed"})) == [
        str(visits["done"].pk),
        str(visits["older_done"].pk),
    ]
    got = ids(client.get("/api/appointments/my-appointments", {"status": "pending,cancelled"}))
    assert set(got) == {str(visits[key].pk) for key in ("later", "cancelled", "other_doctor")}


def test_date_range(as_user, patient, visits):
    day = visits["done"].appointment_date
    got = ids(
        as_user(patient).get(
            "/api/appointments/my-appointments", {"startDate": day.isoformat(), "endDate": day.isoformat()}
        )
    )
    assert str(visits["done"].pk) in got
    assert str(visits["later"].pk) not in got


@pytest.mark.parametrize(
    "params",
    [
        {"status": "done"},
        {"status": ","},
        {"tab": "past"},
        {"startDate": "2026-13-01"},
        {"startDate": "2026-02-10", "endDate": "2026-02-01"},
        {"page": 0},
        {"limit": 101},
    ],
)
def test_bad_filters_are_validation_errors(as_user, patient, params):
    response = as_user(patient).get("/api/appointments/my-appointments", params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_pagination(as_user, patient, visits):
    body = as_user(patient).get("/api/appointments/my-appointments", {"limit": 3, "page": 2}).json()["data"]
    assert len(body["items"]) == 3
    assert body["pagination"] == {"current": 2, "pages": 3, "total": 7, "limit": 3, "hasNext": True, "hasPrev": True}


def test_pending_queue_soonest_first_for_staff(as_user, receptionist, visits):
    got = ids(as_user(receptionist).get("/api/appointments/pending"))
    assert got == [str(visits[key].pk) for key in ("other_doctor", "other_patient", "strangers", "later")]


def test_staff_list_filters(as_user, receptionist, patient, doctor, visits):
    client = as_user(receptionist)
    assert len(ids(client.get("/api/appointments", {"limit": 100}))) == len(visits)
    got = ids(client.get("/api/appointments", {"doctorId": str(doctor.pk), "status": "completed"}))
    assert got == [str(visits["done"].pk), str(visits["older_done"].pk)]
    got = ids(client.get("/api/appointments", {"patientId": str(patient.pk), "status": "pending"}))
    assert set(got) == {str(visits["later"].pk), str(visits["other_doctor"].pk)}
    day = visits["later"].appointment_date
    assert str(visits["later"].pk) in ids(client.get("/api/appointments", {"date": day.isoformat()}))
    assert str(visits["done"].pk) not in ids(client.get("/api/appointments", {"date": day.isoformat()}))


def test_staff_search_by_patient_name_or_mobile(as_user, admin_user, make_user, doctor):
    meera = make_user(name="Meera Iyer", mobile_number="9812345678")
    mine = at(10, patient=meera, doctor=doctor)
    at(11, patient=make_user(name="Arjun Rao"), doctor=doctor)
    client = as_user(admin_user)
    assert ids(client.get("/api/appointments", {"search": "meera"})) == [str(mine.pk)]
    assert ids(client.get("/api/appointments", {"search": "12345"})) == [str(mine.pk)]
    assert ids(client.get("/api/appointments", {"search": "nobody"})) == []


def test_staff_list_rejects_malformed_ids(as_user, admin_user):
    response = as_user(admin_user).get("/api/appointments", {"doctorId": "not-a-uuid"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "doctorId"


def test_receptionist_lists_hide_clinical_fields(as_user, receptionist, admin_user, patient, doctor):
    at(10, patient=patient, doctor=doctor, visit_summary={"diagnosis": "secret"})
    item = as_user(receptionist).get("/api/appointments").json()["data"]["items"][0]
    assert "visitSummary" not in item
    assert "prescription" not in item
    assert "notes" not in item
    assert as_user(admin_user).get("/api/appointments").json()["data"]["items"][0]["visitSummary"] == {
        "diagnosis": "secret"
    }


@pytest.fixture
def people(patient, doctor, receptionist, admin_user):
    return {"patient": patient, "doctor": doctor, "receptionist": receptionist, "admin": admin_user}


def queries_of(client, url, limit: int = 100) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"limit": limit})
    assert response.status_code == 200
    assert response.json()["data"]["items"]
    return len(captured)


@pytest.mark.parametrize(
    ("url", "role", "reads"),
    [
        # the signed-in user (with the revocation check), page, history and files in one statement
        ("/api/appointments/my-appointments", "patient", 3),
        ("/api/appointments/my", "doctor", 3),
        # the signed-in user (with the revocation check), page, history, files
        ("/api/appointments/pending", "receptionist", 4),
        ("/api/appointments", "admin", 4),
    ],
)
def test_query_count_is_constant_in_page_size(as_user, people, url, role, reads):
    client = as_user(people[role])
    at(10, patient=people["patient"], doctor=people["doctor"])
    few = queries_of(client, url)
    for hours in range(11, 61):
        at(hours, patient=people["patient"], doctor=people["doctor"])
    assert queries_of(client, url) == few
    assert few == reads
    assert queries_of(client, url, limit=10) == reads + 1  # a full page needs the COUNT for its total
