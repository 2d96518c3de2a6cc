"""`ok(...)`: the one way views answer with a success envelope."""

from typing import Any

from rest_framework.response import Response

from arthomed.api.envelope import success_body


def ok(data: Any = None, message: str = "", *, status: int = 200, headers: dict | None = None) -> Response:
    return Response(success_body(data, message), status=status, headers=headers)
