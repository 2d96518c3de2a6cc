"""CORS preflight from allowed and foreign origins; whole-request size limit on multipart bodies.

JSON bodies over the limit (arthomed/tests/test_envelope.py::test_json_body_over_limit_is_413)
and per-file / per-count upload limits (files/tests/test_upload.py, test_validation.py,
test_avatar.py) are tested where they are implemented.
"""

import pytest
from django.conf import settings

from appointments.tests.factories import AppointmentFactory
from files.models import StoredFile
from files.tests.support import pdf_bytes, upload

pytestmark = pytest.mark.django_db

ALLOWED = "https://app.arthomed.example"
FOREIGN = "https://evil.example"


@pytest.fixture(autouse=True)
def cors_origins(settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]


def preflight(api, origin: str, path: str = "/api/appointments/book"):
    return api.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )


def test_preflight_from_the_allowed_origin_is_granted(api):
    response = preflight(api, ALLOWED)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in response["Access-Control-Allow-Methods"]
    allowed_headers = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key"} <= allowed_headers
    # Bearer tokens, not cookies: credentials are never allowed cross-origin.
    assert "Access-Control-Allow-Credentials" not in response


def test_preflight_from_a_foreign_origin_gets_no_grant(api):
    response = preflight(api, FOREIGN)
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Methods" not in response


def test_actual_request_from_the_allowed_origin_exposes_the_request_id(api):
    response = api.get("/api/users/doctors", HTTP_ORIGIN=ALLOWED)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert "x-request-id" in response["Access-Control-Expose-Headers"].lower()


def test_actual_request_from_a_foreign_origin_is_not_shared(api):
    response = api.get("/api/users/doctors", HTTP_ORIGIN=FOREIGN)
    assert "Access-Control-Allow-Origin" not in response


def test_cors_is_limited_to_the_api(client):
    response = client.get("/admin/login/", HTTP_ORIGIN=ALLOWED)
    assert "Access-Control-Allow-Origin" not in response


def assert_too_large(response):
    assert response.status_code == 413
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == "FILE_TOO_LARGE"
    assert body["error"]["statusCode"] == 413


def test_multipart_body_over_the_request_limit_is_413_before_anything_is_stored(as_user, patient, doctor, settings):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status="confirmed")
    settings.MAX_REQUEST_BYTES = 4096
    response = as_user(patient).post(
        "/api/files/upload/appointments",
        {"appointmentId": str(appointment.pk), "files": upload(pdf_bytes(b"%" * 8192), "big.pdf", "application/pdf")},
        format="multipart",
    )
    assert_too_large(response)
    assert not StoredFile.objects.exists()


def test_declared_length_over_the_default_limit_is_refused_unread(as_user, patient):
    """The refusal comes from Content-Length alone: a client cannot make the server read 50 MB first."""
    response = as_user(patient).generic(
        "POST",
        "/api/files/upload/appointments",
        b"--x--\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1),
    )
    assert_too_large(response)


def test_anonymous_oversized_upload_is_refused_too(api):
    response = api.generic(
        "POST",
        "/api/users/profile/avatar",
        b"--x--\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1),
    )
    assert_too_large(response)
