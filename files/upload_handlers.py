"""Refuse oversized uploads while the body streams in, before it is buffered whole.

BodySizeLimitMiddleware already refuses a declared Content-Length above the whole
request's limit; this handler enforces the per-file size and the per-request count
chunk by chunk, so an 11 MB file stops being read just past 10 MB.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from djangorestframework_camel_case.parser import CamelCaseJSONParser, CamelCaseMultiPartParser

from arthomed.core.errors import FileTooLarge, TooManyFiles


class FileLimitUploadHandler(FileUploadHandler):
    """First in the handler chain: counts each file's bytes and the files, passes data on."""

    def __init__(self, request=None):
        super().__init__(request)
        self.file_count = 0
        self.received = 0

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.file_count += 1
        self.received = 0
        if self.file_count > settings.FILE_MAX_COUNT:
            raise TooManyFiles(f"At most {settings.FILE_MAX_COUNT} files per request")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.FILE_MAX_BYTES:
            self._interrupt_others()
            # Raising (not StopUpload, which Django swallows) ends parsing here: the rest
            # of the body is never read, and the view answers 413 in the envelope.
            limit_mb = settings.FILE_MAX_BYTES / (1024 * 1024)
            raise FileTooLarge(f"Each file must be at most {limit_mb:g} MB")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _interrupt_others(self) -> None:
        # The handlers after this one hold the partial file (a temporary file on disk):
        # parsing stops here, so they must close and delete it now.
        for handler in self.request.upload_handlers:
            if handler is not self:
                handler.upload_interrupted()


class LimitedUploadMixin:
    """For upload views: installs the limit handler before DRF parses the body.

    Such a view takes multipart, or JSON when a client sends no file (booking, SPEC.md §5);
    views that take only files narrow `parser_classes` to multipart.
    """

    parser_classes = [CamelCaseJSONParser, CamelCaseMultiPartParser]

    def initialize_request(self, request, *args, **kwargs):
        request.upload_handlers.insert(0, FileLimitUploadHandler(request))
        return super().initialize_request(request, *args, **kwargs)
