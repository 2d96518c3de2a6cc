"""Role matrix (SPEC.md §2): every appointment endpoint x role x own / someone else's appointment.

Deny is the default: a role that may never act gets 403; a doctor or patient acting on
someone else's appointment gets 404, exactly as for a missing one; no token is 401.
Each case gets a fresh appointment in the state its endpoint needs, so "allowed"
means the real success status of the action, not merely "not refused".
"""

import dataclasses
import datetime as dt

import pytest
from django.utils import timezone

from appointments.models import AppointmentStatus as S
from appointments.tests.factories import AppointmentFactory
from arthomed.core.roles import Role

pytestmark = pytest.mark.django_db

ACTORS = ["admin", "receptionist", "own_doctor", "other_doctor", "own_patient", "other_patient", "anonymous"]
# Booking and reschedule are judged by the access rules only: without a doctor schedule the
# slot itself is refused (409/400), which still proves the caller was let through.
PASSED_ACCESS = "passed access"


@dataclasses.dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # `{id}` is the appointment's id, `{doctor}` its doctor's
    ok: int | str  # the status of an allowed call
    allowed: frozenset  # actors let through (own_* only on their own appointment)
    status: str = S.CONFIRMED
    starts_in_hours: float = 48
    body: dict | None = None
    # For endpoints without an appointment in the path, "other's" does not apply: both doctors/patients alike.
    scoped: bool = True


STAFF = {"admin", "receptionist"}
EVERYONE = STAFF | {"own_doctor", "own_patient"}
ENDPOINTS = {
    "detail": Endpoint("get", "/api/appointments/{id}", 200, frozenset(EVERYONE)),
    "ics": Endpoint("get", "/api/appointments/{id}/ics", 200, frozenset(EVERYONE)),
    # Clinical, so not the front desk's; 409 for those let in, as nothing is prescribed yet.
    "prescription": Endpoint(
        "get", "/api/appointments/{id}/prescription", 409, frozenset({"admin", "own_doctor", "own_patient"})
    ),
    "confirm": Endpoint("post", "/api/appointments/{id}/confirm", 200, frozenset(STAFF), status=S.PENDING),
    "confirm_by_body": Endpoint(
        "post", "/api/appointments/confirm", 200, frozenset(STAFF), status=S.PENDING, body={"appointmentId": "{id}"}
    ),
    "reject": Endpoint(
        "post", "/api/appointments/{id}/reject", 200, frozenset(STAFF), status=S.PENDING, body={"reason": "Full"}
    ),
    "cancel": Endpoint(
        "put", "/api/appointments/{id}/cancel", 200, frozenset(STAFF | {"own_patient"}), body={"reason": "x"}
    ),
    "status_no_show": Endpoint(
        "put",
        "/api/appointments/{id}/status",
        200,
        frozenset(STAFF | {"own_doctor"}),
        starts_in_hours=-1,
        body={"status": "no-show"},
    ),
    "status_start": Endpoint(
        "put",
        "/api/appointments/{id}/status",
        200,
        frozenset({"admin", "own_doctor"}),
        body={"status": "in-progress"},
    ),
    "visit_summary": Endpoint(
        "put",
        "/api/appointments/{id}/visit-summary",
        200,
        frozenset({"admin", "own_doctor"}),
        body={"visitSummary": {"diagnosis": "Sprain"}},
    ),
    "payment": Endpoint(
        "put", "/api/appointments/{id}/payment", 200, frozenset(STAFF), body={"status": "paid", "method": "cash"}
    ),
    "feedback": Endpoint(
        "post",
        "/api/appointments/{id}/feedback",
        200,
        frozenset({"own_patient"}),
        status=S.COMPLETED,
        body={"rating": 5},
    ),
    # The day's queue (SPEC.md §12): starting now, so it is today and inside the check-in window.
    "check_in": Endpoint("post", "/api/appointments/{id}/check-in", 200, frozenset(STAFF), starts_in_hours=0),
    "queue": Endpoint("get", "/api/appointments/{id}/queue", 200, frozenset(EVERYONE)),
    "reschedule": Endpoint(
        "put",
        "/api/appointments/{id}/reschedule",
        PASSED_ACCESS,
        frozenset(STAFF | {"own_patient"}),
        body={"appointmentDate": "2030-01-07", "appointmentTime": "10:00"},
    ),
    "my_appointments": Endpoint(
        "get", "/api/appointments/my-appointments", 200, frozenset({"own_doctor", "own_patient"}), scoped=False
    ),
    "my_alias": Endpoint("get", "/api/appointments/my", 200, frozenset({"own_doctor", "own_patient"}), scoped=False),
    "staff_list": Endpoint("get", "/api/appointments", 200, frozenset(STAFF), scoped=False),
    "pending": Endpoint("get", "/api/appointments/pending", 200, frozenset(STAFF), scoped=False),
    "stats": Endpoint("get", "/api/appointments/stats", 200, frozenset(EVERYONE), scoped=False),
    "slots": Endpoint(
        "get",
        "/api/appointments/slots?doctorId={doctor}&date=2030-01-07",
        200,
        frozenset(EVERYONE | {"anonymous"}),
        scoped=False,
    ),
    "calendar": Endpoint(
        "get",
        "/api/appointments/calendar?doctorId={doctor}&month=2030-01",
        200,
        frozenset(EVERYONE | {"anonymous"}),
        scoped=False,
    ),
    "book": Endpoint(
        "post",
        "/api/appointments/book",
        PASSED_ACCESS,
        frozenset(STAFF | {"own_patient"}),
        scoped=False,
        body={
            "doctorId": "{doctor}",
            "patientId": "{patient}",
            "appointmentDate": "2030-01-07",
            "appointmentTime": "10:00",
            "purposeOfVisit": "consultation",
            "reason": "Knee pain",
        },
    ),
}


def expected(endpoint: Endpoint, actor: str) -> int | str:
    if actor == "anonymous":
        return endpoint.ok if "anonymous" in endpoint.allowed else 401
    own = actor.replace("other_", "own_")
    if own not in endpoint.allowed:
        return 403
    if actor.startswith("other_"):
        return 404 if endpoint.scoped else endpoint.ok
    return endpoint.ok


def fill(value, appointment):
    if isinstance(value, dict):
        return {key: fill(item, appointment) for key, item in value.items()}
    if isinstance(value, str):
        return value.format(id=appointment.pk, doctor=appointment.doctor_id, patient=appointment.patient_id)
    return value


@pytest.fixture
def people(make_user, admin_user, receptionist, doctor, patient):
    return {
        "admin": admin_user,
        "receptionist": receptionist,
        "own_doctor": doctor,
        "other_doctor": make_user(Role.DOCTOR),
        "own_patient": patient,
        "other_patient": make_user(Role.PATIENT),
    }


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_role_matrix(api, as_user, people, name, actor):
    endpoint = ENDPOINTS[name]
    appointment = AppointmentFactory(
        patient=people["own_patient"],
        doctor=people["own_doctor"],
        status=endpoint.status,
        starts_at=timezone.now() + dt.timedelta(hours=endpoint.starts_in_hours),
    )
    client = api if actor == "anonymous" else as_user(people[actor])
    call = getattr(client, endpoint.method)
    path = fill(endpoint.path, appointment)
    response = call(path, fill(endpoint.body, appointment), format="json") if endpoint.body else call(path)

    want = expected(endpoint, actor)
    if want == PASSED_ACCESS:
        assert response.status_code not in (401, 403, 404), response.content
        assert response.status_code < 500
    else:
        assert response.status_code == want, response.content
    if want in (403, 404) and endpoint.scoped:
        appointment.refresh_from_db()
        assert appointment.status == endpoint.status  # a refused call changed nothing
        assert appointment.status_history.count() == 1
    if want == 404:
        assert response.json()["error"]["code"] == "APPOINTMENT_NOT_FOUND"
    if want == 403:
        assert response.json()["error"]["code"] == "PERMISSION_DENIED"


def test_every_appointment_route_is_in_the_matrix():
    from arthomed.tests.test_api_routes import live_routes

    covered = {f"{endpoint.method.upper()} {endpoint.path.split('?')[0]}" for endpoint in ENDPOINTS.values()}
    routes = {route for route in live_routes() if route.split(" ")[1].startswith("/api/appointments")}
    assert routes <= covered, sorted(routes - covered)
