"""`GET /health`: liveness plus database and cache checks (SPEC.md §9)."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from arthomed.api.envelope import timestamp

STARTED = time.monotonic()


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except Exception:  # noqa: BLE001 - any failure means "unreachable" here
        connection.close_if_unusable_or_obsolete()
        return False


def _cache_ok() -> bool:
    try:
        cache.set("health:probe", "1", 5)
        return cache.get("health:probe") == "1"
    except Exception:  # noqa: BLE001
        return False


@never_cache
@require_GET
def health(request):
    database = _database_ok()
    body = {
        "status": "ok" if database else "unavailable",
        "message": "OK" if database else "Database unavailable",
        "uptime": round(time.monotonic() - STARTED, 1),
        "timestamp": timestamp(),
        "environment": settings.ENVIRONMENT,
        "version": settings.VERSION,
        # The cache degrades gracefully (rate limits, caching), so it never fails health.
        "checks": {"database": "ok" if database else "unavailable", "cache": "ok" if _cache_ok() else "degraded"},
    }
    return JsonResponse(body, status=200 if database else 503)


class HealthCheckMiddleware:
    """Answer `/health` before the Host header is validated (CommonMiddleware).

    Container and load-balancer probes call the server by address (`127.0.0.1:3001`), which
    ALLOWED_HOSTS rightly refuses for every page; the health answer reveals nothing a host name
    check would protect, so it is the one path served whatever the Host.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/health":
            return health(request)
        return self.get_response(request)
