"""`POST /api/files/upload/appointments`: reports and prescriptions added to an appointment."""

from djangorestframework_camel_case.parser import CamelCaseMultiPartParser
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from appointments.selectors.appointments import appointment_get_for
from appointments.serializers.uploads import AppointmentFilesUploadInputSerializer
from appointments.services.uploads import appointment_files_upload
from arthomed.api.responses import ok
from arthomed.api.schema import data_of
from arthomed.core.roles import Role
from files.serializers import StoredFileOutputSerializer
from files.upload_handlers import LimitedUploadMixin


class AppointmentFilesUploadView(LimitedUploadMixin, APIView):
    """Admin, receptionist, the appointment's doctor or its patient (others: 404 APPOINTMENT_NOT_FOUND)."""

    parser_classes = [CamelCaseMultiPartParser]

    @extend_schema(
        tags=["files"],
        summary="Upload reports or prescriptions to an appointment",
        request={"multipart/form-data": AppointmentFilesUploadInputSerializer},
        responses=data_of("UploadedFilesData", uploaded_files=StoredFileOutputSerializer(many=True)),
    )
    def post(self, request):
        data = {key: request.data[key] for key in ("appointment_id", "category") if key in request.data}
        data["files"] = request.FILES.getlist("files") + request.FILES.getlist("files[]")
        form = AppointmentFilesUploadInputSerializer(data=data)
        form.is_valid(raise_exception=True)
        appointment = appointment_get_for(request.user, form.validated_data["appointment_id"])
        stored = appointment_files_upload(
            actor=request.user,
            appointment=appointment,
            category=form.validated_data["category"],
            uploads=form.validated_data["files"],
        )
        readable = request.user.role != Role.RECEPTIONIST  # SPEC.md §2: the front desk gets metadata only
        files = StoredFileOutputSerializer(stored, many=True, context={"content_readable": readable}).data
        return ok({"uploaded_files": files}, "Files uploaded successfully")
