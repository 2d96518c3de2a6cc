"""Global access audit: every operation of the OpenAPI schema x every actor (SPEC.md §2).

`ROUTES` has one row per (method, path) of the generated schema, giving each actor's
expected outcome: "ok" (let through: not 401/403/404, never 5xx), 401 (sign-in needed),
403 (this role may never do it) or 404 (someone else's record, answered as missing).
"patient"/"doctor" own the records in play; "other_patient"/"other_doctor" do not.
A route added to the API without a row here fails `test_every_schema_operation_has_a_row`.
The per-app matrices (accounts/tests/test_people_roles.py,
appointments/tests/test_appointment_roles.py, files/tests/test_access_matrix.py) check
exact success statuses; this one checks that nothing escapes the table.
"""

import dataclasses
import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from accounts.models import DoctorLeave
from accounts.tokens import tokens_for
from appointments.models import AppointmentStatus, Notification, NotificationKind
from appointments.tests.factories import AppointmentFactory, FamilyMemberFactory, next_mobile
from arthomed import sms
from arthomed.core.roles import Role
from conftest import client_for
from files.tests.support import png_bytes, store_report

ACTORS = ("anonymous", "patient", "other_patient", "doctor", "other_doctor", "receptionist", "admin")
OK = "ok"
SIGNED_IN = frozenset(ACTORS) - {"anonymous"}
STAFF = frozenset({"admin", "receptionist"})
OWNERS = STAFF | {"patient", "doctor"}
NOT_OWNERS = frozenset({"other_patient", "other_doctor"})


def outcomes(allowed, *, not_found=frozenset(), anonymous=401, denied=403) -> dict:
    """Each actor's outcome: allowed -> ok, not_found -> 404, anonymous otherwise -> 401, the rest -> 403."""
    table = {}
    for actor in ACTORS:
        if actor in allowed:
            table[actor] = OK
        elif actor in not_found:
            table[actor] = 404
        elif actor == "anonymous":
            table[actor] = anonymous
        else:
            table[actor] = denied
    return table


@dataclasses.dataclass(frozen=True)
class Route:
    expect: dict
    # `{appointment}`, `{doctor}`, `{patient}`, `{other_patient}`, `{file}`, `{filename}`,
    # `{leave}`, `{notification}`, `{family_member}` are filled from the world of the test.
    url: str = ""
    body: dict | None = None
    multipart: bool = False
    status: str = AppointmentStatus.CONFIRMED
    starts_in_hours: float = 48


PUBLIC = outcomes(ACTORS)
ANY_SIGNED_IN = outcomes(SIGNED_IN)
STAFF_ONLY = outcomes(STAFF)
ADMIN_ONLY = outcomes({"admin"})
APPOINTMENT_READERS = outcomes(OWNERS, not_found=NOT_OWNERS)
FILE_READERS = outcomes({"admin", "doctor", "patient"}, not_found={"receptionist"} | NOT_OWNERS)
PATIENTS = outcomes({"patient", "other_patient"})
FAMILY_OWNER = outcomes({"patient"}, not_found={"other_patient"})
DOCTOR_OR_STAFF = outcomes(STAFF | {"doctor"}, not_found={"other_doctor"})

ROUTES: dict[tuple[str, str], Route] = {
    # accounts: sign-in (public; a token sent along changes nothing)
    ("POST", "/api/auth/send-otp"): Route(PUBLIC, body={"mobileNumber": "{fresh_mobile}"}),
    ("POST", "/api/auth/verify-otp"): Route(PUBLIC, body={"mobileNumber": "{otp_mobile}", "otp": "{otp}"}),
    ("POST", "/api/auth/refresh-token"): Route(PUBLIC, body={"refreshToken": "{refresh}"}),
    ("POST", "/api/auth/logout"): Route(ANY_SIGNED_IN),
    ("GET", "/api/auth/me"): Route(ANY_SIGNED_IN),
    # accounts: people
    ("GET", "/api/users/profile"): Route(ANY_SIGNED_IN),
    ("PUT", "/api/users/profile"): Route(ANY_SIGNED_IN, body={"name": "Renamed Person"}),
    ("DELETE", "/api/users/profile"): Route(ANY_SIGNED_IN),
    ("POST", "/api/users/profile/avatar"): Route(ANY_SIGNED_IN, body={"file": "{png}"}, multipart=True),
    ("GET", "/api/users"): Route(ADMIN_ONLY),
    # A patient's own family (SPEC.md §11): another account's member is missing to them.
    ("GET", "/api/users/family-members"): Route(PATIENTS),
    ("POST", "/api/users/family-members"): Route(PATIENTS, body={"name": "Anya Kid", "relation": "child", "age": 6}),
    ("PUT", "/api/users/family-members/{id}"): Route(
        FAMILY_OWNER, url="/api/users/family-members/{family_member}", body={"name": "Anya Renamed"}
    ),
    ("DELETE", "/api/users/family-members/{id}"): Route(FAMILY_OWNER, url="/api/users/family-members/{family_member}"),
    ("GET", "/api/users/doctors"): Route(PUBLIC),
    ("GET", "/api/users/doctors/{id}"): Route(PUBLIC, url="/api/users/doctors/{doctor}"),
    ("PUT", "/api/users/doctors/{id}/schedule"): Route(
        DOCTOR_OR_STAFF,
        url="/api/users/doctors/{doctor}/schedule",
        body={"schedule": [{"day": "monday", "startTime": "09:00", "endTime": "13:00"}]},
    ),
    ("POST", "/api/admin/create-user"): Route(
        ADMIN_ONLY, body={"mobileNumber": "{fresh_mobile}", "name": "New Receptionist", "role": "receptionist"}
    ),
    ("PUT", "/api/admin/users/{id}/status"): Route(
        ADMIN_ONLY, url="/api/admin/users/{other_patient}/status", body={"isActive": False, "reason": "Audit"}
    ),
    # Another doctor's leave is hidden like their schedule (404 DOCTOR_NOT_FOUND).
    ("GET", "/api/users/doctors/{id}/leaves"): Route(DOCTOR_OR_STAFF, url="/api/users/doctors/{doctor}/leaves"),
    ("POST", "/api/users/doctors/{id}/leaves"): Route(
        DOCTOR_OR_STAFF, url="/api/users/doctors/{doctor}/leaves", body={"date": "2030-01-08"}
    ),
    ("DELETE", "/api/users/doctors/{id}/leaves/{leaveId}"): Route(
        DOCTOR_OR_STAFF, url="/api/users/doctors/{doctor}/leaves/{leave}"
    ),
    # A doctor's day (SPEC.md §12): the doctor themself and the front desk; another doctor's is missing.
    ("PUT", "/api/users/doctors/{id}/delay"): Route(
        DOCTOR_OR_STAFF, url="/api/users/doctors/{doctor}/delay", body={"minutes": 20, "note": "Surgery ran over"}
    ),
    ("GET", "/api/users/doctors/{id}/queue"): Route(DOCTOR_OR_STAFF, url="/api/users/doctors/{doctor}/queue"),
    # appointments: discovery and booking
    ("GET", "/api/appointments/slots"): Route(PUBLIC, url="/api/appointments/slots?doctorId={doctor}&date=2030-01-07"),
    ("GET", "/api/appointments/calendar"): Route(
        PUBLIC, url="/api/appointments/calendar?doctorId={doctor}&month=2030-01"
    ),
    ("POST", "/api/appointments/book"): Route(
        outcomes(STAFF | {"patient", "other_patient"}),
        body={
            "doctorId": "{doctor}",
            "patientId": "{patient}",
            "appointmentDate": "2030-01-07",
            "appointmentTime": "10:00",
            "purposeOfVisit": "consultation",
            "reason": "Knee pain",
        },
    ),
    # appointments: lists
    ("GET", "/api/appointments"): Route(STAFF_ONLY),
    ("GET", "/api/appointments/my"): Route(outcomes({"patient", "other_patient", "doctor", "other_doctor"})),
    ("GET", "/api/appointments/my-appointments"): Route(
        outcomes({"patient", "other_patient", "doctor", "other_doctor"})
    ),
    ("GET", "/api/appointments/pending"): Route(STAFF_ONLY),
    ("GET", "/api/appointments/stats"): Route(ANY_SIGNED_IN),
    # appointments: one appointment
    ("GET", "/api/appointments/{id}"): Route(APPOINTMENT_READERS),
    ("GET", "/api/appointments/{id}/ics"): Route(APPOINTMENT_READERS),
    # The prescription is clinical: the front desk is refused (409 here: nothing prescribed yet).
    ("GET", "/api/appointments/{id}/prescription"): Route(
        outcomes({"admin", "doctor", "patient"}, not_found=NOT_OWNERS)
    ),
    ("POST", "/api/appointments/confirm"): Route(
        STAFF_ONLY, body={"appointmentId": "{appointment}"}, status=AppointmentStatus.PENDING
    ),
    ("POST", "/api/appointments/{id}/confirm"): Route(STAFF_ONLY, status=AppointmentStatus.PENDING),
    ("POST", "/api/appointments/{id}/reject"): Route(
        STAFF_ONLY, body={"reason": "Full"}, status=AppointmentStatus.PENDING
    ),
    ("PUT", "/api/appointments/{id}/cancel"): Route(
        outcomes(STAFF | {"patient"}, not_found={"other_patient"}), body={"reason": "Cannot come"}
    ),
    ("PUT", "/api/appointments/{id}/reschedule"): Route(
        outcomes(STAFF | {"patient"}, not_found={"other_patient"}),
        body={"appointmentDate": "2030-01-07", "appointmentTime": "10:00"},
    ),
    ("PUT", "/api/appointments/{id}/status"): Route(
        outcomes(STAFF | {"doctor"}, not_found={"other_doctor"}), body={"status": "no-show"}, starts_in_hours=-1
    ),
    ("PUT", "/api/appointments/{id}/visit-summary"): Route(
        outcomes({"admin", "doctor"}, not_found={"other_doctor"}), body={"visitSummary": {"diagnosis": "Sprain"}}
    ),
    ("PUT", "/api/appointments/{id}/payment"): Route(STAFF_ONLY, body={"status": "paid", "method": "cash"}),
    # The day's queue (SPEC.md §12): the desk checks in (409 here: not today); participants read the queue.
    ("POST", "/api/appointments/{id}/check-in"): Route(STAFF_ONLY),
    ("GET", "/api/appointments/{id}/queue"): Route(APPOINTMENT_READERS),
    ("POST", "/api/appointments/{id}/feedback"): Route(
        outcomes({"patient"}, not_found={"other_patient"}), body={"rating": 5}, status=AppointmentStatus.COMPLETED
    ),
    # files
    ("POST", "/api/files/upload/appointments"): Route(
        APPOINTMENT_READERS,
        body={"appointmentId": "{appointment}", "category": "report", "files": "{png}"},
        multipart=True,
    ),
    ("GET", "/api/files/{id}"): Route(FILE_READERS, url="/api/files/{file}"),
    ("GET", "/api/files/{fileType}/{filename}"): Route(FILE_READERS, url="/api/files/reports/{filename}"),
    ("GET", "/api/files/uploads/{path}"): Route(FILE_READERS, url="/api/files/{stored_path}"),
    # Delete: the uploader (the patient) or an admin; readers who may not delete are refused.
    ("DELETE", "/api/files/{id}"): Route(outcomes({"admin", "patient"}, not_found=NOT_OWNERS), url="/api/files/{file}"),
    # notifications: everyone sees only their own feed
    ("GET", "/api/notifications"): Route(ANY_SIGNED_IN),
    ("PUT", "/api/notifications/read-all"): Route(ANY_SIGNED_IN),
    ("PUT", "/api/notifications/{id}/read"): Route(
        outcomes({"patient"}, not_found=SIGNED_IN - {"patient"}), url="/api/notifications/{notification}/read"
    ),
    # Twilio's callback is public but signed: an unsigned call is refused whoever sends it.
    ("POST", "/api/notifications/sms-status"): Route(
        outcomes((), anonymous=403), body={"MessageSid": "SM1", "MessageStatus": "delivered"}
    ),
    # the patient's record: the holder, a doctor who saw them, admins; the front desk is refused
    ("GET", "/api/patients/{id}/record"): Route(
        outcomes({"admin", "doctor", "patient"}, not_found=NOT_OWNERS), url="/api/patients/{patient}/record"
    ),
    # dashboards
    ("GET", "/api/dashboard"): Route(ANY_SIGNED_IN),
    ("GET", "/api/admin/dashboard"): Route(ADMIN_ONLY),
}


def schema_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {(method.upper(), path) for path, operations in schema["paths"].items() for method in operations}


def test_every_schema_operation_has_a_row():
    operations = schema_operations()
    missing = sorted(operations - ROUTES.keys())
    stale = sorted(ROUTES.keys() - operations)
    assert not missing, f"routes without a row in ROUTES (add the expected outcome per actor): {missing}"
    assert not stale, f"rows for routes that no longer exist: {stale}"


def test_every_row_names_every_actor():
    for key, route in ROUTES.items():
        assert set(route.expect) == set(ACTORS), key


@pytest.fixture
def world(make_user, admin_user, receptionist, doctor, patient):
    people = {
        "admin": admin_user,
        "receptionist": receptionist,
        "doctor": doctor,
        "other_doctor": make_user(Role.DOCTOR, name="Other Doctor"),
        "patient": patient,
        "other_patient": make_user(Role.PATIENT, name="Other Patient"),
    }
    # The other patient is a patient of the other doctor: that must grant neither any access here.
    AppointmentFactory(patient=people["other_patient"], doctor=people["other_doctor"])
    return people


def fill(value, values: dict):
    if isinstance(value, dict):
        return {key: fill(item, values) for key, item in value.items()}
    if value == "{png}":
        return SimpleUploadedFile("scan.png", png_bytes(), content_type="image/png")
    if isinstance(value, str):
        return value.format(**values)
    return value


def placeholders(route: Route, world: dict, actor: str) -> dict:
    patient, doctor = world["patient"], world["doctor"]
    appointment = AppointmentFactory(
        patient=patient,
        doctor=doctor,
        status=route.status,
        starts_at=timezone.now() + dt.timedelta(hours=route.starts_in_hours),
    )
    report = store_report(appointment, uploaded_by=patient)
    otp_mobile = next_mobile()
    client_for().post("/api/auth/send-otp", {"mobileNumber": otp_mobile}, format="json")
    otp = re.search(r"\b(\d{6})\b", sms.outbox[-1].body).group(1)
    refresh_owner = patient if actor == "anonymous" else world[actor]
    return {
        "appointment": appointment.pk,
        "doctor": doctor.pk,
        "patient": patient.pk,
        "other_patient": world["other_patient"].pk,
        "file": report.pk,
        "filename": report.file.name.rsplit("/", 1)[-1],
        "stored_path": report.file.name,
        "leave": DoctorLeave.objects.create(doctor=doctor, date=dt.date(2030, 1, 9)).pk,
        "notification": Notification.objects.create(
            user=patient, kind=NotificationKind.CONFIRMED, title="Confirmed", body="See you", appointment=appointment
        ).pk,
        "family_member": FamilyMemberFactory(account=patient).pk,
        "fresh_mobile": next_mobile(),
        "otp_mobile": otp_mobile,
        "otp": otp,
        "refresh": tokens_for(refresh_owner)["refreshToken"],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("key", sorted(ROUTES), ids=lambda key: f"{key[0]} {key[1]}")
def test_route_outcome_per_actor(world, key, actor):
    method, path = key
    route = ROUTES[key]
    values = placeholders(route, world, actor)
    url = fill(route.url or path.replace("{id}", "{appointment}"), values)
    client = client_for(None if actor == "anonymous" else world[actor])
    call = getattr(client, method.lower())
    if route.body is None:
        response = call(url)
    elif route.multipart:
        response = call(url, fill(route.body, values), format="multipart")
    elif path == "/api/notifications/sms-status":
        response = call(url, route.body)  # Twilio posts a form, not JSON
    else:
        response = call(url, fill(route.body, values), format="json")

    want = route.expect[actor]
    assert response.status_code < 500, response.content
    if want == OK:
        assert response.status_code not in (401, 403, 404), (actor, response.status_code, response.content)
    else:
        assert response.status_code == want, (actor, response.status_code, response.content)
        assert response.json()["success"] is False
