"""Content negotiation: DRF's, with the apps' own Accept headers answered without parsing."""

from rest_framework.negotiation import DefaultContentNegotiation

# What the mobile apps and browsers' fetch send (and no header at all, which DRF reads as `*/*`).
COMMON_ACCEPT = frozenset({"*/*", "application/json"})
JSON = "application/json"


class JsonFirstContentNegotiation(DefaultContentNegotiation):
    """For a request without `?format=` whose Accept header is one of COMMON_ACCEPT, on a view whose
    first renderer is JSON, DRF's negotiation answers (that renderer, "application/json"): answer it
    directly; anything else goes through DRF's."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if (
            format_suffix is None
            and renderers
            and renderers[0].media_type == JSON
            and request.META.get("HTTP_ACCEPT", "*/*") in COMMON_ACCEPT
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            return renderers[0], JSON
        return super().select_renderer(request, renderers, format_suffix)
