from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_health_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "cache": "ok"}
    assert {"uptime", "timestamp", "environment", "version"} <= set(body)


def test_health_503_when_database_unreachable(client):
    with mock.patch("arthomed.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"


@pytest.mark.urls("arthomed.tests.probe_urls")
def test_database_outage_in_api_is_503_service_unavailable(as_user, admin_user):
    client = as_user(admin_user)
    with mock.patch("accounts.authentication.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/api/_probe/admin-only")
    assert response.status_code == 503
    body = response.json()
    assert body["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert "Retry-After" in response


def test_schema_is_openapi_json(api):
    response = api.get("/api/schema?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["paths"], "the API documents its routes"
    error_ref = "#/components/schemas/ErrorEnvelope"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "204" not in responses, f"{method} {path}: every answer carries the envelope"
            assert responses["default"]["content"]["application/json"]["schema"]["$ref"] == error_ref, (path, method)
            for status, response in responses.items():
                json_body = response.get("content", {}).get("application/json")
                if status.startswith("2") and json_body:
                    envelope = schema["components"]["schemas"][json_body["schema"]["$ref"].rsplit("/", 1)[-1]]
                    assert set(envelope["properties"]) == {"success", "message", "data", "timestamp"}


def test_swagger_ui_and_redoc_served_locally(client):
    page = client.get("/api-docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert client.get("/api/redoc").status_code == 200


def test_schema_documents_clock_times_as_hh_mm_and_path_names_as_in_the_template(api):
    """Regressions found by `make fuzz`: times were documented as RFC 3339 `time`, and path
    parameters were camelized away from their `{template}` names."""
    schema = api.get("/api/schema?format=json").json()
    text = str(schema)
    assert "'format': 'time'" not in text
    appointment = schema["components"]["schemas"]["AppointmentOutput"]["properties"]
    assert appointment["appointmentTime"]["pattern"] == r"^([01]\d|2[0-3]):[0-5]\d$"
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    assert "{" + parameter["name"] + "}" in path
