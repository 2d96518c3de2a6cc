"""Building the SPEC.md §1 envelopes. The renderer and the exception handler use these."""

from datetime import datetime
from typing import Any

from django.utils import timezone

from arthomed.core.errors import message_for


def timestamp_text(value: datetime, zone=None) -> str:
    """The API's one timestamp format: ISO 8601, milliseconds, clinic offset (2026-01-15T10:30:00.000+05:30).

    `zone`: the current time zone when the caller already holds it (default: looked up)."""
    return timezone.localtime(value, zone).isoformat(timespec="milliseconds")


def timestamp() -> str:
    return timestamp_text(timezone.now())


def success_body(data: Any = None, message: str = "") -> dict:
    return {"success": True, "message": message, "data": data, "timestamp": timestamp()}


def error_body(
    *, code: str, status_code: int, message: str = "", details: Any = None, errors: list | None = None
) -> dict:
    """The error envelope. `message` is the code's one text; a raiser's own wording moves to `details`."""
    canonical = message_for(code, message)
    if details is None and message and message != canonical:
        details = message
    error: dict[str, Any] = {"code": code, "statusCode": status_code}
    if details is not None:
        error["details"] = details
    return {"success": False, "message": canonical, "error": error, "errors": errors or [], "timestamp": timestamp()}


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")
