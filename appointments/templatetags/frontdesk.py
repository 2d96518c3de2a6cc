"""Template helpers of the front-desk pages."""

from django import template
from django.utils import timezone

from appointments.money_words import rupees_in_figures

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
    return rupees_in_figures(value)
