"""OpenAPI that matches the real responses: envelopes included (SPEC.md §9).

Views declare the shape of `data` (`@extend_schema(responses=...)`); this schema
class wraps every JSON success body in the success envelope and documents the error
envelope as each operation's `default` response.
"""

import functools
import re

from djangorestframework_camel_case.util import camelize_re, underscore_to_camel
from drf_spectacular.contrib.djangorestframework_camel_case import camelize_serializer_fields
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

JSON = "application/json"


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField()
    message = serializers.CharField()
    value = serializers.JSONField(required=False)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="SPEC error code, e.g. SLOT_UNAVAILABLE")
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


class EnvelopeAutoSchema(AutoSchema):
    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        content = response.get("content", {})
        if status_code.startswith("2") and JSON in content:
            content[JSON]["schema"] = success_envelope_schema(content[JSON]["schema"])
        return response

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method == "DELETE" and set(responses) == {"204"} and self.get_response_serializers():
            # Our DELETEs answer 200 with the envelope (SPEC.md §1), never an empty 204.
            responses = {
                "200": self._get_response_for_code(self.get_response_serializers(), "200", direction=direction)
            }
        if self.path.startswith("/api"):
            error = self.resolve_serializer(ErrorEnvelopeSerializer, direction)
            responses.setdefault(
                "default",
                {"description": "Error envelope (any 4xx/5xx)", "content": {JSON: {"schema": error.ref}}},
            )
        return responses


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
    """camelCase components and query parameters; path parameters keep their template's names."""
    result = camelize_serializer_fields(result, generator, request, public)
    for path, operations in result.get("paths", {}).items():
        template_names = {camelize_re.sub(underscore_to_camel, name): name for name in re.findall(r"{(\w+)}", path)}
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    parameter["name"] = template_names.get(parameter["name"], parameter["name"])
    return result
