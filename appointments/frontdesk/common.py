"""What every front-desk page shares: who may open it, the admin's chrome, service errors as messages."""

from datetime import date, datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from appointments.selectors.slots import Slot, doctor_day_slots
from arthomed.core.errors import ApplicationError
from arthomed.core.roles import Role

DESK_ROLES = (Role.ADMIN, Role.RECEPTIONIST)


def desk_check(request) -> None:
    """admin_view has already asked for a staff sign-in; the front desk also needs to act on appointments."""
    user = request.user
    if user.role not in DESK_ROLES or not user.has_perm("appointments.change_appointment"):
        raise PermissionDenied


def admin_context(request, **extra) -> dict:
    return {**admin.site.each_context(request), **extra}


def error_text(exc: ApplicationError) -> str:
    """The service's refusal as a person reads it, with the fields a validation error names."""
    fields = "; ".join(f"{error.get('field')}: {error.get('message')}" for error in exc.errors)
    return f"{exc.explanation} — {fields}" if fields else exc.explanation


def report_error(request, exc: ApplicationError) -> None:
    messages.error(request, error_text(exc))


def day_param(value: str | None) -> date:
    """`?date=YYYY-MM-DD` (clinic date); anything else is today."""
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def staff_free_slots(*, doctor, day: date, now: datetime | None = None, exclude_appointment_id=None) -> list[Slot]:
    """The day's free slots from the API's slot selector as staff book them: inside
    BOOKING_MIN_NOTICE_MINUTES too (`min_notice=False`), never started ones, within the horizon."""
    day_slots = doctor_day_slots(
        doctor=doctor, day=day, now=now, exclude_appointment_id=exclude_appointment_id, min_notice=False
    )
    return day_slots.available
