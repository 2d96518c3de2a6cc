"""`/api/auth/...`, `/api/users/...` and `/api/admin/...` people endpoints (SPEC.md §3-4).

Doctors' leave (`/api/users/doctors/:id/leaves...`) is served by the appointments app.
"""

from rest_framework.routers import SimpleRouter

from accounts.views.auth import AuthViewSet
from accounts.views.family import FamilyMemberViewSet
from accounts.views.people import AdminUserViewSet, DoctorViewSet, ProfileViewSet, UserViewSet

router = SimpleRouter(trailing_slash=False)
router.register("auth", AuthViewSet, basename="auth")
router.register("users", ProfileViewSet, basename="profile")
router.register("users/doctors", DoctorViewSet, basename="doctor")
router.register("users/family-members", FamilyMemberViewSet, basename="family-member")
router.register("users", UserViewSet, basename="user")
router.register("admin", AdminUserViewSet, basename="admin-user")

urlpatterns = router.urls
