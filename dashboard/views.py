"""Dashboards (SPEC.md §8): the admin's numbers and each role's home screen."""

from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from arthomed.api.permissions import IsAdmin
from arthomed.api.responses import ok
from arthomed.core.roles import Role
from dashboard import selectors
from dashboard.serializers import (
    AdminDashboardOutputSerializer,
    DoctorDashboardOutputSerializer,
    PatientDashboardOutputSerializer,
    ReceptionistDashboardOutputSerializer,
    RoleDashboardOutputSerializer,
)


def admin_dashboard_data() -> dict:
    return AdminDashboardOutputSerializer({"role": Role.ADMIN, **selectors.admin_dashboard_get()}).data


class AdminDashboardView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(
        operation_id="admin_dashboard",
        tags=["dashboard"],
        summary="Clinic statistics, revenue, recent appointments and top doctors (admin)",
        responses=AdminDashboardOutputSerializer,
    )
    def get(self, request):
        return ok(admin_dashboard_data(), "Dashboard data retrieved successfully")


class RoleDashboardView(APIView):
    @extend_schema(
        operation_id="role_dashboard",
        tags=["dashboard"],
        summary="The caller's home screen; its shape depends on the caller's role (`role` says which)",
        responses=RoleDashboardOutputSerializer,
    )
    def get(self, request):
        user = request.user
        if user.role == Role.ADMIN:
            data = admin_dashboard_data()
        elif user.role == Role.DOCTOR:
            data = DoctorDashboardOutputSerializer({"role": user.role, **selectors.doctor_dashboard(user)}).data
        elif user.role == Role.RECEPTIONIST:
            data = ReceptionistDashboardOutputSerializer({"role": user.role, **selectors.receptionist_dashboard()}).data
        else:
            data = PatientDashboardOutputSerializer({"role": user.role, **selectors.patient_dashboard(user)}).data
        return ok(data, "Dashboard data retrieved successfully")
