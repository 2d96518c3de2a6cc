"""Template helpers of the front-desk pages: money as the clinic writes it."""

from decimal import Decimal

import pytest

from appointments.templatetags.frontdesk import rupees


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        (Decimal("0"), "₹0.00"),
        (Decimal("500"), "₹500.00"),
        (Decimal("1600"), "₹1,600.00"),
        (Decimal("125000.5"), "₹1,25,000.50"),
        (Decimal("12345678.9"), "₹1,23,45,678.90"),
        (Decimal("-400"), "-₹400.00"),
        (750.255, "₹750.26"),
        ("99999", "₹99,999.00"),
    ],
)
def test_amounts_are_grouped_the_indian_way(amount, written):
    assert rupees(amount) == written


def test_no_amount_writes_nothing():
    assert rupees(None) == ""
