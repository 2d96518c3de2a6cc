"""Dashboards (SPEC.md §8): the admin's numbers and each role's home screen."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.viewsets import GenericViewSet

from arthomed.api.inputs import validated
from arthomed.api.permissions import IsAdmin, IsStaff
from arthomed.api.responses import ok
from arthomed.core.roles import Role
from dashboard import selectors
from dashboard.serializers import (
    AdminDashboardOutputSerializer,
    DayReportOutputSerializer,
    DayReportQueryInputSerializer,
    DoctorDashboardOutputSerializer,
    PatientDashboardOutputSerializer,
    ReceptionistDashboardOutputSerializer,
    RoleDashboardOutputSerializer,
)

TAGS = ["dashboard"]


def admin_dashboard_data() -> dict:
    return AdminDashboardOutputSerializer({"role": Role.ADMIN, **selectors.admin_dashboard_get()}).data


def role_dashboard_data(user) -> dict:
    if user.role == Role.ADMIN:
        return admin_dashboard_data()
    if user.role == Role.DOCTOR:
        return DoctorDashboardOutputSerializer({"role": user.role, **selectors.doctor_dashboard(user)}).data
    if user.role == Role.RECEPTIONIST:
        return ReceptionistDashboardOutputSerializer({"role": user.role, **selectors.receptionist_dashboard()}).data
    return PatientDashboardOutputSerializer({"role": user.role, **selectors.patient_dashboard(user)}).data


# `/api/dashboard` (anyone signed in) and `/api/admin/dashboard` (admin).
class DashboardViewSet(GenericViewSet):
    @extend_schema(
        tags=TAGS,
        operation_id="dashboard_role",
        summary="The caller's home screen; its shape depends on the caller's role (`role` says which)",
        responses=RoleDashboardOutputSerializer,
    )
    @action(detail=False)
    def dashboard(self, request):
        return ok(role_dashboard_data(request.user), "Dashboard data retrieved successfully")

    @extend_schema(
        tags=TAGS,
        operation_id="dashboard_admin",
        summary="Clinic statistics, revenue, recent appointments and top doctors (admin)",
        responses=AdminDashboardOutputSerializer,
    )
    @action(detail=False, url_path="admin/dashboard", permission_classes=[IsAdmin])
    def admin_dashboard(self, request):
        return ok(admin_dashboard_data(), "Dashboard data retrieved successfully")


def day_report_data(day) -> dict:
    return DayReportOutputSerializer(selectors.day_report(day)).data


# `/api/reports/day` (receptionist, admin): the day close's numbers (SPEC.md §10).
class ReportViewSet(GenericViewSet):
    @extend_schema(
        tags=["reports"],
        operation_id="reports_day",
        summary="Day close: money collected by method and by staff, refunds, walk-ins, no-shows, cancellations",
        parameters=[
            OpenApiParameter("date", OpenApiTypes.DATE, required=False, description="YYYY-MM-DD; today by default")
        ],
        responses=DayReportOutputSerializer,
    )
    @action(detail=False, permission_classes=[IsStaff])
    def day(self, request):
        query = validated(DayReportQueryInputSerializer, request, data=request.query_params)
        return ok(day_report_data(query.get("date") or timezone.localdate()), "Day report retrieved")
