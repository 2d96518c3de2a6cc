"""File downloads and deletion (SPEC.md §6). Uploads live with what they attach to.

Downloads answer the bytes themselves (not the JSON envelope); errors still answer
in the envelope. Every successful content read is written to the access log first.
"""

from django.core.files.storage import default_storage
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.views import APIView

from arthomed.api.clientip import client_ip
from arthomed.api.responses import ok
from arthomed.api.schema import data_of
from arthomed.core.errors import FileNotFound
from files.models import StoredFile
from files.selectors import KINDS_BY_TYPE, file_get_by_name_for, file_get_for
from files.serializers import FileDownloadQuerySerializer, StoredFileOutputSerializer
from files.services import file_delete, file_log_access

BINARY_RESPONSES = {
    (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY, description="The file's bytes"),
    (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="The file's bytes"),
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The file's bytes"),
}
DOWNLOAD_QUERY = FileDownloadQuerySerializer


class IgnoreAcceptNegotiation(BaseContentNegotiation):
    """A download's type is the file's; `Accept: image/*` must not turn it into a 406."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def file_response(request, stored: StoredFile) -> FileResponse:
    """Log the read, then stream the bytes with headers that stop browsers guessing or caching."""
    query = FileDownloadQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    try:
        handle = default_storage.open(stored.file.name, "rb")
    except FileNotFoundError:
        raise FileNotFound() from None
    file_log_access(file=stored, user=request.user, ip_address=client_ip(request))
    response = FileResponse(
        handle,
        content_type=stored.mime_type,
        as_attachment=query.validated_data["download"],
        filename=stored.original_name or stored.filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Length"] = str(stored.size)
    return response


class FileView(APIView):
    content_negotiation_class = IgnoreAcceptNegotiation

    @extend_schema(
        operation_id="files_download",
        summary="Download a file's content",
        parameters=[OpenApiParameter("pk", str, OpenApiParameter.PATH, description="The file's `_id`"), DOWNLOAD_QUERY],
        responses=BINARY_RESPONSES,
    )
    def get(self, request, pk: str):
        return file_response(request, file_get_for(request.user, pk, content=True))

    @extend_schema(
        operation_id="files_delete",
        summary="Delete a file (its uploader or an admin)",
        parameters=[OpenApiParameter("pk", str, OpenApiParameter.PATH, description="The file's `_id`")],
        responses=data_of("FileDeletedData", file=StoredFileOutputSerializer),
    )
    def delete(self, request, pk: str):
        stored = file_get_for(request.user, pk)
        data = {"file": StoredFileOutputSerializer(stored).data}
        file_delete(file=stored, actor=request.user)
        return ok(data, "File deleted successfully")


class FileByNameView(APIView):
    content_negotiation_class = IgnoreAcceptNegotiation

    @extend_schema(
        operation_id="files_download_by_name",
        summary="Download a file's content by its stored name",
        parameters=[
            OpenApiParameter("file_type", str, OpenApiParameter.PATH, enum=sorted(KINDS_BY_TYPE)),
            OpenApiParameter("filename", str, OpenApiParameter.PATH),
            DOWNLOAD_QUERY,
        ],
        responses=BINARY_RESPONSES,
    )
    def get(self, request, file_type: str, filename: str):
        return file_response(request, file_get_by_name_for(request.user, file_type, filename))
