"""Request id, request log, body-size limit, CSP, camelCase query strings, and JSON errors."""

import logging
import re
import time
import uuid

from django.conf import settings
from django.http import JsonResponse
from djangorestframework_camel_case.middleware import CamelCaseMiddleWare
from djangorestframework_camel_case.settings import api_settings as camel_settings
from djangorestframework_camel_case.util import underscoreize

from arthomed.api.clientip import client_ip
from arthomed.api.envelope import error_body, is_api_path
from arthomed.api.exceptions import error_response_parts

request_logger = logging.getLogger("arthomed.request")
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def json_error(body: dict, status: int, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse(body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class RequestIdMiddleware:
    """Echo or create `X-Request-ID`, and write one log line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        self._log(request, response, (time.perf_counter() - started) * 1000)
        return response

    @staticmethod
    def _log(request, response, duration_ms: float) -> None:
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        if not request_logger.isEnabledFor(level):
            return  # e.g. LOG_LEVEL=warning: no fields to gather for a line nobody writes
        user = getattr(request, "user", None)
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(duration_ms, 1),
            "user_id": str(user.pk) if user is not None and user.is_authenticated else None,
            "request_id": request.id,
            "ip": client_ip(request),
        }
        request_logger.log(
            level, "%s %s %s", request.method, request.path, response.status_code, extra={"fields": fields}
        )


class BodySizeLimitMiddleware:
    """Refuse bodies above the limit from `Content-Length`, before anything reads them.

    JSON bodies are bounded by DATA_UPLOAD_MAX_MEMORY_SIZE; multipart uploads by the
    per-file limit times the per-request count (the upload handler enforces each file).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        limit = settings.MAX_REQUEST_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length > limit:
            code = "FILE_TOO_LARGE" if multipart else "PAYLOAD_TOO_LARGE"
            body = error_body(
                code=code, status_code=413, message="Request body is too large", details=f"limit {limit} bytes"
            )
            response = json_error(body, 413)
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class CamelCaseQueryMiddleware(CamelCaseMiddleWare):
    """API query strings are camelCase (`doctorId`); views read them snake_case."""

    def __call__(self, request):
        if is_api_path(request.path):
            request.GET = underscoreize(request.GET, **camel_settings.JSON_UNDERSCOREIZE)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """A CSP on HTML pages (admin, docs, account deletion); JSON needs none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class ApiExceptionMiddleware:
    """Errors escaping non-DRF views under /api still answer with the envelope."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_api_path(request.path):
            return None
        body, status, headers = error_response_parts(exception, request)
        return json_error(body, status, headers)
