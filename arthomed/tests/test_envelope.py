"""SPEC.md §1 conventions: envelopes for success and every error class, camelCase, request ids."""

import datetime as dt
import json
import re
import uuid
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from djangorestframework_camel_case.settings import api_settings
from djangorestframework_camel_case.util import camelize as library_camelize

from arthomed.api.renderers import camelize
from arthomed.core.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.urls("arthomed.tests.probe_urls")]

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+05:30$")


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    assert body["error"]["statusCode"] == status
    assert isinstance(body["errors"], list)
    assert TIMESTAMP.match(body["timestamp"])
    return body


def test_success_envelope_camelcase_in_and_out(api):
    response = api.post(
        "/api/_probe/echo?pageSize=3", {"mobileNumber": "9876543210", "nested": {"a": 1}}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True
    assert body["message"] == "Echoed"
    assert body["data"]["echo"] == {"mobileNumber": "9876543210", "nested": {"a": 1}}
    assert body["data"]["query"] == {"pageSize": ["3"]}  # read snake_case by the view, shown camelCase
    assert TIMESTAMP.match(body["timestamp"])


def test_validation_error_lists_fields_with_values(api):
    response = api.post("/api/_probe/echo", {"mobileNumber": "123456789", "nested": {"a": "x"}}, format="json")
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert body["message"] == "Validation failed"
    assert {
        "field": "mobileNumber",
        "message": "Mobile number must be exactly 10 digits",
        "value": "123456789",
    } in body["errors"]
    assert any(error["field"] == "nested.a" for error in body["errors"])


def test_malformed_json_is_a_400_envelope(api):
    response = api.generic("POST", "/api/_probe/echo", "{not json", content_type="application/json")
    assert_error(response, 400, "VALIDATION_ERROR")


def test_wrong_json_type_is_a_400_not_a_500(api):
    response = api.post("/api/_probe/echo", [1, 2, 3], format="json")
    assert_error(response, 400, "VALIDATION_ERROR")


def test_unsupported_media_type_is_415(api):
    response = api.generic("POST", "/api/_probe/echo", "<a/>", content_type="application/xml")
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_method_not_allowed_is_405(api):
    assert_error(api.delete("/api/_probe/echo"), 405, "METHOD_NOT_ALLOWED")


def test_unknown_api_route_is_json_404(api):
    assert_error(api.get("/api/no/such/route"), 404, "NOT_FOUND")
    assert_error(api.get("/api/"), 404, "NOT_FOUND")


@pytest.mark.parametrize("path", ["/", "/api"])
def test_root_and_api_answer_an_index(api, path):
    response = api.get(path)
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    data = body["data"]
    assert data["name"] == "Arthomed API" and isinstance(data["version"], str)
    assert data["links"] == {"docs": "/api-docs", "schema": "/api/schema", "health": "/health", "api": "/api"}
    for link in ("/api-docs", "/api/schema", "/health"):
        assert api.get(link).status_code == 200
    health = api.get("/health").json()
    assert (health["status"], health["message"]) == ("ok", "OK")
    assert_error(api.post(path, {}, format="json"), 405, "METHOD_NOT_ALLOWED")


def test_domain_error_carries_code_and_details(api):
    body = assert_error(api.get("/api/_probe/domain-error"), 409, "SLOT_UNAVAILABLE")
    assert body["message"] == "Selected time slot is not available"
    assert body["error"]["details"] == "taken"


def test_unhandled_error_is_500_with_details_hidden(api):
    body = assert_error(api.get("/api/_probe/crash"), 500, "INTERNAL_ERROR")
    assert "details" not in body["error"]
    assert "secret" not in str(body)


def test_unhandled_error_shows_details_when_debug(api, settings):
    settings.DEBUG = True
    body = assert_error(api.get("/api/_probe/crash"), 500, "INTERNAL_ERROR")
    assert "RuntimeError" in body["error"]["details"]


def test_error_in_plain_django_view_under_api_is_json(api):
    client = api
    client.raise_request_exception = False
    assert_error(client.get("/api/_probe/django-crash"), 500, "INTERNAL_ERROR")


def test_missing_token_is_authentication_required(api):
    assert_error(api.get("/api/_probe/admin-only"), 401, "AUTHENTICATION_REQUIRED")


def test_garbage_token_is_token_invalid(api):
    api.credentials(HTTP_AUTHORIZATION="Bearer not.a.jwt")
    assert_error(api.get("/api/_probe/admin-only"), 401, "TOKEN_INVALID")


def test_wrong_role_is_permission_denied(as_user, make_user):
    assert_error(as_user(make_user(Role.PATIENT)).get("/api/_probe/admin-only"), 403, "PERMISSION_DENIED")
    assert as_user(make_user(Role.ADMIN)).get("/api/_probe/admin-only").status_code == 200


def test_deactivated_user_token_is_user_inactive(as_user, make_user):
    user = make_user(Role.ADMIN)
    client = as_user(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert_error(client.get("/api/_probe/admin-only"), 401, "USER_INACTIVE")


def test_json_body_over_limit_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.generic("POST", "/api/_probe/echo", "x" * 2000, content_type="application/json")
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_request_id_is_echoed_or_created(api):
    assert api.get("/api/no/route", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    generated = api.get("/api/no/route")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    # A hostile id (header injection, huge) is replaced, not echoed.
    assert api.get("/api/no/route", HTTP_X_REQUEST_ID="a b\r\nc")["X-Request-ID"] != "a b\r\nc"


def test_security_headers_on_api_and_html(api, client):
    response = api.get("/api/no/route")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    page = client.get("/admin/login/")
    assert page["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in page["Content-Security-Policy"]
    assert "Content-Security-Policy" not in response


def test_the_renderers_camelize_answers_what_the_librarys_does():
    options = api_settings.JSON_UNDERSCOREIZE
    data = {
        "_id": "a",
        "doctor_info": {"consultation_fee": Decimal("500.00"), "schedule": [{"start_time": "09:00", "is_x": True}]},
        "line_2_text": ("a_b", {"inner_key": None}),
        gettext_lazy("lazy_key"): gettext_lazy("lazy value"),
        "at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        "ids": {uuid.UUID(int=1)},
        3: "not a string key",
    }
    ours = camelize(
        data, ignore_fields=options.get("ignore_fields") or (), ignore_keys=options.get("ignore_keys") or ()
    )
    assert json.dumps(ours, default=str) == json.dumps(library_camelize(data, **options), default=str)
    assert "_id" in ours and "doctorInfo" in ours and "consultationFee" in ours["doctorInfo"]
