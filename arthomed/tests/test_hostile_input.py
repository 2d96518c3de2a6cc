"""No input yields a 500 or an HTML page under /api (SPEC.md §1): hostile bodies, dates and routes.

The schema walk sends each class of hostile JSON body to every JSON POST/PUT/PATCH
operation the OpenAPI document lists, so a new endpoint is covered the day it appears.
"""

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ParseError
from rest_framework.test import APIClient

from arthomed.api.parsers import MAX_JSON_DEPTH, check_json_value

pytestmark = pytest.mark.django_db

SURROGATE = '{"name": "\\ud800", "reason": "x\\udfff"}'
NUL = '{"name": "A\\u0000B", "reason": "\\u0000"}'
DEEP = '{"name": ' + "[" * 5000 + "]" * 5000 + "}"
JUST_TOO_DEEP = '{"name": ' + "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH + "}"
HOSTILE_BODIES = {"surrogate": SURROGATE, "nul": NUL, "deep": DEEP, "just-too-deep": JUST_TOO_DEEP}


def assert_envelope(response, status: int | None = None, code: str | None = None) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert body["success"] is False
    assert body["error"]["statusCode"] == response.status_code
    if status is not None:
        assert response.status_code == status
    else:
        assert 400 <= response.status_code < 500, body
    if code is not None:
        assert body["error"]["code"] == code
    return body


@pytest.mark.parametrize("query", ["date=0000-01-01", "date=9999-12-31", "date=0001-01-01", "date=3000-01-01"])
def test_slots_with_dates_at_the_ends_of_the_calendar_are_a_400(api, make_user, query):
    doctor = make_user("doctor", doctor_info={"specialization": "Arthroscopy"})
    response = api.get(f"/api/appointments/slots?doctorId={doctor.pk}&{query}")
    assert_envelope(response, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize("month", ["9999-12", "0000-01", "0001-01", "3000-01"])
def test_calendar_with_years_at_the_ends_is_a_400(api, make_user, month):
    doctor = make_user("doctor", doctor_info={"specialization": "Arthroscopy"})
    response = api.get(f"/api/appointments/calendar?doctorId={doctor.pk}&month={month}")
    body = assert_envelope(response, 400, "VALIDATION_ERROR")
    assert [error["field"] for error in body["errors"]] == ["month"]


def test_dates_inside_the_range_still_work(api, make_user):
    doctor = make_user("doctor", doctor_info={"specialization": "Arthroscopy"})
    assert api.get(f"/api/appointments/slots?doctorId={doctor.pk}&date=1900-01-01").status_code == 200
    assert api.get(f"/api/appointments/calendar?doctorId={doctor.pk}&month=2999-12").status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_to_an_unknown_api_route_are_the_json_404_not_a_csrf_page(method):
    client = APIClient(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "x" * 32  # a browser's stale cookie must not change the answer
    response = getattr(client, method)("/api/no/such/route", {"a": 1}, format="json")
    assert_envelope(response, 404, "NOT_FOUND")


@pytest.mark.parametrize("kind", sorted(HOSTILE_BODIES))
def test_hostile_json_to_sign_in_is_a_400_envelope(api, kind):
    response = api.post("/api/auth/send-otp", HOSTILE_BODIES[kind], content_type="application/json")
    assert_envelope(response, 400, "VALIDATION_ERROR")


def json_write_operations(client) -> list[tuple[str, str]]:
    schema = client.get("/api/schema?format=json").json()
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            if method in ("post", "put", "patch") and "application/json" in content:
                operations.append((method, path))
    return operations


def concrete(path: str) -> str:
    # Every path parameter is an id or a file name: an unknown UUID is a valid-looking one.
    return "/".join(str(uuid.uuid4()) if part.startswith("{") else part for part in path.split("/"))


@pytest.mark.parametrize("role", ["anonymous", "patient", "admin"])
def test_every_json_write_answers_hostile_bodies_with_a_4xx_envelope(role, make_user):
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(make_user(role))
    operations = json_write_operations(client)
    assert len(operations) >= 15  # the walk really covers the API
    for method, path in operations:
        for kind, body in HOSTILE_BODIES.items():
            response = getattr(client, method)(concrete(path), body, content_type="application/json")
            assert response.status_code < 500, (method, path, kind, response.content[:300])
            assert_envelope(response)


json_text = st.text(st.characters(codec=None, categories=["Cs", "Cc", "L", "N", "P", "Zs"]), max_size=8)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | json_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(json_text, children, max_size=3),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_whatever_json_is_sent_the_parser_accepts_only_text_the_stack_can_encode(value):
    try:
        check_json_value(value)
    except ParseError:
        return
    # Accepted: it can be rendered as UTF-8 JSON and stored (no NUL for PostgreSQL).
    rendered = json.dumps(value, ensure_ascii=False)
    rendered.encode("utf-8")
    assert "\x00" not in rendered
