from rest_framework.routers import SimpleRouter

from dashboard.views import DashboardViewSet, ReportViewSet

# No prefix: the two dashboards sit at `/api/dashboard` and `/api/admin/dashboard`.
router = SimpleRouter(trailing_slash=False)
router.register("reports", ReportViewSet, basename="reports")
router.register("", DashboardViewSet, basename="dashboard")

urlpatterns = router.urls
