"""`/api/files/...` downloads and deletion. `files/upload/appointments` is the appointments app's (included first)."""

from rest_framework.routers import SimpleRouter

from files.views import FileViewSet

router = SimpleRouter(trailing_slash=False)
router.register("files", FileViewSet, basename="file")

urlpatterns = router.urls
