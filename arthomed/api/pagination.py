"""`page` / `limit` pagination answering `data.items` + `data.pagination` (SPEC.md §1)."""

import math

from django.db.models import Count, Window
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.pagination import BasePagination

from arthomed.api.responses import ok

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_PAGE = 1_000_000


class PageQuerySerializer(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, default=1)
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT)


def _plain_number(text, highest: int) -> int | None:
    """`text` as a number when it is plainly valid (ASCII digits, 1..highest), else None."""
    if type(text) is str and len(text) <= len(str(highest)) and text.isascii() and text.isdigit():
        number = int(text)
        if 1 <= number <= highest:
            return number
    return None


def page_params(query_params) -> tuple[int, int]:
    """Validated (page, limit); bad values raise a 400 VALIDATION_ERROR.

    Every list reads these: absent or plainly valid values (digits within the bounds, which
    PageQuerySerializer would accept as the same number) are taken without building the
    serializer; anything else goes through it, so refusals keep its exact errors.
    """
    page, limit = query_params.get("page"), query_params.get("limit")
    page = 1 if page is None and "page" not in query_params else _plain_number(page, MAX_PAGE)
    limit = DEFAULT_LIMIT if limit is None and "limit" not in query_params else _plain_number(limit, MAX_LIMIT)
    if page is not None and limit is not None:
        return page, limit
    serializer = PageQuerySerializer(data={k: query_params[k] for k in ("page", "limit") if k in query_params})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["page"], serializer.validated_data["limit"]


def pagination_meta(*, page: int, limit: int, total: int) -> dict:
    pages = math.ceil(total / limit) if total else 0
    return {
        "current": page,
        "pages": pages,
        "total": total,
        "limit": limit,
        "hasNext": page < pages,
        "hasPrev": page > 1,
    }


# The annotation carrying the list's total on every row of a page (`total_in_page`).
PAGE_TOTAL = "_page_total"


class EnvelopePagination(BasePagination):
    """A page past the last one is an empty page (not an error): lists can shrink between calls.

    `total_in_page=True` counts the whole list in the page's own query (`COUNT(*) OVER ()`), so
    a full page needs no second COUNT query: for short lists (the doctor directory), where
    counting every matching row alongside the page costs less than another round trip.
    """

    def __init__(self, *, total_in_page: bool = False):
        self.total_in_page = total_in_page

    def paginate_queryset(self, queryset, request, view=None):
        self.page, self.limit = page_params(request.query_params)
        offset = (self.page - 1) * self.limit
        if self.total_in_page:
            queryset = queryset.annotate(**{PAGE_TOTAL: Window(Count("*"))})
        rows = list(queryset[offset : offset + self.limit])
        if 0 < len(rows) < self.limit or (not rows and offset == 0):
            # The last page tells the total itself: no COUNT query (most lists fit on one page).
            self.total = offset + len(rows)
        elif rows and self.total_in_page:
            first = rows[0]
            self.total = first[PAGE_TOTAL] if isinstance(first, dict) else getattr(first, PAGE_TOTAL)
        else:
            self.total = (
                queryset.count() if hasattr(queryset, "count") and not isinstance(queryset, list) else len(queryset)
            )
        return rows

    def get_paginated_response(self, data, message: str = ""):
        meta = pagination_meta(page=self.page, limit=self.limit, total=self.total)
        return ok({"items": data, "pagination": meta}, message)

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["items", "pagination"],
            "properties": {"items": schema, "pagination": PAGINATION_SCHEMA},
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "default": 1},
                "description": "Page number (1-based).",
            },
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
                "description": "Items per page.",
            },
        ]


PAGINATION_SCHEMA = {
    "type": "object",
    "required": ["current", "pages", "total", "limit", "hasNext", "hasPrev"],
    "properties": {
        "current": {"type": "integer"},
        "pages": {"type": "integer"},
        "total": {"type": "integer"},
        "limit": {"type": "integer"},
        "hasNext": {"type": "boolean"},
        "hasPrev": {"type": "boolean"},
    },
}


def paginate(view, queryset, serializer_class, message: str = "", context: dict | None = None):
    """Paginate `queryset` for `view` and answer with the envelope and a message."""
    paginator = EnvelopePagination()
    rows = paginator.paginate_queryset(queryset, view.request, view)
    data = serializer_class(rows, many=True, context=context or {"request": view.request}).data
    return paginator.get_paginated_response(data, message)


def paginate_plain(view, queryset, render, message: str = "", *, total_in_page: bool = False):
    """`paginate` for lists written as plain data: `render(rows)` gives the page's items."""
    paginator = EnvelopePagination(total_in_page=total_in_page)
    rows = paginator.paginate_queryset(queryset, view.request, view)
    return paginator.get_paginated_response(render(rows), message)


# For lists served by an `@action` (drf-spectacular documents pagination only on `list` itself).
PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="Page number (1-based, default 1)."),
    OpenApiParameter(
        "limit", OpenApiTypes.INT, description=f"Items per page (1-{MAX_LIMIT}, default {DEFAULT_LIMIT})."
    ),
]
