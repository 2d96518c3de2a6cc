"""Template helpers of the front-desk pages."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

register = template.Library()


@register.simple_tag
def frontdesk_url(name: str, *args) -> str:
    """The URL of a front-desk page, or "" while the page is not installed (another branch adds it).

    Templates show the link only when the URL exists: `{% frontdesk_url "frontdesk:receipt" pk as url %}`.
    """
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def hhmm(value) -> str:
    """A time or an aware datetime as 24-hour HH:MM in clinic time ("" for none)."""
    if not value:
        return ""
    if hasattr(value, "date") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%H:%M")
