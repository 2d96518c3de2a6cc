"""OpenAPI that matches the real responses and generates working clients (SPEC.md §9).

Views declare the shape of `data` (`@extend_schema(responses=...)`). This schema class:
- wraps every JSON success body in a named success envelope component (`<Data>Envelope`);
- marks every key of an output object `required` unless its serializer declares it
  optional (see `optional_output_fields`), so generated clients type always-present keys
  as present;
- documents the 4xx answers each operation can give, from what the view declares
  (authentication, role permissions, throttles, path ids) plus `OPERATION_ERRORS` for
  the rules a view cannot show (slots, lifecycle, OTP), all as the error envelope whose
  `error.code` is the `ErrorCode` enum of SPEC.md §1.
"""

import functools
import re

from djangorestframework_camel_case.util import camelize_re, underscore_to_camel
from drf_spectacular.contrib.djangorestframework_camel_case import camelize_serializer_fields
from drf_spectacular.drainage import get_override, has_override
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import permissions, serializers

from arthomed.api.pagination import EnvelopePagination

JSON = "application/json"

# SPEC.md §1 "Error codes", then the protocol-level answers every API path can give.
ERROR_CODES = [
    "VALIDATION_ERROR",
    "INVALID_MOBILE_NUMBER",
    "OTP_INVALID",
    "OTP_EXPIRED",
    "OTP_MAX_ATTEMPTS",
    "OTP_NOT_FOUND",
    "AUTHENTICATION_REQUIRED",
    "TOKEN_EXPIRED",
    "TOKEN_INVALID",
    "USER_INACTIVE",
    "PERMISSION_DENIED",
    "USER_NOT_FOUND",
    "DOCTOR_NOT_FOUND",
    "APPOINTMENT_NOT_FOUND",
    "FILE_NOT_FOUND",
    "NOT_FOUND",
    "SLOT_UNAVAILABLE",
    "INVALID_STATUS_TRANSITION",
    "APPOINTMENT_CANCELLED",
    "ALREADY_EXISTS",
    "BOOKING_LIMIT_REACHED",
    "PAYMENT_EXCEEDS_FEE",
    "PATIENT_AMBIGUOUS",
    "FAMILY_LIMIT_REACHED",
    "FILE_TOO_LARGE",
    "TOO_MANY_FILES",
    "INVALID_FILE_TYPE",
    "RATE_LIMIT_EXCEEDED",
    "OTP_RESEND_TOO_SOON",
    "SMS_DELIVERY_FAILED",
    "SERVICE_UNAVAILABLE",
    "INTERNAL_ERROR",
    "METHOD_NOT_ALLOWED",
    "NOT_ACCEPTABLE",
    "UNSUPPORTED_MEDIA_TYPE",
    "PAYLOAD_TOO_LARGE",
]

# What an operation can answer beyond what its view shows (EnvelopeAutoSchema._error_codes).
# Keyed "METHOD /path" with every path parameter written `{}`: the parameters' names do not matter.
LIFECYCLE = ("INVALID_STATUS_TRANSITION", "APPOINTMENT_CANCELLED")
UPLOAD = {400: ("TOO_MANY_FILES", "INVALID_FILE_TYPE"), 413: ("FILE_TOO_LARGE",)}
OPERATION_ERRORS: dict[str, dict[int, tuple[str, ...]]] = {
    "POST /api/auth/send-otp": {
        400: ("INVALID_MOBILE_NUMBER",),
        429: ("OTP_RESEND_TOO_SOON",),
        503: ("SMS_DELIVERY_FAILED",),
    },
    "POST /api/auth/verify-otp": {
        400: ("INVALID_MOBILE_NUMBER", "OTP_INVALID"),
        401: ("OTP_EXPIRED", "OTP_MAX_ATTEMPTS", "USER_INACTIVE"),
        404: ("OTP_NOT_FOUND",),
    },
    "POST /api/auth/refresh-token": {401: ("TOKEN_INVALID", "TOKEN_EXPIRED", "USER_INACTIVE")},
    "POST /api/admin/create-user": {400: ("INVALID_MOBILE_NUMBER",), 409: ("ALREADY_EXISTS",)},
    "PUT /api/users/profile": {409: ("ALREADY_EXISTS",)},
    "POST /api/users/profile/avatar": UPLOAD,
    "POST /api/users/doctors/{}/leaves": {409: ("SLOT_UNAVAILABLE",)},
    "GET /api/appointments/slots": {404: ("DOCTOR_NOT_FOUND",)},
    "GET /api/appointments/calendar": {404: ("DOCTOR_NOT_FOUND",)},
    "POST /api/appointments/book": {
        **UPLOAD,
        404: ("DOCTOR_NOT_FOUND", "USER_NOT_FOUND", "NOT_FOUND"),
        409: ("SLOT_UNAVAILABLE", "BOOKING_LIMIT_REACHED", "PATIENT_AMBIGUOUS", "FAMILY_LIMIT_REACHED"),
    },
    "POST /api/users/family-members": {409: ("FAMILY_LIMIT_REACHED",)},
    "PUT /api/users/family-members/{}": {404: ("NOT_FOUND",)},
    "DELETE /api/users/family-members/{}": {404: ("NOT_FOUND",)},
    "POST /api/appointments/confirm": {404: ("APPOINTMENT_NOT_FOUND",), 409: LIFECYCLE},
    "POST /api/appointments/{}/confirm": {409: LIFECYCLE},
    "POST /api/appointments/{}/reject": {409: LIFECYCLE},
    "POST /api/appointments/{}/check-in": {409: ("INVALID_STATUS_TRANSITION",)},
    "PUT /api/appointments/{}/cancel": {409: LIFECYCLE},
    "PUT /api/appointments/{}/reschedule": {409: ("SLOT_UNAVAILABLE", *LIFECYCLE)},
    "PUT /api/appointments/{}/payment": {409: (*LIFECYCLE, "PAYMENT_EXCEEDS_FEE")},
    "POST /api/appointments/{}/feedback": {409: ("ALREADY_EXISTS", *LIFECYCLE)},
    "GET /api/appointments/{}/prescription": {409: ("INVALID_STATUS_TRANSITION",)},
    "GET /api/patients/{}/record": {404: ("NOT_FOUND",)},
    "POST /api/files/upload/appointments": {**UPLOAD, 404: ("APPOINTMENT_NOT_FOUND",), 409: ("APPOINTMENT_CANCELLED",)},
    # Refusals decided by the service for a role the view lets in (SPEC.md §2).
    "PUT /api/appointments/{}/status": {403: ("PERMISSION_DENIED",), 409: LIFECYCLE},
    "PUT /api/appointments/{}/visit-summary": {403: ("PERMISSION_DENIED",), 409: LIFECYCLE},
    "DELETE /api/files/{}": {403: ("PERMISSION_DENIED",)},
    "POST /api/notifications/sms-status": {403: ("PERMISSION_DENIED",)},
}

# The 404 code of an id that follows a path segment (SPEC.md §1); others answer NOT_FOUND.
NOT_FOUND_BY_SEGMENT = {
    "appointments": "APPOINTMENT_NOT_FOUND",
    "doctors": "DOCTOR_NOT_FOUND",
    "users": "USER_NOT_FOUND",
    "files": "FILE_NOT_FOUND",
}
AUTHENTICATION_ERRORS = ("AUTHENTICATION_REQUIRED", "TOKEN_EXPIRED", "TOKEN_INVALID", "USER_INACTIVE")
# Permissions that refuse nobody for their role: anything else on a view can answer 403.
NO_ROLE_PERMISSIONS = (permissions.AllowAny, permissions.IsAuthenticated)

RETRY_AFTER_HEADER = {
    "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer", "minimum": 1}}
}

# Query parameters with a contract format (SPEC.md §1: dates `YYYY-MM-DD`; the calendar's month `YYYY-MM`).
DATE = {"type": "string", "format": "date"}
PARAMETER_SCHEMAS = {
    "date": DATE,
    "startDate": DATE,
    "endDate": DATE,
    "month": {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2026-02"},
}


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField()
    message = serializers.CharField()
    value = serializers.JSONField(required=False)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ERROR_CODES, help_text="SPEC.md §1 error code, e.g. SLOT_UNAVAILABLE")
    statusCode = serializers.IntegerField()  # noqa: N815 - the contract's own name
    details = serializers.JSONField(required=False)


class ErrorEnvelopeSerializer(serializers.Serializer):
    success = serializers.BooleanField(default=False)
    message = serializers.CharField()
    error = ErrorDetailSerializer()
    errors = FieldErrorSerializer(many=True)
    timestamp = serializers.DateTimeField()


def success_envelope_schema(data_schema: dict) -> dict:
    return {
        "type": "object",
        "required": ["success", "message", "data", "timestamp"],
        "properties": {
            "success": {"type": "boolean"},
            "message": {"type": "string"},
            "data": data_schema,
            "timestamp": {"type": "string", "format": "date-time"},
        },
    }


def envelope_name(data_schema: dict, operation_id: str) -> str:
    """`AppointmentData` -> `AppointmentEnvelope`; an inline `data` is named after its operation."""
    ref = data_schema.get("$ref", "")
    if ref:
        base = ref.rsplit("/", 1)[-1].removesuffix("Data").removesuffix("Output")
    else:
        base = "".join(part.capitalize() for part in operation_id.split("_"))
    return f"{base}Envelope"


def optional_output_fields(serializer) -> set[str]:
    """Keys an output serializer may leave out; every other key is always present.

    Declared optional: names in the serializer's `optional_fields`, fields declared with
    `required=False` (DRF omits them when the source lacks them), and method fields whose
    `@extend_schema_field` serializer says `required=False`.
    """
    optional = set(getattr(serializer, "optional_fields", ()))
    declared = getattr(serializer, "_declared_fields", {})
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.SerializerMethodField):
            method = getattr(serializer, field.method_name, None)
            override = get_override(method, "field") if method and has_override(method, "field") else None
            if isinstance(override, serializers.Field) and not override.required:
                optional.add(name)
        elif name in declared and field._kwargs.get("required") is False:
            optional.add(name)
    return optional


class EnvelopeAutoSchema(AutoSchema):
    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and schema.get("properties"):
            optional = optional_output_fields(serializer)
            required = [name for name in schema["properties"] if name not in optional]
            schema.pop("required", None)
            if required:
                schema["required"] = required
        return schema

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        content = response.get("content", {})
        if status_code.startswith("2") and JSON in content:
            content[JSON]["schema"] = self._envelope_ref(content[JSON]["schema"])
        return response

    def _envelope_ref(self, data_schema: dict) -> dict:
        name = envelope_name(data_schema, self.get_operation_id())
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=success_envelope_schema(data_schema)
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method == "DELETE" and set(responses) == {"204"} and self.get_response_serializers():
            # Our DELETEs answer 200 with the envelope (SPEC.md §1), never an empty 204.
            responses = {
                "200": self._get_response_for_code(self.get_response_serializers(), "200", direction=direction)
            }
        if self.path.startswith("/api"):
            error = self.resolve_serializer(ErrorEnvelopeSerializer, direction)
            for status, codes in sorted(self._error_codes().items()):
                responses.setdefault(str(status), self._error_response(error.ref, status, codes))
            responses.setdefault(
                "default",
                {"description": "Error envelope (any 4xx/5xx)", "content": {JSON: {"schema": error.ref}}},
            )
        return responses

    @staticmethod
    def _error_response(ref: dict, status: int, codes: tuple[str, ...]) -> dict:
        response = {
            "description": "Error envelope; `error.code`: " + ", ".join(f"`{code}`" for code in codes),
            "content": {JSON: {"schema": ref}},
        }
        if status == 429:
            response["headers"] = RETRY_AFTER_HEADER
        return response

    def _error_codes(self) -> dict[int, tuple[str, ...]]:
        """The 4xx (and 503) answers of this operation, each with its possible codes."""
        codes: dict[int, list[str]] = {}

        def add(status: int, *names: str) -> None:
            codes.setdefault(status, [])
            codes[status] += [name for name in names if name not in codes[status]]

        path_segments = self.path.strip("/").split("/")
        has_query = any(
            parameter.get("in") == "query" for parameter in self._get_parameters() if isinstance(parameter, dict)
        )
        takes_body = self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None
        if takes_body or has_query:
            add(400, "VALIDATION_ERROR")
        auth = self.get_auth()
        if auth and {} not in auth:
            add(401, *AUTHENTICATION_ERRORS)
        if any(not isinstance(p, NO_ROLE_PERMISSIONS) for p in self.view.get_permissions()):
            add(403, "PERMISSION_DENIED")
        for index, segment in enumerate(path_segments):
            if segment.startswith("{"):
                add(404, NOT_FOUND_BY_SEGMENT.get(path_segments[index - 1], "NOT_FOUND"))
        if self.view.get_throttles():
            add(429, "RATE_LIMIT_EXCEEDED")
        key = self.method + " " + re.sub(r"{\w+}", "{}", self.path)
        for status, names in OPERATION_ERRORS.get(key, {}).items():
            add(status, *names)
        return {status: tuple(names) for status, names in codes.items()}


class PaginationMetaSerializer(serializers.Serializer):
    current = serializers.IntegerField()
    pages = serializers.IntegerField()
    total = serializers.IntegerField()
    limit = serializers.IntegerField()
    hasNext = serializers.BooleanField()  # noqa: N815
    hasPrev = serializers.BooleanField()  # noqa: N815


@functools.cache
def paginated(item_serializer: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """Schema of a paginated `data`: `{items: [...], pagination: {...}}`."""
    name = item_serializer.__name__.removesuffix("Serializer").removesuffix("Output") + "Page"
    attrs = {"items": item_serializer(many=True), "pagination": PaginationMetaSerializer()}
    # A page is one object: drf-spectacular must not wrap it in a list again on a ViewSet's `list`.
    return extend_schema_serializer(many=False)(type(f"{name}Serializer", (serializers.Serializer,), attrs))


@functools.cache
def data_of(name: str, **fields) -> type[serializers.Serializer]:
    """Schema of a keyed `data`, e.g. `data_of("UserData", user=UserOutputSerializer)` -> {user: ...}."""
    attrs = {key: (value() if isinstance(value, type) else value) for key, value in fields.items()}
    return type(f"{name}Serializer", (serializers.Serializer,), attrs)


class BearerAuthExtension(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.AccessTokenAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


def camelize_schema(result, generator, request, public):
    """camelCase components, query parameters and path parameters (`{leave_id}` is documented `{leaveId}`)."""
    result = camelize_serializer_fields(result, generator, request, public)

    def camel(name: str) -> str:
        return camelize_re.sub(underscore_to_camel, name)

    paths = {}
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    parameter["name"] = camel(parameter["name"])
        paths[re.sub(r"{(\w+)}", lambda match: "{" + camel(match.group(1)) + "}", path)] = operations
    result["paths"] = paths
    return result


def _resolve(result: dict, schema: dict) -> dict:
    ref = schema.get("$ref", "")
    return result["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else schema


def _is_paginated(result: dict, operation: dict) -> bool:
    for code, response in operation.get("responses", {}).items():
        schema = response.get("content", {}).get(JSON, {}).get("schema")
        if code.startswith("2") and schema:
            data = _resolve(result, _resolve(result, schema).get("properties", {}).get("data", {}))
            return "pagination" in data.get("properties", {})
    return False


NULL_ENUM = {"$ref": "#/components/schemas/NullEnum"}


def _nullable_objects_as_one_of(schemas: dict) -> None:
    """`{allOf: [X], nullable: true}` -> `{oneOf: [X, NullEnum], nullable: true}`.

    Under OpenAPI 3.0.3 `nullable` only widens a `type` written beside it, so the first
    form refuses `null` (a 3.0 validator rejects `cancellation: null`); the second admits
    `null` through `NullEnum` (`enum: [null]`), the form drf-spectacular uses for nullable enums.
    """
    schemas.setdefault("NullEnum", {"enum": [None]})
    for component in schemas.values():
        for name, prop in component.get("properties", {}).items():
            if prop.get("nullable") and len(prop.get("allOf", ())) == 1:
                rest = {key: value for key, value in prop.items() if key != "allOf"}
                component["properties"][name] = {"oneOf": [prop["allOf"][0], NULL_ENUM], **rest}


def client_ready_schema(result, generator, request, public):
    """What generated clients need and views do not say: nullable objects valid under 3.0.3,
    `page`/`limit` on every list, date formats."""
    _nullable_objects_as_one_of(result["components"]["schemas"])
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if "security" in operation:
                # The SECURITY setting and the view's authentication both name jwtAuth: list it once.
                security = operation["security"]
                operation["security"] = [item for index, item in enumerate(security) if item not in security[:index]]
            parameters = operation.setdefault("parameters", [])
            if _is_paginated(result, operation):
                named = {(p["in"], p["name"]): p for p in parameters}
                for page_parameter in EnvelopePagination().get_schema_operation_parameters(view=None):
                    named.setdefault(("query", page_parameter["name"]), page_parameter)["schema"] = page_parameter[
                        "schema"
                    ]
                parameters[:] = sorted(named.values(), key=lambda p: (p["in"], p["name"]))
            for parameter in parameters:
                if parameter["in"] == "query" and parameter["name"] in PARAMETER_SCHEMAS:
                    parameter["schema"] = {**parameter["schema"], **PARAMETER_SCHEMAS[parameter["name"]]}
            if not parameters:
                del operation["parameters"]
    return result


@functools.cache
def _documented_json_class(serializer_class: type[serializers.Serializer]) -> type[serializers.JSONField]:
    name = serializer_class.__name__.removesuffix("Serializer") + "JSONField"
    return extend_schema_field(serializer_class)(type(name, (serializers.JSONField,), {}))


def documented_json(serializer_class: type[serializers.Serializer], **kwargs) -> serializers.JSONField:
    """A stored JSON value answered as stored, documented with `serializer_class`'s shape (no free `object`)."""
    return _documented_json_class(serializer_class)(**kwargs)
