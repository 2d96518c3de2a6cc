"""Receipt numbering (SPEC.md §10), as pure functions: no models, so a migration can import them.

A receipt number is `RECEIPT_PREFIX/2026-27/000123`: the clinic's prefix, the Indian financial
year of the payment (April to March, clinic time) and the payment's place in that year. The
counting itself (under a lock on the year's ReceiptCounter row) is in
`appointments.services.lifecycle.payments`.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone


def financial_year(moment: dt.datetime) -> str:
    """The Indian financial year (April to March, clinic time) holding `moment`: "2026-27"."""
    day = timezone.localtime(moment).date()
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def receipt_number_format(*, year: str, number: int) -> str:
    """`RECEIPT_PREFIX/<year>/<number, six digits>`."""
    return f"{settings.RECEIPT_PREFIX}/{year}/{number:06d}"
