"""Reads of appointments, scoped to the acting user. Someone else's appointment is "not found"."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.selectors.people import parse_uuid
from appointments.models import Appointment, AppointmentStatus, AppointmentStatusChange
from arthomed.core.errors import AppointmentNotFound
from arthomed.core.roles import Role
from arthomed.core.scope import appointment_scope


def appointments_with_details() -> QuerySet[Appointment]:
    """Appointments with everything AppointmentOutputSerializer shows, in a fixed number of queries."""
    return Appointment.objects.select_related("patient", "doctor", "doctor__doctor_profile").prefetch_related(
        Prefetch("status_history", queryset=AppointmentStatusChange.objects.order_by("changed_at", "id")),
        "files",
    )


def appointments_visible_to(actor) -> QuerySet[Appointment]:
    """The appointments `actor` may see (arthomed.core.scope), with their details."""
    return appointments_with_details().filter(appointment_scope(actor))


def appointment_get_for(actor, appointment_id: object) -> Appointment:
    """One appointment as `actor` may see it, or APPOINTMENT_NOT_FOUND (also for others' and malformed ids)."""
    pk = parse_uuid(appointment_id)
    appointment = appointments_visible_to(actor).filter(pk=pk).first() if pk else None
    if appointment is None:
        raise AppointmentNotFound()
    return appointment


# --- Lists and counts (lifecycle endpoints) ----------------------------------------------

UPCOMING_STATUSES = (AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED, AppointmentStatus.IN_PROGRESS)
# The "cancelled" tab holds every visit that did not happen.
CALLED_OFF_STATUSES = (AppointmentStatus.CANCELLED, AppointmentStatus.REJECTED, AppointmentStatus.NO_SHOW)


def _in_date_range(queryset: QuerySet[Appointment], *, start_date=None, end_date=None) -> QuerySet[Appointment]:
    if start_date:
        queryset = queryset.filter(appointment_date__gte=start_date)
    if end_date:
        queryset = queryset.filter(appointment_date__lte=end_date)
    return queryset


def appointments_mine(
    actor, *, statuses: list[str] | None = None, tab: str | None = None, start_date=None, end_date=None
) -> QuerySet[Appointment]:
    """A patient's own or a doctor's appointments; upcoming soonest first, anything else newest first."""
    if actor.role not in (Role.PATIENT, Role.DOCTOR):
        return Appointment.objects.none()
    queryset = _in_date_range(appointments_visible_to(actor), start_date=start_date, end_date=end_date)
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if tab == "upcoming":
        return queryset.filter(status__in=UPCOMING_STATUSES, ends_at__gte=timezone.now()).order_by("starts_at", "id")
    if tab == "completed":
        queryset = queryset.filter(status=AppointmentStatus.COMPLETED)
    elif tab == "cancelled":
        queryset = queryset.filter(status__in=CALLED_OFF_STATUSES)
    return queryset.order_by("-starts_at", "-id")


def appointments_pending_queue() -> QuerySet[Appointment]:
    """The front desk's queue: pending bookings, soonest first."""
    return appointments_with_details().filter(status=AppointmentStatus.PENDING).order_by("starts_at", "id")


def appointments_staff_list(
    *,
    statuses: list[str] | None = None,
    doctor_id=None,
    patient_id=None,
    date=None,
    start_date=None,
    end_date=None,
    search: str = "",
) -> QuerySet[Appointment]:
    """Every appointment, filtered for the front desk, newest first."""
    queryset = _in_date_range(appointments_with_details(), start_date=start_date, end_date=end_date)
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if doctor_id:
        queryset = queryset.filter(doctor_id=doctor_id)
    if patient_id:
        queryset = queryset.filter(patient_id=patient_id)
    if date:
        queryset = queryset.filter(appointment_date=date)
    if search:
        queryset = queryset.filter(Q(patient__name__icontains=search) | Q(patient__mobile_number__contains=search))
    return queryset.order_by("-starts_at", "-id")


def appointment_stats_for(actor) -> dict[str, int]:
    """Counts by status plus `total`, over what `actor` may see; keys snake_case (`no_show`), camelCased on output."""
    queryset = Appointment.objects.filter(appointment_scope(actor))
    counts = {status.replace("-", "_"): 0 for status in AppointmentStatus.values}
    for row in queryset.order_by().values("status").annotate(count=Count("id")):
        counts[row["status"].replace("-", "_")] = row["count"]
    return {"total": sum(counts.values()), **counts}
