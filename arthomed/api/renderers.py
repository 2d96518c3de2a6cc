"""camelCase JSON wrapped in the SPEC.md §1 envelope."""

import datetime
import decimal
import uuid
from functools import lru_cache

from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import Promise
from djangorestframework_camel_case.render import CamelCaseJSONRenderer
from djangorestframework_camel_case.util import camelize as library_camelize
from djangorestframework_camel_case.util import camelize_re, underscore_to_camel
from rest_framework.utils.encoders import JSONEncoder

from arthomed.api.envelope import error_body, success_body, timestamp_text

# Values the library's camelize returns unchanged; answering them here skips its per-value probing.
PLAIN_VALUES = (str, int, float, bool, type(None), decimal.Decimal, datetime.date, datetime.time, uuid.UUID)
# The exact types of nearly every plain value: a set lookup on `type(value)` decides most values without
# an `isinstance` call. Subclasses (choice enums, ...) still reach the `isinstance` checks below.
_PLAIN_TYPES = frozenset({*PLAIN_VALUES, datetime.datetime})


def is_envelope(data) -> bool:
    return isinstance(data, dict) and "success" in data and "timestamp" in data


@lru_cache(maxsize=4096)
def camel_key(key: str) -> str:
    """`doctor_info` -> `doctorInfo`: the library's rule, worked out once per key (bounded cache)."""
    return camelize_re.sub(underscore_to_camel, key) if "_" in key else key


@lru_cache(maxsize=4096)
def _output_key(key: str, ignore_keys: tuple) -> str:
    """A key as `camelize` writes it: camelCased, unless it (or its camelCase) is one to keep."""
    new_key = camel_key(key)
    return key if key in ignore_keys or new_key in ignore_keys else new_key


def _camelize_keys(data, ignore_keys: tuple):
    """`camelize` without `ignore_fields` (the project's setting): one cached decision per key."""
    if isinstance(data, dict):
        result = {}
        for raw_key, value in data.items():
            if type(raw_key) is str:
                key = _output_key(raw_key, ignore_keys)
            else:
                key = force_str(raw_key) if isinstance(raw_key, Promise) else raw_key
                if isinstance(key, str):
                    key = _output_key(key, ignore_keys)
            result[key] = value if type(value) in _PLAIN_TYPES else _camelize_keys(value, ignore_keys)
        return result
    if isinstance(data, (list, tuple)):
        return [item if type(item) in _PLAIN_TYPES else _camelize_keys(item, ignore_keys) for item in data]
    if isinstance(data, PLAIN_VALUES):
        return data
    return library_camelize(data, ignore_keys=ignore_keys)


def camelize(data, *, ignore_fields: tuple = (), ignore_keys: tuple = ()):
    """The library's camelize, without re-deriving every key on every response."""
    if not ignore_fields:
        return _camelize_keys(data, tuple(ignore_keys))
    if isinstance(data, PLAIN_VALUES):
        return data
    if isinstance(data, dict):
        result = {}
        for raw_key, value in data.items():
            key = force_str(raw_key) if isinstance(raw_key, Promise) else raw_key
            new_key = camel_key(key) if isinstance(key, str) else key
            ignored = key in ignore_fields or new_key in ignore_fields
            kept = key in ignore_keys or new_key in ignore_keys
            result[key if kept else new_key] = (
                value if ignored else camelize(value, ignore_fields=ignore_fields, ignore_keys=ignore_keys)
            )
        return result
    if isinstance(data, (list, tuple)):
        return [camelize(item, ignore_fields=ignore_fields, ignore_keys=ignore_keys) for item in data]
    return library_camelize(data, ignore_fields=ignore_fields, ignore_keys=ignore_keys)


class TimestampJSONEncoder(JSONEncoder):
    """Serializers hand datetimes over as they are (`DATETIME_FORMAT: None`); every one is written here,
    so all timestamps of the API share one precision and offset."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One encoder writes one response: the current time zone is looked up once, not per timestamp.
        self.zone = timezone.get_current_timezone()

    def default(self, obj):
        if isinstance(obj, datetime.datetime):
            return timestamp_text(obj, self.zone)
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
        options = self.json_underscoreize
        camel = camelize(
            data, ignore_fields=options.get("ignore_fields") or (), ignore_keys=options.get("ignore_keys") or ()
        )
        # The base class's base: the JSON encoding itself (the camelising is done above).
        return super(CamelCaseJSONRenderer, self).render(camel, accepted_media_type, renderer_context)
