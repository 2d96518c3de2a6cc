"""Reading appointments (SPEC.md §5): my appointments, the pending queue, the staff list, detail, .ics, stats."""

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from icalendar import Calendar, Event
from rest_framework.views import APIView

from appointments.models import AppointmentStatus
from appointments.selectors.appointments import (
    appointment_get_for,
    appointment_stats_for,
    appointments_mine,
    appointments_pending_queue,
    appointments_staff_list,
)
from appointments.serializers.lifecycle import (
    AppointmentStatsOutputSerializer,
    MyAppointmentsQuerySerializer,
    StaffAppointmentsQuerySerializer,
)
from appointments.serializers.output import AppointmentOutputSerializer, appointment_serializer_for
from appointments.views.lifecycle import ID_PARAMETER, TAGS, AppointmentDataSerializer
from arthomed.api.pagination import paginate
from arthomed.api.permissions import IsDoctor, IsPatient, IsStaff
from arthomed.api.responses import ok
from arthomed.api.schema import data_of, paginated

AppointmentPageSerializer = paginated(AppointmentOutputSerializer)
PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="Page number, from 1 (default 1)"),
    OpenApiParameter("limit", int, description="Items per page, 1-100 (default 10)"),
]
AppointmentStatsDataSerializer = data_of("AppointmentStatsData", stats=AppointmentStatsOutputSerializer)


def validated_query(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class MyAppointmentsApi(APIView):
    """`GET /appointments/my-appointments` (alias `/appointments/my`): a patient's own, a doctor's with them."""

    permission_classes = [IsPatient | IsDoctor]

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_my_list",
        parameters=[MyAppointmentsQuerySerializer, *PAGE_PARAMETERS],
        responses=AppointmentPageSerializer,
    )
    def get(self, request):
        filters = validated_query(MyAppointmentsQuerySerializer, request)
        queryset = appointments_mine(
            request.user,
            statuses=filters.get("status"),
            tab=filters.get("tab"),
            start_date=filters.get("start_date"),
            end_date=filters.get("end_date"),
        )
        return paginate(self, queryset, AppointmentOutputSerializer, "Appointments retrieved")


@extend_schema_view(get=extend_schema(operation_id="appointments_my_alias_list"))
class MyAppointmentsAliasApi(MyAppointmentsApi):
    """`GET /appointments/my`: the same list under the older short path."""


class PendingAppointmentsApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_pending_list",
        parameters=PAGE_PARAMETERS,
        responses=AppointmentPageSerializer,
    )
    def get(self, request):
        serializer = appointment_serializer_for(request.user)
        return paginate(self, appointments_pending_queue(), serializer, "Pending appointments retrieved")


class AppointmentListApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_list",
        parameters=[StaffAppointmentsQuerySerializer, *PAGE_PARAMETERS],
        responses=AppointmentPageSerializer,
    )
    def get(self, request):
        filters = validated_query(StaffAppointmentsQuerySerializer, request)
        queryset = appointments_staff_list(
            statuses=filters.get("status"),
            doctor_id=filters.get("doctor_id"),
            patient_id=filters.get("patient_id"),
            date=filters.get("date"),
            start_date=filters.get("start_date"),
            end_date=filters.get("end_date"),
            search=filters.get("search", ""),
        )
        return paginate(self, queryset, appointment_serializer_for(request.user), "Appointments retrieved")


class AppointmentStatsApi(APIView):
    @extend_schema(tags=TAGS, operation_id="appointments_stats", responses=AppointmentStatsDataSerializer)
    def get(self, request):
        stats = appointment_stats_for(request.user)
        return ok({"stats": AppointmentStatsOutputSerializer(stats).data}, "Appointment statistics retrieved")


class AppointmentDetailApi(APIView):
    """Participants and staff; a receptionist's view has no clinical fields."""

    @extend_schema(
        tags=TAGS, operation_id="appointments_retrieve", responses=AppointmentDataSerializer, parameters=[ID_PARAMETER]
    )
    def get(self, request, pk: str):
        appointment = appointment_get_for(request.user, pk)
        serializer = appointment_serializer_for(request.user)
        return ok({"appointment": serializer(appointment).data}, "Appointment retrieved")


ICS_STATUS = {
    AppointmentStatus.PENDING: "TENTATIVE",
    AppointmentStatus.CONFIRMED: "CONFIRMED",
    AppointmentStatus.IN_PROGRESS: "CONFIRMED",
    AppointmentStatus.COMPLETED: "CONFIRMED",
}


def appointment_ics(appointment) -> bytes:
    """One VEVENT for the patient's calendar; calendars show called-off visits as cancelled."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.CLINIC_NAME}//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{appointment.pk}@arthomed")
    event.add("dtstamp", appointment.updated_at)
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.ends_at)
    event.add("summary", f"{settings.CLINIC_NAME}: appointment with {appointment.doctor.name}")
    event.add("location", settings.CLINIC_NAME)
    event.add("description", f"{appointment.purpose_label}. {appointment.reason}".strip())
    event.add("status", ICS_STATUS.get(appointment.status, "CANCELLED"))
    calendar.add_component(event)
    return calendar.to_ical()


class AppointmentIcsApi(APIView):
    def perform_content_negotiation(self, request, force=False):
        # Calendar clients ask for text/calendar: never a 406; errors still answer in the JSON envelope.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_ics",
        responses={(200, "text/calendar"): OpenApiResponse(OpenApiTypes.BINARY, description="An iCalendar file")},
        parameters=[ID_PARAMETER],
    )
    def get(self, request, pk: str):
        appointment = appointment_get_for(request.user, pk)
        response = HttpResponse(appointment_ics(appointment), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.pk}.ics"'
        return response
