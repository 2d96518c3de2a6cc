"""`/api/appointments...` (SPEC.md §5): one ViewSet, read top to bottom as what an appointment can do.

Each handler checks the role (403 for a role that may never act), finds the appointment
in the caller's scope (404 for someone else's), calls one selector or service, and answers.
"""

from djangorestframework_camel_case.parser import CamelCaseMultiPartParser
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.viewsets import GenericViewSet

from accounts.selectors.people import doctor_get
from appointments.filters import AppointmentFilter, MyAppointmentFilter, PendingAppointmentFilter
from appointments.ics import appointment_ics
from appointments.prescription_pdf import prescription_pdf
from appointments.receipts import receipt_for, receipt_pdf
from appointments.selectors.appointments import (
    AppointmentPages,
    appointment_get_for,
    appointment_history_and_files,
    appointment_stats_for,
    appointments_mine,
    appointments_pending_queue,
    appointments_staff_list,
    appointments_visible_to,
)
from appointments.selectors.queue import appointment_queue_info
from appointments.selectors.slots import doctor_day_slots, doctor_month_calendar
from appointments.serializers.booking import (
    AppointmentBookInputSerializer,
    AppointmentRescheduleInputSerializer,
    CalendarOutputSerializer,
    CalendarQueryInputSerializer,
    SlotsOutputSerializer,
    SlotsQueryInputSerializer,
)
from appointments.serializers.lifecycle import (
    AppointmentCancelInputSerializer,
    AppointmentConfirmInputSerializer,
    AppointmentFeedbackInputSerializer,
    AppointmentPaymentInputSerializer,
    AppointmentRejectInputSerializer,
    AppointmentStatsOutputSerializer,
    AppointmentStatusInputSerializer,
    AppointmentVisitSummaryInputSerializer,
    clinical_arguments,
)
from appointments.serializers.output import (
    AppointmentOutputSerializer,
    appointment_output,
    appointment_serializer_for,
)
from appointments.serializers.queue import AppointmentQueueInfoOutputSerializer
from appointments.serializers.slots_output import slots_output
from appointments.serializers.uploads import AppointmentBookMultipartInputSerializer
from appointments.services.booking import appointment_book, appointment_reschedule
from appointments.services.lifecycle import (
    appointment_cancel,
    appointment_confirm,
    appointment_feedback_submit,
    appointment_payment_record,
    appointment_reject,
    appointment_status_update,
    appointment_visit_summary_update,
)
from appointments.services.queue import appointment_check_in
from appointments.views.answers import AppointmentData, appointment_answer
from arthomed.api.inputs import validated
from arthomed.api.pagination import PAGE_PARAMETERS, paginate, paginate_plain
from arthomed.api.parsers import SafeJSONParser
from arthomed.api.permissions import IsAdmin, IsDoctor, IsPatient, IsReceptionist, IsStaff
from arthomed.api.responses import attachment, ok
from arthomed.api.schema import data_of, paginated
from arthomed.core.errors import ValidationFailed
from arthomed.core.roles import STAFF_ROLES
from files.upload_handlers import LimitedUploadMixin

TAGS = ["appointments"]
ID = OpenApiParameter("id", str, OpenApiParameter.PATH, description="The appointment's `_id`")
DOCTOR_ID = OpenApiParameter("doctorId", str, required=True, description="The doctor's `_id`.")
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="A retry with the same key (same patient) returns the first booking instead of booking twice.",
)
IDEMPOTENCY_KEY_MAX_LENGTH = 128
AppointmentPage = paginated(AppointmentOutputSerializer)
AppointmentStatsData = data_of("AppointmentStatsData", stats=AppointmentStatsOutputSerializer)
PATIENT_OR_DOCTOR = [IsPatient | IsDoctor]
FILE_ACTIONS = {"ics", "prescription", "receipt"}


def appointments_output(appointments: list) -> list[dict]:
    """A page of appointments as AppointmentOutputSerializer(many=True) renders it (participants' variant)."""
    if not appointments:
        return []
    history, files = appointment_history_and_files([appointment.pk for appointment in appointments])
    return [appointment_output(a, history=history[a.pk], files=files[a.pk]) for a in appointments]


def idempotency_key(request) -> str | None:
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key and len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise ValidationFailed(errors=[{"field": "Idempotency-Key", "message": "At most 128 characters", "value": key}])
    return key


def list_schema(operation_id: str, summary: str):
    return extend_schema(
        tags=TAGS,
        operation_id=operation_id,
        summary=summary,
        filters=True,
        parameters=PAGE_PARAMETERS,
        responses=AppointmentPage,
    )


def action_schema(operation_id: str, request=None, **kwargs):
    return extend_schema(
        tags=TAGS, operation_id=operation_id, request=request, responses=AppointmentData, parameters=[ID], **kwargs
    )


class AppointmentViewSet(LimitedUploadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    lookup_url_kwarg = "id"
    lookup_value_regex = "[^/]+"
    filterset_class = AppointmentFilter

    def get_queryset(self):
        return appointments_visible_to(self.request.user)

    def get_object(self):
        return appointment_get_for(self.request.user, self.kwargs[self.lookup_url_kwarg])

    def get_permissions(self):
        # `list` is the front desk's; the other operations name their roles in `@action`.
        if self.action == "list":
            return [IsStaff()]
        return super().get_permissions()

    # --- Lists ---------------------------------------------------------------------------

    @list_schema("appointments_list", "Every appointment, filtered, newest first (admin, receptionist)")
    def list(self, request):
        queryset = self.filter_queryset(appointments_staff_list(request.user))
        return paginate(self, queryset, appointment_serializer_for(request.user), "Appointments retrieved")

    @list_schema("appointments_pending_list", "Pending bookings, soonest first (admin, receptionist)")
    @action(detail=False, permission_classes=[IsStaff], filterset_class=PendingAppointmentFilter)
    def pending(self, request):
        queryset = self.filter_queryset(appointments_pending_queue(request.user))
        return paginate(self, queryset, appointment_serializer_for(request.user), "Pending appointments retrieved")

    @list_schema("appointments_my_list", "A patient's own appointments, or a doctor's with them")
    @action(
        detail=False,
        url_path="my-appointments",
        permission_classes=PATIENT_OR_DOCTOR,
        filterset_class=MyAppointmentFilter,
    )
    def my_appointments(self, request):
        """`GET /appointments/my-appointments` (alias `/appointments/my`): a patient's own, a doctor's with them."""
        # The page's rows with their participants; history and files read for the page at once.
        pages = AppointmentPages(self.filter_queryset(appointments_mine(request.user)))
        return paginate_plain(self, pages, appointments_output, "Appointments retrieved")

    @list_schema("appointments_my_alias_list", "The same as my-appointments, under the older short path")
    @action(detail=False, url_path="my", permission_classes=PATIENT_OR_DOCTOR, filterset_class=MyAppointmentFilter)
    def my(self, request):
        """`GET /appointments/my`: the same list under the older short path."""
        return self.my_appointments(request)

    @extend_schema(tags=TAGS, operation_id="appointments_stats", responses=AppointmentStatsData)
    @action(detail=False)
    def stats(self, request):
        stats = appointment_stats_for(request.user)
        return ok({"stats": AppointmentStatsOutputSerializer(stats).data}, "Appointment statistics retrieved")

    # --- Finding a slot and booking ------------------------------------------------------

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_slots_retrieve",
        summary="Bookable and booked slots of a doctor on a date",
        parameters=[DOCTOR_ID, OpenApiParameter("date", OpenApiTypes.DATE, required=True, description="YYYY-MM-DD")],
        responses=SlotsOutputSerializer,
    )
    @action(detail=False, permission_classes=[AllowAny])
    def slots(self, request):
        query = validated(SlotsQueryInputSerializer, request, data=request.query_params)
        doctor = doctor_get(query["doctor_id"], with_schedule=False)  # the day's read brings the schedule
        # The front desk books any slot not yet started (SPEC.md §10); patients see the minimum notice.
        by_staff = getattr(request.user, "role", None) in STAFF_ROLES
        day_slots = doctor_day_slots(doctor=doctor, day=query["date"], min_notice=not by_staff)
        data = slots_output(day_slots, consultation_fee=doctor.doctor_profile.consultation_fee)
        return ok(data, "Slots retrieved successfully")

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_calendar_retrieve",
        summary="A doctor's month: available and booked counts per day",
        parameters=[DOCTOR_ID, OpenApiParameter("month", str, required=True, description="YYYY-MM")],
        responses=CalendarOutputSerializer,
    )
    @action(detail=False, permission_classes=[AllowAny])
    def calendar(self, request):
        query = validated(CalendarQueryInputSerializer, request, data=request.query_params)
        doctor = doctor_get(query["doctor_id"])
        year, month = (int(part) for part in query["month"].split("-"))
        days = doctor_month_calendar(doctor=doctor, year=year, month=month)
        data = CalendarOutputSerializer({"doctor": doctor, "month": query["month"], "days": days}).data
        return ok(data, "Calendar retrieved successfully")

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_book",
        summary="Book a slot (patients for themselves; staff for a patient or a walk-in)",
        request={
            "application/json": AppointmentBookInputSerializer,
            "multipart/form-data": AppointmentBookMultipartInputSerializer,
        },
        parameters=[IDEMPOTENCY_KEY],
        responses={201: AppointmentData},
    )
    # JSON, or multipart when the app sends images with the booking (SPEC.md §5).
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[IsPatient | IsStaff],
        parser_classes=[SafeJSONParser, CamelCaseMultiPartParser],
    )
    def book(self, request):
        key = idempotency_key(request)
        data = validated(AppointmentBookInputSerializer, request)
        images = request.FILES.getlist("images") + request.FILES.getlist("images[]")
        booked = appointment_book(actor=request.user, idempotency_key=key, images=images, **data)
        # A replayed key answers the first result as it was: 201 with the same appointment.
        return appointment_answer(request, booked, "Appointment booked successfully", status=201)

    # --- One appointment -----------------------------------------------------------------

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_retrieve",
        summary="One appointment (participants and staff; a receptionist's view has no clinical fields)",
        responses=AppointmentData,
        parameters=[ID],
    )
    def retrieve(self, request, id: str):
        """Participants and staff; a receptionist's view has no clinical fields."""
        appointment = self.get_object()
        return ok({"appointment": appointment_serializer_for(request.user)(appointment).data}, "Appointment retrieved")

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_ics",
        summary="The appointment as an iCalendar file",
        responses={(200, "text/calendar"): OpenApiResponse(OpenApiTypes.BINARY, description="An iCalendar file")},
        parameters=[ID],
    )
    @action(detail=True)
    def ics(self, request, id: str):
        appointment = self.get_object()
        return attachment(
            appointment_ics(appointment),
            content_type="text/calendar; charset=utf-8",
            filename=f"appointment-{appointment.pk}.ics",
        )

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_prescription_pdf",
        summary="The visit's prescription as a printable PDF (the patient, the doctor, admins)",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="A PDF file")},
        parameters=[ID],
    )
    @action(detail=True, permission_classes=[IsPatient | IsDoctor | IsAdmin])
    def prescription(self, request, id: str):
        appointment = self.get_object()
        return attachment(
            prescription_pdf(appointment), content_type="application/pdf", filename=f"prescription-{appointment.pk}.pdf"
        )

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_receipt_pdf",
        summary="The payment receipt as a printable PDF (the patient, admins, the front desk)",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="A PDF file")},
        parameters=[ID],
    )
    @action(detail=True, permission_classes=[IsPatient | IsStaff])
    def receipt(self, request, id: str):
        receipt = receipt_for(self.get_object())
        return attachment(receipt_pdf(receipt), content_type="application/pdf", filename=receipt.filename)

    def perform_content_negotiation(self, request, force=False):
        # File answers (a calendar client asks for text/calendar, a browser for application/pdf): never a
        # 406; errors still answer in the JSON envelope.
        return super().perform_content_negotiation(request, force=force or self.action in FILE_ACTIONS)

    @action_schema(
        "appointments_reschedule",
        AppointmentRescheduleInputSerializer,
        summary="Move an appointment to another free slot of the same doctor",
    )
    @action(detail=True, methods=["put"], permission_classes=[IsPatient | IsStaff])
    def reschedule(self, request, id: str):
        data = validated(AppointmentRescheduleInputSerializer, request)
        appointment = appointment_reschedule(actor=request.user, appointment=self.get_object(), **data)
        return appointment_answer(request, appointment, "Appointment rescheduled successfully")

    @action_schema("appointments_confirm")
    @action(detail=True, methods=["post"], permission_classes=[IsStaff])
    def confirm(self, request, id: str):
        appointment = appointment_confirm(appointment=self.get_object(), actor=request.user)
        return appointment_answer(request, appointment, "Appointment confirmed")

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_confirm_by_body",
        summary="Confirm, the older form with the id in the body",
        request=AppointmentConfirmInputSerializer,
        responses=AppointmentData,
    )
    @action(detail=False, methods=["post"], url_path="confirm", permission_classes=[IsStaff])
    def confirm_by_body(self, request):
        """The older form: `POST /appointments/confirm {appointmentId}`."""
        data = validated(AppointmentConfirmInputSerializer, request)
        appointment = appointment_get_for(request.user, data["appointment_id"])
        appointment = appointment_confirm(appointment=appointment, actor=request.user)
        return appointment_answer(request, appointment, "Appointment confirmed")

    # --- The day's queue (SPEC.md §12) -----------------------------------------------------

    @action_schema("appointments_check_in", summary="Check the patient in at the desk: a token, status stays confirmed")
    @action(detail=True, methods=["post"], url_path="check-in", permission_classes=[IsStaff])
    def check_in(self, request, id: str):
        appointment = appointment_check_in(actor=request.user, appointment=self.get_object())
        return appointment_answer(request, appointment, "Patient checked in")

    @extend_schema(
        tags=TAGS,
        operation_id="appointments_queue_retrieve",
        summary="Where the appointment stands in its doctor's queue today (its patient, its doctor, staff)",
        parameters=[ID],
        responses=AppointmentQueueInfoOutputSerializer,
    )
    @action(detail=True)
    def queue(self, request, id: str):
        info = appointment_queue_info(appointment=self.get_object())
        return ok(AppointmentQueueInfoOutputSerializer(info).data, "Queue position retrieved")

    @action_schema("appointments_reject", AppointmentRejectInputSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStaff])
    def reject(self, request, id: str):
        data = validated(AppointmentRejectInputSerializer, request)
        appointment = appointment_reject(appointment=self.get_object(), actor=request.user, reason=data["reason"])
        return appointment_answer(request, appointment, "Appointment rejected")

    @action_schema("appointments_cancel", AppointmentCancelInputSerializer)
    @action(detail=True, methods=["put"], permission_classes=[IsStaff | IsPatient])
    def cancel(self, request, id: str):
        data = validated(AppointmentCancelInputSerializer, request)
        appointment = appointment_cancel(appointment=self.get_object(), actor=request.user, reason=data["reason"])
        return appointment_answer(request, appointment, "Appointment cancelled successfully")

    @action_schema("appointments_status_update", AppointmentStatusInputSerializer)
    @action(detail=True, methods=["put"], permission_classes=[IsAdmin | IsDoctor | IsReceptionist])
    def status(self, request, id: str):
        data = clinical_arguments(validated(AppointmentStatusInputSerializer, request))
        appointment = appointment_status_update(appointment=self.get_object(), actor=request.user, **data)
        return appointment_answer(request, appointment, "Appointment status updated successfully")

    @action_schema("appointments_visit_summary_update", AppointmentVisitSummaryInputSerializer)
    @action(detail=True, methods=["put"], url_path="visit-summary", permission_classes=[IsAdmin | IsDoctor])
    def visit_summary(self, request, id: str):
        data = clinical_arguments(validated(AppointmentVisitSummaryInputSerializer, request))
        data["doctor_notes"] = data.pop("notes", None)
        appointment = appointment_visit_summary_update(appointment=self.get_object(), actor=request.user, **data)
        return appointment_answer(request, appointment, "Visit summary updated")

    @action_schema("appointments_payment_record", AppointmentPaymentInputSerializer)
    @action(detail=True, methods=["put"], permission_classes=[IsStaff])
    def payment(self, request, id: str):
        data = validated(AppointmentPaymentInputSerializer, request)
        appointment = appointment_payment_record(appointment=self.get_object(), actor=request.user, **data)
        return appointment_answer(request, appointment, "Payment updated")

    @action_schema("appointments_feedback_submit", AppointmentFeedbackInputSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsPatient])
    def feedback(self, request, id: str):
        data = validated(AppointmentFeedbackInputSerializer, request)
        appointment = appointment_feedback_submit(appointment=self.get_object(), actor=request.user, **data)
        return appointment_answer(request, appointment, "Thank you for your feedback")
