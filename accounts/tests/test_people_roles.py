"""Role matrix of the people endpoints (SPEC.md §2): every endpoint x role x own/other's record.

Deny is the default: 401 without a token, 403 for a role that may never do it, 404
for someone else's record (as if it did not exist).
"""

import itertools

import pytest

from arthomed.core.roles import Role

ANON = "anonymous"
ROLES = [ANON, Role.ADMIN, Role.DOCTOR, Role.RECEPTIONIST, Role.PATIENT]

SCHEDULE = {"schedule": [{"day": "monday", "startTime": "09:00", "endTime": "12:00"}], "slotDuration": 30}


_new_numbers = itertools.count(9_700_000_000)


def _create_body():
    return {"mobileNumber": str(next(_new_numbers)), "name": "New Person", "role": "patient"}


# (name, method, path, body factory, {role: status}); `{own}` is the acting user's record,
# `{other}` another doctor's (the directory target, or the record a doctor does not own).
ENDPOINTS = [
    ("profile read", "get", "/api/users/profile", None, {ANON: 401, "*": 200}),
    ("profile update", "put", "/api/users/profile", lambda: {"name": "Changed Name"}, {ANON: 401, "*": 200}),
    ("profile delete", "delete", "/api/users/profile", None, {ANON: 401, "*": 200}),
    ("doctor list", "get", "/api/users/doctors", None, {"*": 200}),
    ("doctor detail", "get", "/api/users/doctors/{other}", None, {"*": 200}),
    (
        "own schedule",
        "put",
        "/api/users/doctors/{own}/schedule",
        lambda: SCHEDULE,
        {ANON: 401, Role.DOCTOR: 200, Role.PATIENT: 403, Role.ADMIN: 404, Role.RECEPTIONIST: 404},
    ),
    (
        "other's schedule",
        "put",
        "/api/users/doctors/{other}/schedule",
        lambda: SCHEDULE,
        {ANON: 401, Role.DOCTOR: 404, Role.PATIENT: 403, Role.ADMIN: 200, Role.RECEPTIONIST: 200},
    ),
    ("user list", "get", "/api/users", None, {ANON: 401, Role.ADMIN: 200, "*": 403}),
    ("create user", "post", "/api/admin/create-user", _create_body, {ANON: 401, Role.ADMIN: 201, "*": 403}),
    (
        "user status",
        "put",
        "/api/admin/users/{other}/status",
        lambda: {"isActive": False, "reason": "Matrix"},
        {ANON: 401, Role.ADMIN: 200, "*": 403},
    ),
]

CASES = [
    pytest.param((method, path, body, role, expected.get(role, expected.get("*"))), id=f"{name}-{role}")
    for name, method, path, body, expected in ENDPOINTS
    for role in ROLES
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_people_endpoint_access(api, as_user, make_user, case):
    method, path, body, role, expected = case
    other_doctor = make_user(Role.DOCTOR, name="Other Doctor")
    actor = None if role == ANON else make_user(role)
    # Admins and receptionists have no schedule: "their own" schedule is not a doctor record.
    own = actor.pk if actor else other_doctor.pk
    client = as_user(actor) if actor else api
    url = path.format(own=own, other=other_doctor.pk)
    response = getattr(client, method)(url, body() if body else None, format="json")
    assert response.status_code == expected, response.json()
    if expected == 403:
        assert response.json()["error"]["code"] == "PERMISSION_DENIED"
    if expected == 404:
        assert response.json()["error"]["code"] == "DOCTOR_NOT_FOUND"
    if expected == 401:
        assert response.json()["error"]["code"] == "AUTHENTICATION_REQUIRED"
