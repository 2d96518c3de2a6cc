"""`validated(...)`: the one way views check their input before calling a service."""

from typing import Any

from rest_framework import serializers


def validated(serializer_class: type[serializers.Serializer], request, *, data: Any = None) -> dict:
    """The serializer's validated data for the request body (or `data`, e.g. `request.query_params`).

    Invalid input raises DRF's ValidationError, which the exception handler answers with the
    400 VALIDATION_ERROR envelope naming each field.
    """
    serializer = serializer_class(data=request.data if data is None else data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
