"""camelCase JSON wrapped in the SPEC.md §1 envelope."""

from datetime import datetime

from djangorestframework_camel_case.render import CamelCaseJSONRenderer
from rest_framework.utils.encoders import JSONEncoder

from arthomed.api.envelope import error_body, success_body, timestamp_text


def is_envelope(data) -> bool:
    return isinstance(data, dict) and "success" in data and "timestamp" in data


class TimestampJSONEncoder(JSONEncoder):
    """Serializers hand datetimes over as they are (`DATETIME_FORMAT: None`); every one is written here,
    so all timestamps of the API share one precision and offset."""

    def default(self, obj):
        if isinstance(obj, datetime):
            return timestamp_text(obj)
        return super().default(obj)


class EnvelopeJSONRenderer(CamelCaseJSONRenderer):
    """Views answer with `ok(...)` (already an envelope); anything else is wrapped here."""

    encoder_class = TimestampJSONEncoder

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        status = response.status_code if response is not None else 200
        if status == 204:
            return b""
        if not is_envelope(data):
            if status >= 400:
                data = error_body(code="ERROR", status_code=status, message=str(data))
            else:
                data = success_body(data)
        return super().render(data, accepted_media_type, renderer_context)
