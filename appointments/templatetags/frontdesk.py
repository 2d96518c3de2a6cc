"""Template helpers of the front-desk pages."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def hhmm(value) -> str:
    """A time or an aware datetime as 24-hour HH:MM in clinic time ("" for none)."""
    if not value:
        return ""
    if hasattr(value, "date") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%H:%M")


@register.filter
def rupees(value) -> str:
    """An amount as the clinic writes it: ₹1,25,000.00 (Indian digit grouping, two decimals)."""
    if value is None or value == "":
        return ""
    # Through str(): a float such as 750.255 rounds as written, not as its binary value.
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, fraction = f"{amount:.2f}".split(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    head, tail = digits[:-3], digits[-3:]
    groups = [head[max(0, i - 2) : i] for i in range(len(head), 0, -2)][::-1]
    return f"{sign}₹{','.join([*groups, tail]) if head else tail}.{fraction}"
