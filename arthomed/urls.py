from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from arthomed.api.views import api_index, api_not_found
from arthomed.health import health

# The mobile API first: most requests are API calls, and Django tries patterns in order.
api_patterns = [
    path("", include("accounts.urls")),
    path("", include("appointments.urls")),
    path("", include("files.urls")),
    path("", include("dashboard.urls")),
]

urlpatterns = [
    path("api/", include(api_patterns)),
    path("", api_index, name="index"),
    path("api", api_index, name="api-index"),
    path("health", health, name="health"),
    # Front-desk pages sit inside the admin's URL space, before its catch-all.
    path("admin/frontdesk/", include("appointments.frontdesk.urls")),
    path("admin/", admin.site.urls),
    path("api/schema", SpectacularAPIView.as_view(), name="schema"),
    path("api-docs", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("", include("accounts.urls_pages")),
    path("", include("appointments.display_urls")),
    # Anything else under /api answers a JSON 404, never Django's HTML page.
    re_path(r"^api(?:/.*)?$", api_not_found),
]

handler400 = "arthomed.api.views.bad_request"
handler403 = "arthomed.api.views.permission_denied"
handler404 = "arthomed.api.views.page_not_found"
handler500 = "arthomed.api.views.server_error"
