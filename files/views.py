"""`/api/files/...` (SPEC.md §6): downloads and deletion. Uploads live with what they attach to.

Downloads answer the bytes themselves (not the JSON envelope); errors still answer in the
envelope. Every successful content read is written to the access log first. A file is
named by its `_id`, its stored name, `<type>/<stored name>` or the old API's `uploads/...`
path; whoever may not see it gets 404 FILE_NOT_FOUND, as for a file that does not exist.
"""

from django.core.files.storage import default_storage
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.viewsets import GenericViewSet

from arthomed.api.clientip import client_ip
from arthomed.api.inputs import validated
from arthomed.api.responses import ok
from arthomed.api.schema import data_of
from arthomed.core.errors import FileNotFound
from files.models import StoredFile
from files.selectors import (
    KINDS_BY_TYPE,
    MEDICAL_KINDS,
    file_get_by_name_for,
    file_get_by_path_for,
    file_get_for,
    files_visible_to,
)
from files.serializers import FileDownloadQuerySerializer, StoredFileOutputSerializer
from files.services import file_delete, file_log_access

TAGS = ["files"]
BINARY_RESPONSES = {
    (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY, description="The file's bytes"),
    (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="The file's bytes"),
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The file's bytes"),
}
ID = OpenApiParameter(
    "id", str, OpenApiParameter.PATH, description="The file's `_id`, or its stored file name (as the old API used)"
)


class IgnoreAcceptNegotiation(BaseContentNegotiation):
    """A download's type is the file's; `Accept: image/*` must not turn it into a 406."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def as_attachment(stored: StoredFile, *, download: bool, inline: bool) -> bool:
    """Medical files are saved, not shown, unless an image is asked for `?inline=1`; pictures show inline."""
    if stored.kind in MEDICAL_KINDS:
        return not (inline and stored.mime_type.startswith("image/"))
    return download


def file_response(request, stored: StoredFile) -> FileResponse:
    """Log the read, then stream the bytes with headers that stop browsers guessing or caching."""
    query = validated(FileDownloadQuerySerializer, request, data=request.query_params)
    try:
        handle = default_storage.open(stored.file.name, "rb")
    except FileNotFoundError:
        raise FileNotFound() from None
    file_log_access(file=stored, user=request.user, ip_address=client_ip(request))
    response = FileResponse(
        handle,
        content_type=stored.mime_type,
        as_attachment=as_attachment(stored, download=query["download"], inline=query["inline"]),
        filename=stored.original_name or stored.filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Length"] = str(stored.size)
    return response


class FileViewSet(mixins.RetrieveModelMixin, mixins.DestroyModelMixin, GenericViewSet):
    content_negotiation_class = IgnoreAcceptNegotiation
    lookup_url_kwarg = "id"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return files_visible_to(self.request.user, content=False)

    @extend_schema(
        tags=TAGS,
        operation_id="files_download",
        summary="Download a file's content",
        parameters=[ID, FileDownloadQuerySerializer],
        responses=BINARY_RESPONSES,
    )
    def retrieve(self, request, id: str):
        return file_response(request, file_get_for(request.user, id, content=True))

    @extend_schema(
        tags=TAGS,
        operation_id="files_delete",
        summary="Delete a file (its uploader or an admin)",
        parameters=[ID],
        responses=data_of("FileDeletedData", file=StoredFileOutputSerializer),
    )
    def destroy(self, request, id: str):
        stored = file_get_for(request.user, id)
        data = {"file": StoredFileOutputSerializer(stored).data}
        file_delete(file=stored, actor=request.user)
        return ok(data, "File deleted successfully")

    @extend_schema(
        tags=TAGS,
        operation_id="files_download_by_name",
        summary="Download a file's content by its type and stored name",
        parameters=[
            OpenApiParameter("file_type", str, OpenApiParameter.PATH, enum=sorted(KINDS_BY_TYPE)),
            OpenApiParameter("filename", str, OpenApiParameter.PATH, description="The stored file name"),
            FileDownloadQuerySerializer,
        ],
        responses=BINARY_RESPONSES,
    )
    @action(detail=False, url_path="(?P<file_type>[^/]+)/(?P<filename>[^/]+)")
    def by_name(self, request, file_type: str, filename: str):
        return file_response(request, file_get_by_name_for(request.user, file_type, filename))

    @extend_schema(
        tags=TAGS,
        operation_id="files_download_by_path",
        summary="Download a file's content by the old API's url (`uploads/<kind>/<YYYY>/<MM>/<stored name>`)",
        parameters=[
            OpenApiParameter(
                "path", str, OpenApiParameter.PATH, description="`<kind>/<YYYY>/<MM>/<stored name>` after `uploads/`"
            ),
            FileDownloadQuerySerializer,
        ],
        responses=BINARY_RESPONSES,
    )
    @action(detail=False, url_path="uploads/(?P<path>.+)")
    def by_path(self, request, path: str):
        return file_response(request, file_get_by_path_for(request.user, f"uploads/{path}"))
