"""The OpenAPI document as client generators read it (issue 13 §6): JSON-only bodies, required
output keys, named envelopes, error codes per operation, list and date parameters, and real
responses that validate under OpenAPI 3.0.3."""

import re

import pytest
import time_machine
from openapi_schema_validator import OAS30Validator

from accounts.models import ScheduleBlock
from appointments.tests.factories import MONDAY, SUNDAY, clinic_dt, schedule_block
from arthomed.api.schema import ERROR_CODES, EnvelopeAutoSchema
from arthomed.core.errors import ApplicationError

JSON = "application/json"
MULTIPART = "multipart/form-data"
FORM = "application/x-www-form-urlencoded"
# SPEC.md §1: JSON everywhere except uploads; booking takes JSON or multipart (§5); Twilio posts a form.
NON_JSON_BODIES = {
    "POST /api/appointments/book": {JSON, MULTIPART},
    "POST /api/files/upload/appointments": {MULTIPART},
    "POST /api/users/profile/avatar": {MULTIPART},
    "POST /api/notifications/sms-status": {FORM},
}


def load_schema(api) -> dict:
    return api.get("/api/schema?format=json").json()


def operations(schema: dict):
    for path, by_method in schema["paths"].items():
        for method, operation in by_method.items():
            yield f"{method.upper()} {path}", path, operation


def template(key: str) -> str:
    return re.sub(r"{\w+}", "{}", key)


def component(schema: dict, ref: dict) -> dict:
    return schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[-1]] if "$ref" in ref else ref


def success_data(schema: dict, operation: dict) -> dict | None:
    for status, response in operation["responses"].items():
        body = response.get("content", {}).get(JSON)
        if status.startswith("2") and body:
            return component(schema, body["schema"])["properties"]["data"]
    return None


def test_json_operations_take_json_only(api):
    schema = load_schema(api)
    for key, _, operation in operations(schema):
        if "requestBody" in operation:
            wanted = NON_JSON_BODIES.get(template(key), {JSON})
            assert set(operation["requestBody"]["content"]) == wanted, key


@pytest.mark.django_db
def test_a_json_operation_refuses_a_form_body_and_booking_still_parses_multipart(api, as_user, patient):
    refused = api.post("/api/auth/send-otp", {"mobileNumber": "9876543210"}, format="multipart")
    assert refused.status_code == 415
    assert refused.json()["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    # Multipart reaches the booking serializer (a validation answer, not 415).
    booking = as_user(patient).post("/api/appointments/book", {"reason": "Knee"}, format="multipart")
    assert booking.status_code == 400
    assert booking.json()["error"]["code"] == "VALIDATION_ERROR"


def test_success_bodies_are_named_envelope_components(api):
    schema = load_schema(api)
    for key, _, operation in operations(schema):
        for status, response in operation["responses"].items():
            body = response.get("content", {}).get(JSON)
            if status.startswith("2") and body:
                ref = body["schema"]["$ref"]
                assert ref.endswith("Envelope"), (key, ref)
                assert component(schema, body["schema"])["required"] == ["success", "message", "data", "timestamp"]
    assert "AppointmentEnvelope" in schema["components"]["schemas"]


def test_error_code_is_an_enum_of_every_code_the_api_raises(api):
    schema = load_schema(api)
    schemas = schema["components"]["schemas"]
    assert schemas["ErrorDetail"]["properties"]["code"]["allOf"] == [{"$ref": "#/components/schemas/ErrorCodeEnum"}]
    assert schemas["ErrorCodeEnum"]["enum"] == ERROR_CODES

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    raised = {error.code for error in subclasses(ApplicationError)}
    assert raised <= set(ERROR_CODES)


def error_codes(operation: dict, status: int) -> str:
    return operation["responses"].get(str(status), {}).get("description", "")


def documented_codes(operation: dict, status: int) -> set[str]:
    """The `CODE`s a response's description lists."""
    return set(re.findall(r"`([A-Z_]+)`", error_codes(operation, status)))


def test_each_operation_documents_the_errors_it_can_answer(api):
    schema = load_schema(api)
    for key, path, operation in operations(schema):
        if not path.startswith("/api"):
            continue
        has_query = any(parameter["in"] == "query" for parameter in operation.get("parameters", []))
        if "requestBody" in operation or has_query:
            assert "`VALIDATION_ERROR`" in error_codes(operation, 400), key
        security = operation.get("security", [{}])
        assert len(security) == len({str(requirement) for requirement in security}), key
        if {} not in security:
            assert "`AUTHENTICATION_REQUIRED`" in error_codes(operation, 401), key
        if "{" in path:
            assert "NOT_FOUND`" in error_codes(operation, 404), key
        if path != "/api/notifications/sms-status":
            assert "Retry-After" in operation["responses"]["429"]["headers"], key
    by_key = {template(key): operation for key, _, operation in operations(schema)}
    book = by_key["POST /api/appointments/book"]
    assert {"SLOT_UNAVAILABLE", "BOOKING_LIMIT_REACHED"} <= documented_codes(book, 409)
    assert "`PERMISSION_DENIED`" in error_codes(book, 403)
    cancel = by_key["PUT /api/appointments/{}/cancel"]
    assert "INVALID_STATUS_TRANSITION" in documented_codes(cancel, 409)
    assert "`APPOINTMENT_NOT_FOUND`" in error_codes(cancel, 404)
    assert "`OTP_RESEND_TOO_SOON`" in error_codes(by_key["POST /api/auth/send-otp"], 429)
    assert "`OTP_EXPIRED`" in error_codes(by_key["POST /api/auth/verify-otp"], 401)
    assert "403" not in by_key["GET /api/auth/me"]["responses"], "any signed-in user may read themselves"


def test_every_list_documents_page_and_limit(api):
    schema = load_schema(api)
    lists = 0
    for key, _, operation in operations(schema):
        data = success_data(schema, operation)
        if data and "pagination" in component(schema, data).get("properties", {}):
            lists += 1
            names = {parameter["name"] for parameter in operation["parameters"] if parameter["in"] == "query"}
            assert {"page", "limit"} <= names, key
    assert lists >= 6


def test_date_and_month_parameters_carry_their_format(api):
    schema = load_schema(api)
    seen = set()
    for key, _, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and parameter["name"] in ("date", "startDate", "endDate"):
                assert parameter["schema"]["format"] == "date", key
                seen.add(parameter["name"])
            if parameter["name"] == "month":
                assert re.fullmatch(parameter["schema"]["pattern"], "2026-02"), key
                assert not re.fullmatch(parameter["schema"]["pattern"], "2026-13"), key
                seen.add("month")
    assert seen == {"date", "startDate", "endDate", "month"}


def test_output_keys_are_required_unless_declared_optional(api):
    schemas = load_schema(api)["components"]["schemas"]
    appointment = schemas["AppointmentOutput"]
    # Receptionists get the same appointment without its clinical keys (SPEC.md §5).
    assert set(appointment["properties"]) - set(appointment["required"]) == {
        "notes",
        "visitSummary",
        "prescription",
        "prescriptionDetails",
        "followUp",
        "person",
    }
    assert {"_id", "status", "createdAt", "cancellation", "feedback", "payment"} <= set(appointment["required"])
    user = schemas["UserOutput"]
    assert set(user["properties"]) - set(user["required"]) == {"email", "avatarUrl", "patientInfo", "doctorInfo"}
    # Typed, not free JSON: the visit summary's keys are known, and each may be missing.
    visit_summary = schemas["VisitSummaryOutput"]
    assert set(visit_summary["properties"]) == {"anamnesis", "diagnosis", "advice", "diet", "vitals"}
    assert "required" not in visit_summary
    details_ref = {"$ref": "#/components/schemas/PrescriptionDetailsOutput"}
    assert appointment["properties"]["prescriptionDetails"]["allOf"] == [details_ref]
    assert appointment["properties"]["prescription"]["type"] == "string"


def test_output_enums_are_typed(api):
    schemas = load_schema(api)["components"]["schemas"]

    def enum_of(name: str, prop: str) -> list:
        schema = schemas[name]["properties"][prop]
        refs = [schema] if "$ref" in schema else schema.get("oneOf", schema.get("allOf", []))
        return [value for ref in refs for value in schemas[ref["$ref"].rsplit("/", 1)[-1]]["enum"]]

    assert "partially-refunded" in enum_of("PaymentOutput", "status")
    assert "upi" in enum_of("PaymentOutput", "method")
    assert "not-applicable" in enum_of("CancellationOutput", "refundStatus")
    assert enum_of("CalendarDayOutput", "status") == ["available", "full", "off", "past"]
    assert "female" in enum_of("ProfileOutput", "gender")
    assert "receptionist" in enum_of("UserOutput", "role")
    assert "no-show" in enum_of("AppointmentOutput", "status")


def validator_for(schema: dict, name: str) -> OAS30Validator:
    return OAS30Validator({"$ref": f"#/components/schemas/{name}", "components": schema["components"]})


@pytest.mark.django_db
def test_real_answers_validate_under_openapi_3_0_3(api, as_user, patient, make_user):
    """`cancellation: null`, `feedback: null` and a filled cancellation all match the document."""
    schema = load_schema(api)
    doctor = make_user("doctor", name="Dr Anil Kumar", doctor_info={"specialization": "Sports Medicine"})
    ScheduleBlock.objects.create(doctor=doctor, **schedule_block("monday 09:00-13:00"))
    with time_machine.travel(clinic_dt(SUNDAY, 10), tick=False):
        client = as_user(patient)
        booked = client.post(
            "/api/appointments/book",
            {
                "doctorId": str(doctor.pk),
                "appointmentDate": MONDAY.isoformat(),
                "appointmentTime": "09:00",
                "reason": "Knee",
            },
            format="json",
        )
        assert booked.status_code == 201, booked.content
        appointment = booked.json()["data"]["appointment"]
        assert appointment["cancellation"] is None and appointment["feedback"] is None
        cancelled = client.put(f"/api/appointments/{appointment['_id']}/cancel", {"reason": "Travel"}, format="json")
        me = client.get("/api/auth/me").json()
        refused = client.put(f"/api/appointments/{appointment['_id']}/cancel", {"reason": "Again"}, format="json")
    envelope = validator_for(schema, "AppointmentEnvelope")
    for answer in (booked, cancelled):
        errors = [error.message for error in envelope.iter_errors(answer.json())]
        assert errors == [], errors
    assert cancelled.json()["data"]["appointment"]["cancellation"]["refundStatus"] == "not-applicable"
    assert list(validator_for(schema, "UserEnvelope").iter_errors(me)) == []
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "APPOINTMENT_CANCELLED"
    assert list(validator_for(schema, "ErrorEnvelope").iter_errors(refused.json())) == []


def implicit_operation_ids(monkeypatch, api) -> dict:
    """Operation ids drf-spectacular would make up from the path: views that name none get these."""
    monkeypatch.setattr(EnvelopeAutoSchema, "get_operation_id", lambda self: "IMPLICIT")
    return {key: operation["operationId"] for key, _, operation in operations(load_schema(api))}


# The view layer (issue 13 §1, ViewSets with `<resource>_<action>` ids and `{id}` path
# parameters) names operations and path parameters; until it does, these two are expected to fail.
def test_every_operation_names_an_explicit_unique_snake_case_operation_id(monkeypatch, api):
    ids = implicit_operation_ids(monkeypatch, api)
    assert [key for key, operation_id in ids.items() if operation_id == "IMPLICIT"] == []
    assert len(set(ids.values())) == len(ids)
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)+", operation_id) for operation_id in ids.values())


def test_path_parameters_are_named_consistently(api):
    """The id of the resource a path acts on is `{id}`; a nested resource's is `{<resource>Id}`."""
    schema = load_schema(api)
    for path in schema["paths"]:
        names = re.findall(r"{(\w+)}", path)
        if names and "/files/" not in path:
            assert names[0] == "id", path
            assert all(re.fullmatch(r"[a-z]+Id", name) for name in names[1:]), path
