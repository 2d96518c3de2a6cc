"""Turning every exception into the SPEC.md §1 error envelope.

`error_response_parts` is the single mapping; the DRF exception handler and the
middleware for non-DRF views both use it, so `/api/...` never answers HTML.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django_ratelimit.exceptions import Ratelimited
from djangorestframework_camel_case.util import camelize_re, underscore_to_camel
from rest_framework import exceptions as drf
from rest_framework.response import Response

from arthomed.api.envelope import error_body
from arthomed.api.ratelimit import throttled_instead
from arthomed.core.errors import ApplicationError, retry_after

logger = logging.getLogger("arthomed.errors")


def camel(name: str) -> str:
    return camelize_re.sub(underscore_to_camel, name) if "_" in name else name


def _flatten(detail: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    """Nested DRF error detail -> [(path, message)]; path parts are keys or list indexes."""
    if isinstance(detail, dict):
        return [item for key, value in detail.items() for item in _flatten(value, (*path, key))]
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [(path, str(item)) for item in detail]
        return [item for index, value in enumerate(detail) for item in _flatten(value, (*path, index))]
    return [(path, str(detail))]


def _lookup(data: Any, path: tuple) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data if isinstance(data, str | int | float | bool) else None


def _field_name(path: tuple) -> str:
    name = ""
    for part in path:
        if isinstance(part, int):
            name += f"[{part}]"
        elif part != "non_field_errors":
            name += ("." if name else "") + camel(str(part))
    return name


def validation_errors(detail: Any, data: Any = None) -> list[dict]:
    errors = []
    for path, message in _flatten(detail):
        entry: dict[str, Any] = {"field": _field_name(path), "message": message}
        value = _lookup(data, path) if path else None
        if value is not None:
            entry["value"] = value
        errors.append(entry)
    return errors


def _request_data(request) -> Any:
    # Only data already parsed; never trigger parsing of a body we are refusing.
    return getattr(request, "_full_data", None) if request is not None else None


def error_response_parts(exc: Exception, request=None) -> tuple[dict, int, dict]:
    """(body, status, headers) of the error envelope for any exception."""
    if isinstance(exc, ApplicationError):
        body = error_body(
            code=exc.code, status_code=exc.status_code, message=exc.message, details=exc.details, errors=exc.errors
        )
        return body, exc.status_code, exc.headers
    mapped = _map_known(exc, request)
    if mapped is not None:
        return mapped
    logger.exception("Unhandled error", exc_info=exc)
    details = f"{type(exc).__name__}: {exc}" if settings.DEBUG else None
    return error_body(code="INTERNAL_ERROR", status_code=500, message="Internal server error", details=details), 500, {}


def _simple(code: str, status: int, message: str, headers: dict | None = None, **extra) -> tuple[dict, int, dict]:
    return error_body(code=code, status_code=status, message=message, **extra), status, headers or {}


def _map_known(exc: Exception, request) -> tuple[dict, int, dict] | None:  # noqa: PLR0911, PLR0912 - a flat table reads best
    if isinstance(exc, drf.ValidationError):
        errors = validation_errors(exc.detail, _request_data(request))
        return _simple("VALIDATION_ERROR", 400, "Validation failed", errors=errors)
    if isinstance(exc, drf.ParseError):
        return _simple("VALIDATION_ERROR", 400, "Malformed request body", details=str(exc.detail))
    if isinstance(exc, drf.NotAuthenticated):
        return _simple("AUTHENTICATION_REQUIRED", 401, "Authentication required", {"WWW-Authenticate": "Bearer"})
    if isinstance(exc, drf.AuthenticationFailed):
        return _simple("TOKEN_INVALID", 401, "Token is invalid", {"WWW-Authenticate": "Bearer"})
    if isinstance(exc, Ratelimited | drf.Throttled):
        wait = getattr(exc, "wait", None) or settings.RATE_LIMIT_WINDOW_MS / 1000
        return _simple("RATE_LIMIT_EXCEEDED", 429, "Too many requests; try again later", retry_after(wait))
    if isinstance(exc, drf.PermissionDenied | DjangoPermissionDenied):
        return _simple("PERMISSION_DENIED", 403, "You do not have permission to do this")
    if isinstance(exc, drf.NotFound | Http404):
        return _simple("NOT_FOUND", 404, "Not found")
    if isinstance(exc, drf.MethodNotAllowed):
        return _simple("METHOD_NOT_ALLOWED", 405, str(exc.detail))
    if isinstance(exc, drf.NotAcceptable):
        return _simple("NOT_ACCEPTABLE", 406, "Only application/json responses are available")
    if isinstance(exc, drf.UnsupportedMediaType):
        return _simple("UNSUPPORTED_MEDIA_TYPE", 415, str(exc.detail))
    if isinstance(exc, RequestDataTooBig):
        return _simple("PAYLOAD_TOO_LARGE", 413, "Request body is too large")
    if isinstance(exc, TooManyFieldsSent):
        return _simple("VALIDATION_ERROR", 400, "Too many fields in the request")
    if isinstance(exc, OperationalError | InterfaceError):
        logger.error("Database unavailable: %s", exc)
        return _simple("SERVICE_UNAVAILABLE", 503, "Service temporarily unavailable", retry_after(5))
    if isinstance(exc, drf.APIException):
        return _simple(str(exc.default_code).upper(), exc.status_code, str(exc.detail))
    return None


def api_exception_handler(exc: Exception, context: dict) -> Response:
    """DRF `EXCEPTION_HANDLER`: every exception raised in an API view becomes an envelope."""
    request = context.get("request")
    exc = throttled_instead(exc, request, context.get("view")) or exc
    body, status, headers = error_response_parts(exc, request)
    return Response(body, status=status, headers=headers)
