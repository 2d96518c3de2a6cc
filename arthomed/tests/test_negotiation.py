"""The JSON-first negotiation answers exactly what DRF's default negotiation answers."""

import pytest
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, StaticHTMLRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from arthomed.api.negotiation import JsonFirstContentNegotiation
from arthomed.api.renderers import EnvelopeJSONRenderer

ACCEPTS = [
    None,
    "*/*",
    "application/json",
    "",
    "application/json; indent=4",
    "text/html",
    "text/csv",
    "application/json, text/plain, */*",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "application/*",
]
RENDERER_LISTS = {
    "json": [EnvelopeJSONRenderer()],
    "json, html": [EnvelopeJSONRenderer(), BrowsableAPIRenderer()],
    "html first": [StaticHTMLRenderer(), EnvelopeJSONRenderer()],
}


def outcome(negotiation, accept, renderers, query, suffix):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get("/api/auth/me" + query, **headers))
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers, suffix)
    except NotAcceptable:
        return "406"
    return type(renderer).__name__, media_type


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("renderers", RENDERER_LISTS.values(), ids=RENDERER_LISTS.keys())
@pytest.mark.parametrize(("query", "suffix"), [("", None), ("?format=json", None), ("?format=api", None), ("", "json")])
def test_same_answer_as_drf(accept, renderers, query, suffix):
    try:
        expected = outcome(DefaultContentNegotiation(), accept, renderers, query, suffix)
    except Exception as exc:  # noqa: BLE001 - e.g. Http404 for an unknown format: the same must be raised
        with pytest.raises(type(exc)):
            outcome(JsonFirstContentNegotiation(), accept, renderers, query, suffix)
        return
    assert outcome(JsonFirstContentNegotiation(), accept, renderers, query, suffix) == expected
