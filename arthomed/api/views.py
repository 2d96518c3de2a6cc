"""JSON answers for what no API view handles: unknown routes and Django-level errors."""

from django.conf import settings
from django.http import JsonResponse
from django.views import csrf, defaults
from django.views.decorators.csrf import csrf_exempt

from arthomed import admin_errors
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


# Exempt: it changes nothing, and a POST to an unknown route must get this JSON 404,
# not the CSRF check's 403 (API clients send no CSRF cookie).
@csrf_exempt
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


def csrf_failure(request, reason: str = ""):
    """`CSRF_FAILURE_VIEW`: JSON under /api (the admin and HTML pages keep Django's page)."""
    if is_api_path(request.path):
        body = error_body(code="PERMISSION_DENIED", status_code=403, message="CSRF verification failed")
        return JsonResponse(body, status=403)
    return csrf.csrf_failure(request, reason=reason)
