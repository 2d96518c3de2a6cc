"""Building the SPEC.md §1 envelopes. The renderer and the exception handler use these."""

from typing import Any

from django.utils import timezone


def timestamp() -> str:
    """ISO 8601 with milliseconds and the clinic's offset, e.g. 2026-01-15T10:30:00.000+05:30."""
    return timezone.localtime().isoformat(timespec="milliseconds")


def success_body(data: Any = None, message: str = "") -> dict:
    return {"success": True, "message": message, "data": data, "timestamp": timestamp()}


def error_body(*, code: str, status_code: int, message: str, details: Any = None, errors: list | None = None) -> dict:
    error: dict[str, Any] = {"code": code, "statusCode": status_code}
    if details is not None:
        error["details"] = details
    return {"success": False, "message": message, "error": error, "errors": errors or [], "timestamp": timestamp()}


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")
