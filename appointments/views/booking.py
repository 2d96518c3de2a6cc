"""Slots, month calendar, booking and rescheduling (SPEC.md §5). Thin: validate, one call, answer."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from accounts.selectors.people import doctor_get
from appointments.selectors.appointments import appointment_get_for
from appointments.selectors.slots import doctor_day_slots, doctor_month_calendar
from appointments.serializers.booking import (
    AppointmentBookInputSerializer,
    AppointmentRescheduleInputSerializer,
    CalendarOutputSerializer,
    CalendarQueryInputSerializer,
    SlotsOutputSerializer,
    SlotsQueryInputSerializer,
)
from appointments.serializers.output import AppointmentOutputSerializer, appointment_serializer_for
from appointments.serializers.uploads import AppointmentBookMultipartInputSerializer
from appointments.services.booking import appointment_book, appointment_reschedule
from arthomed.api.permissions import IsPatient, IsStaff
from arthomed.api.responses import ok
from arthomed.api.schema import data_of
from arthomed.core.errors import ValidationFailed
from files.upload_handlers import LimitedUploadMixin

DOCTOR_ID_PARAM = OpenApiParameter("doctorId", str, required=True, description="The doctor's `_id`.")
IDEMPOTENCY_KEY_PARAM = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="A retry with the same key (same patient) returns the first booking instead of booking twice.",
)
IDEMPOTENCY_KEY_MAX_LENGTH = 128
AppointmentData = data_of("AppointmentData", appointment=AppointmentOutputSerializer)


class SlotsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["appointments"],
        summary="Bookable and booked slots of a doctor on a date",
        parameters=[DOCTOR_ID_PARAM, OpenApiParameter("date", str, required=True, description="YYYY-MM-DD")],
        responses=SlotsOutputSerializer,
    )
    def get(self, request):
        query = SlotsQueryInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        doctor = doctor_get(query.validated_data["doctor_id"])
        day_slots = doctor_day_slots(doctor=doctor, day=query.validated_data["date"])
        context = {"consultation_fee": doctor.doctor_profile.consultation_fee}
        return ok(SlotsOutputSerializer(day_slots, context=context).data, "Slots retrieved successfully")


class CalendarView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["appointments"],
        summary="A doctor's month: available and booked counts per day",
        parameters=[DOCTOR_ID_PARAM, OpenApiParameter("month", str, required=True, description="YYYY-MM")],
        responses=CalendarOutputSerializer,
    )
    def get(self, request):
        query = CalendarQueryInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        doctor = doctor_get(query.validated_data["doctor_id"])
        month = query.validated_data["month"]
        year, number = (int(part) for part in month.split("-"))
        days = doctor_month_calendar(doctor=doctor, year=year, month=number)
        data = CalendarOutputSerializer({"doctor": doctor, "month": month, "days": days}).data
        return ok(data, "Calendar retrieved successfully")


class AppointmentBookView(LimitedUploadMixin, APIView):
    permission_classes = [IsPatient | IsStaff]

    @extend_schema(
        tags=["appointments"],
        summary="Book a slot (patients for themselves; staff for a patient or a walk-in)",
        request={
            "application/json": AppointmentBookInputSerializer,
            "multipart/form-data": AppointmentBookMultipartInputSerializer,
        },
        parameters=[IDEMPOTENCY_KEY_PARAM],
        responses={201: AppointmentData},
    )
    def post(self, request):
        idempotency_key = request.headers.get("Idempotency-Key", "").strip() or None
        if idempotency_key and len(idempotency_key) > IDEMPOTENCY_KEY_MAX_LENGTH:
            raise ValidationFailed(
                errors=[{"field": "Idempotency-Key", "message": "At most 128 characters", "value": idempotency_key}]
            )
        data = AppointmentBookInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        images = request.FILES.getlist("images") + request.FILES.getlist("images[]")
        booked = appointment_book(
            actor=request.user, idempotency_key=idempotency_key, images=images, **data.validated_data
        )
        appointment = appointment_get_for(request.user, booked.pk)
        output = appointment_serializer_for(request.user)(appointment).data
        # A replayed key answers the first result as it was: 201 with the same appointment.
        return ok({"appointment": output}, "Appointment booked successfully", status=201)


class AppointmentRescheduleView(APIView):
    permission_classes = [IsPatient | IsStaff]

    @extend_schema(
        tags=["appointments"],
        summary="Move an appointment to another free slot of the same doctor",
        request=AppointmentRescheduleInputSerializer,
        responses=AppointmentData,
    )
    def put(self, request, pk: str):
        data = AppointmentRescheduleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appointment = appointment_get_for(request.user, pk)
        appointment_reschedule(actor=request.user, appointment=appointment, **data.validated_data)
        output = appointment_serializer_for(request.user)(appointment_get_for(request.user, pk)).data
        return ok({"appointment": output}, "Appointment rescheduled successfully")
