"""Lifecycle actions on one appointment (SPEC.md §5). Each answers the updated appointment as `data.appointment`.

Views check the role (403 for a role that may never act), find the appointment in the
caller's scope (404 for someone else's), call one service, and answer.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.views import APIView

from appointments.selectors.appointments import appointment_get_for
from appointments.serializers.lifecycle import (
    AppointmentCancelInputSerializer,
    AppointmentConfirmInputSerializer,
    AppointmentFeedbackInputSerializer,
    AppointmentPaymentInputSerializer,
    AppointmentRejectInputSerializer,
    AppointmentStatusInputSerializer,
    AppointmentVisitSummaryInputSerializer,
    clinical_arguments,
)
from appointments.serializers.output import AppointmentOutputSerializer, appointment_serializer_for
from appointments.services.lifecycle import (
    appointment_cancel,
    appointment_confirm,
    appointment_feedback_submit,
    appointment_payment_record,
    appointment_reject,
    appointment_status_update,
    appointment_visit_summary_update,
)
from arthomed.api.permissions import IsAdmin, IsDoctor, IsPatient, IsReceptionist, IsStaff
from arthomed.api.responses import ok
from arthomed.api.schema import data_of

AppointmentDataSerializer = data_of("AppointmentData", appointment=AppointmentOutputSerializer)
ID_PARAMETER = OpenApiParameter("pk", str, OpenApiParameter.PATH, description="Appointment id")
TAGS = ["appointments"]


def validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def answer(request, appointment, message: str):
    """The appointment re-read with its details, shaped for what the caller may see."""
    fresh = appointment_get_for(request.user, appointment.pk)
    return ok({"appointment": appointment_serializer_for(request.user)(fresh).data}, message)


class AppointmentConfirmApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_confirm",
        request=None,
        responses=AppointmentDataSerializer,
        parameters=[ID_PARAMETER],
    )
    def post(self, request, pk: str):
        appointment = appointment_get_for(request.user, pk)
        appointment = appointment_confirm(appointment=appointment, actor=request.user)
        return answer(request, appointment, "Appointment confirmed")


class AppointmentConfirmByBodyApi(APIView):
    """The older form: `POST /appointments/confirm {appointmentId}`."""

    permission_classes = [IsStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_confirm_by_body",
        request=AppointmentConfirmInputSerializer,
        responses=AppointmentDataSerializer,
    )
    def post(self, request):
        data = validated(AppointmentConfirmInputSerializer, request)
        appointment = appointment_get_for(request.user, data["appointment_id"])
        appointment = appointment_confirm(appointment=appointment, actor=request.user)
        return answer(request, appointment, "Appointment confirmed")


class AppointmentRejectApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_reject",
        request=AppointmentRejectInputSerializer,
        responses=AppointmentDataSerializer,
        parameters=[ID_PARAMETER],
    )
    def post(self, request, pk: str):
        data = validated(AppointmentRejectInputSerializer, request)
        appointment = appointment_get_for(request.user, pk)
        appointment = appointment_reject(appointment=appointment, actor=request.user, reason=data["reason"])
        return answer(request, appointment, "Appointment rejected")


class AppointmentCancelApi(APIView):
    permission_classes = [IsStaff | IsPatient]

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_cancel",
        request=AppointmentCancelInputSerializer,
        responses=AppointmentDataSerializer,
        parameters=[ID_PARAMETER],
    )
    def put(self, request, pk: str):
        data = validated(AppointmentCancelInputSerializer, request)
        appointment = appointment_get_for(request.user, pk)
        appointment = appointment_cancel(appointment=appointment, actor=request.user, reason=data["reason"])
        return answer(request, appointment, "Appointment cancelled successfully")


class AppointmentStatusApi(APIView):
    permission_classes = [IsAdmin | IsDoctor | IsReceptionist]

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_status_update",
        request=AppointmentStatusInputSerializer,
        responses=AppointmentDataSerializer,
        parameters=[ID_PARAMETER],
    )
    def put(self, request, pk: str):
        data = clinical_arguments(validated(AppointmentStatusInputSerializer, request))
        appointment = appointment_get_for(request.user, pk)
        appointment = appointment_status_update(appointment=appointment, actor=request.user, **data)
        return answer(request, appointment, "Appointment status updated successfully")


class AppointmentVisitSummaryApi(APIView):
    permission_classes = [IsAdmin | IsDoctor]

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_visit_summary_update",
        request=AppointmentVisitSummaryInputSerializer,
        responses=AppointmentDataSerializer,
        parameters=[ID_PARAMETER],
    )
    def put(self, request, pk: str):
        data = clinical_arguments(validated(AppointmentVisitSummaryInputSerializer, request))
        appointment = appointment_get_for(request.user, pk)
        data["doctor_notes"] = data.pop("notes", None)
        appointment = appointment_visit_summary_update(appointment=appointment, actor=request.user, **data)
        return answer(request, appointment, "Visit summary updated")


class AppointmentPaymentApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_payment_record",
        request=AppointmentPaymentInputSerializer,
        responses=AppointmentDataSerializer,
        parameters=[ID_PARAMETER],
    )
    def put(self, request, pk: str):
        data = validated(AppointmentPaymentInputSerializer, request)
        appointment = appointment_get_for(request.user, pk)
        appointment = appointment_payment_record(appointment=appointment, actor=request.user, **data)
        return answer(request, appointment, "Payment updated")


class AppointmentFeedbackApi(APIView):
    permission_classes = [IsPatient]

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_feedback_submit",
        request=AppointmentFeedbackInputSerializer,
        responses=AppointmentDataSerializer,
        parameters=[ID_PARAMETER],
    )
    def post(self, request, pk: str):
        data = validated(AppointmentFeedbackInputSerializer, request)
        appointment = appointment_get_for(request.user, pk)
        appointment = appointment_feedback_submit(appointment=appointment, actor=request.user, **data)
        return answer(request, appointment, "Thank you for your feedback")
