"""`POST /api/files/upload/appointments`: reports and prescriptions added to an appointment (SPEC.md §6)."""

from djangorestframework_camel_case.parser import CamelCaseMultiPartParser
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.viewsets import GenericViewSet

from appointments.selectors.appointments import appointment_get_for
from appointments.serializers.uploads import AppointmentFilesUploadInputSerializer
from appointments.services.uploads import appointment_files_upload
from arthomed.api.inputs import validated
from arthomed.api.responses import ok
from arthomed.api.schema import data_of
from files.selectors import medical_content_readable_by
from files.serializers import StoredFileOutputSerializer
from files.upload_handlers import LimitedUploadMixin


def upload_form(request) -> dict:
    """The multipart fields, with `files` and `files[]` (both spellings apps send) as one list."""
    data = {key: request.data[key] for key in ("appointment_id", "category") if key in request.data}
    data["files"] = request.FILES.getlist("files") + request.FILES.getlist("files[]")
    return data


class AppointmentFileViewSet(LimitedUploadMixin, GenericViewSet):
    parser_classes = [CamelCaseMultiPartParser]

    @extend_schema(
        tags=["files"],
        operation_id="files_upload_appointments",
        summary="Upload reports or prescriptions to an appointment",
        request={"multipart/form-data": AppointmentFilesUploadInputSerializer},
        responses=data_of("UploadedFilesData", uploaded_files=StoredFileOutputSerializer(many=True)),
    )
    @action(detail=False, methods=["post"], url_path="upload/appointments")
    def upload_appointments(self, request):
        """Admin, receptionist, the appointment's doctor or its patient (others: 404 APPOINTMENT_NOT_FOUND)."""
        form = validated(AppointmentFilesUploadInputSerializer, request, data=upload_form(request))
        stored = appointment_files_upload(
            actor=request.user,
            appointment=appointment_get_for(request.user, form["appointment_id"]),
            category=form["category"],
            uploads=form["files"],
        )
        readable = medical_content_readable_by(request.user)
        files = StoredFileOutputSerializer(stored, many=True, context={"content_readable": readable}).data
        return ok({"uploaded_files": files}, "Files uploaded successfully")
