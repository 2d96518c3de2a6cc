"""`ok(...)`: the one way views answer with a success envelope; `attachment(...)`: a file to download."""

from typing import Any

from django.http import HttpResponse
from rest_framework.response import Response

from arthomed.api.envelope import success_body


def ok(data: Any = None, message: str = "", *, status: int = 200, headers: dict | None = None) -> Response:
    return Response(success_body(data, message), status=status, headers=headers)


def attachment(content: bytes | str, *, content_type: str, filename: str) -> HttpResponse:
    """A file the browser downloads as `filename` (a PDF, a calendar entry, a CSV)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
