"""JSON answers for what no API view handles: unknown routes and Django-level errors."""

from django.conf import settings
from django.http import JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from arthomed.api.envelope import error_body, is_api_path, success_body


@csrf_exempt  # writes nothing; any other method gets the JSON 405 below, never Django's HTML 403
def api_index(request):
    """`GET /` and `GET /api`: where things are (SPEC.md §9), instead of a 404."""
    if request.method not in ("GET", "HEAD"):
        body = error_body(code="METHOD_NOT_ALLOWED", status_code=405, details=f"{request.method} {request.path}")
        return JsonResponse(body, status=405, headers={"Allow": "GET, HEAD"})
    data = {
        "name": "Arthomed API",
        "version": settings.VERSION,
        "links": {"docs": "/api-docs", "schema": "/api/schema", "health": "/health", "api": "/api"},
    }
    return JsonResponse(success_body(data, "Arthomed API"))


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
    "PERMISSION_DENIED", 403, "You do not have permission to do this", defaults.permission_denied
)
page_not_found = _json_or_html("NOT_FOUND", 404, "Not found", defaults.page_not_found)
server_error = _json_or_html("INTERNAL_ERROR", 500, "Internal server error", defaults.server_error)
