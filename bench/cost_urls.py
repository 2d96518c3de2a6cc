"""The project's URLs plus two floor endpoints, for bench/bench_cost.py's server only.

- `/api/bench/bare`: a bare Django view behind the full middleware stack — what a request
  costs before any project code runs.
- `/api/bench/me`: a minimal "me" written only for the benchmark — verify the JWT with
  PyJWT, read one user row with one SQL query, answer JSON.
"""

import jwt
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.urls import include, path

from arthomed import urls as project_urls


def bare(request):
    return JsonResponse({"success": True})


def minimal_me(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        return JsonResponse({"success": False}, status=401)
    try:
        claims = jwt.decode(
            header[7:], settings.SIMPLE_JWT["SIGNING_KEY"], algorithms=[settings.SIMPLE_JWT["ALGORITHM"]]
        )
    except jwt.InvalidTokenError:
        return JsonResponse({"success": False}, status=401)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, mobile_number, name, role, is_active FROM accounts_user WHERE id = %s", [claims["user_id"]]
        )
        row = cursor.fetchone()
    if row is None:
        return JsonResponse({"success": False}, status=401)
    user_id, mobile_number, name, role, is_active = row
    user = {"_id": str(user_id), "mobileNumber": mobile_number, "name": name, "role": role, "isActive": is_active}
    return JsonResponse({"success": True, "data": {"user": user}})


urlpatterns = [
    path("api/bench/bare", bare),
    path("api/bench/me", minimal_me),
    path("", include(project_urls)),
]

handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
