"""JSON answers for what no API view handles: unknown routes and Django-level errors."""

from django.http import JsonResponse
from django.views import defaults

from arthomed import admin_errors
from arthomed.api.envelope import error_body, is_api_path


def api_not_found(request, *args, **kwargs):
    body = error_body(code="NOT_FOUND", status_code=404, message=f"Route {request.method} {request.path} not found")
    return JsonResponse(body, status=404)


def _json_or_html(code: str, status: int, message: str, html_view):
    def view(request, *args, **kwargs):
        if is_api_path(request.path):
            return JsonResponse(error_body(code=code, status_code=status, message=message), status=status)
        return html_view(request, *args, **kwargs)

    return view


bad_request = _json_or_html("VALIDATION_ERROR", 400, "Bad request", defaults.bad_request)
permission_denied = _json_or_html(
    "PERMISSION_DENIED", 403, "You do not have permission to do this", admin_errors.permission_denied
)
page_not_found = _json_or_html("NOT_FOUND", 404, "Not found", defaults.page_not_found)
server_error = _json_or_html("INTERNAL_ERROR", 500, "Internal server error", defaults.server_error)
