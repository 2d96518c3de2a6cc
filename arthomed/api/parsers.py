"""The JSON body parser: camelCase in, snake_case out, and only text the rest of the stack can hold.

On top of the camel-case parser it refuses, as a 400 `VALIDATION_ERROR` (via `ParseError`):
- nesting deeper than `MAX_JSON_DEPTH` (Python's decoder would hit its recursion limit
  on a few thousand `[`, a 500, and no request of this API nests more than a few levels);
- strings or keys holding an unpaired UTF-16 surrogate (`"\\ud800"`): valid JSON, but not
  text: it cannot be encoded as UTF-8 for the response, the database or a log line;
- strings holding NUL, which PostgreSQL text columns refuse.
"""

import json

from django.conf import settings
from djangorestframework_camel_case.parser import CamelCaseJSONParser
from djangorestframework_camel_case.util import underscoreize
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 32


def _bad_text(value: str) -> bool:
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_json_value(data) -> None:
    """Walk the decoded body without recursion (its depth is what is being checked)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _bad_text(value):
                raise ParseError("JSON strings must be valid Unicode text without NUL characters")
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
        for key, item in items:
            if key is not None:
                stack.append((key, depth))
            stack.append((item, depth + 1))


class SafeJSONParser(CamelCaseJSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(stream.read().decode(encoding))
        except RecursionError as exc:
            raise ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from exc
        except ValueError as exc:  # includes UnicodeDecodeError and JSONDecodeError
            raise ParseError(f"JSON parse error - {exc}") from exc
        check_json_value(data)
        return underscoreize(data, **self.json_underscoreize)
