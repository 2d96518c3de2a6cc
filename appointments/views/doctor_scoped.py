"""The base of the views served under a doctor's path (`/api/users/doctors/:id/...`) that the doctor
themself, receptionists and admins use: leave (`leaves.py`) and the day's delay and queue (`queue.py`)."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework.viewsets import GenericViewSet

from accounts.selectors.people import doctor_get_for_schedule_edit
from arthomed.api.permissions import IsDoctor, IsStaff

DOCTOR_ID = OpenApiParameter("id", str, OpenApiParameter.PATH, description="The doctor's `_id`")


class DoctorScopedViewSet(GenericViewSet):
    permission_classes = [IsDoctor | IsStaff]
    lookup_url_kwarg = "id"
    lookup_value_regex = "[^/]+"

    def get_object(self):
        """The doctor the caller may act for (another doctor's: 404 DOCTOR_NOT_FOUND)."""
        return doctor_get_for_schedule_edit(actor=self.request.user, doctor_id=self.kwargs[self.lookup_url_kwarg])
