"""The waiting-room display (SPEC.md §12): an HTML page for a TV, opened with `?key=` (DISPLAY_KEY).

No staff sign-in: the key is the only guard, compared in constant time. With no key configured
the page does not exist; a missing or wrong key answers the same 404. The page carries tokens and
first names only, reloads itself every DISPLAY_REFRESH_SECONDS, and is never cached or indexed.
"""

import hmac

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from appointments.selectors.display import waiting_room_board

DISPLAY_REFRESH_SECONDS = 20


def _key_accepted(given: str) -> bool:
    expected = settings.DISPLAY_KEY
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@require_GET
def waiting_room_display(request):
    if not _key_accepted(request.GET.get("key", "")):
        raise Http404
    context = {
        "clinic": settings.CLINIC_NAME,
        "doctors": waiting_room_board(),
        "now": timezone.localtime(),
        "refresh_seconds": DISPLAY_REFRESH_SECONDS,
    }
    response = render(request, "display/queue.html", context)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the key is in the URL
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
