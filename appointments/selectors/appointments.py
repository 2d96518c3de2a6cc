"""Reads of appointments, scoped to the acting user. Someone else's appointment is "not found"."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.selectors.family import Person
from accounts.selectors.people import parse_uuid
from appointments.models import Appointment, AppointmentStatus, AppointmentStatusChange
from arthomed.core.errors import AppointmentNotFound
from arthomed.core.roles import Role
from arthomed.core.scope import appointment_scope
from files.models import StoredFile


def appointments_with_details() -> QuerySet[Appointment]:
    """Appointments with everything AppointmentOutputSerializer shows, in a fixed number of queries."""
    return Appointment.objects.select_related(
        "patient", "family_member", "doctor", "doctor__doctor_profile"
    ).prefetch_related(
        Prefetch("status_history", queryset=AppointmentStatusChange.objects.order_by("changed_at", "id")),
        "files",
    )


def appointment_history_and_files(appointment_ids: list) -> tuple[dict, dict]:
    """Status histories and attached files of some appointments, as rows for `appointment_output`:
    `({id: [(from_status, to_status, changed_by_id, changed_at, note), ...]}, {id: [(file id, file name,
    original_name, size, mime_type), ...]})`, oldest first. Two queries for a page, whatever its size."""
    history: dict = {pk: [] for pk in appointment_ids}
    files: dict = {pk: [] for pk in appointment_ids}
    changes = AppointmentStatusChange.objects.filter(appointment_id__in=appointment_ids).order_by("changed_at", "id")
    for pk, *change in changes.values_list(
        "appointment_id", "from_status", "to_status", "changed_by_id", "changed_at", "note"
    ):
        history[pk].append(tuple(change))
    stored = StoredFile.objects.filter(appointment_id__in=appointment_ids).order_by("created_at", "id")
    for pk, *row in stored.values_list("appointment_id", "id", "file", "original_name", "size", "mime_type"):
        files[pk].append(tuple(row))
    return history, files


def person_appointments(person: Person) -> QuerySet[Appointment]:
    """One person's appointments: the holder's own (no member), or one family member's."""
    return Appointment.objects.filter(patient=person.account, family_member=person.member)


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


MY_APPOINTMENT_TABS = ("upcoming", "completed", "cancelled")


def appointments_mine(actor) -> QuerySet[Appointment]:
    """A patient's own or a doctor's appointments, newest first (`appointments_in_tab` may re-order)."""
    if actor.role not in (Role.PATIENT, Role.DOCTOR):
        return Appointment.objects.none()
    return appointments_visible_to(actor).order_by("-starts_at", "-id")


def appointments_in_tab(queryset: QuerySet[Appointment], *, tab: str) -> QuerySet[Appointment]:
    """One tab of the app's list: upcoming soonest first, completed and cancelled newest first."""
    if tab == "upcoming":
        return queryset.filter(status__in=UPCOMING_STATUSES, ends_at__gte=timezone.now()).order_by("starts_at", "id")
    if tab == "completed":
        return queryset.filter(status=AppointmentStatus.COMPLETED)
    if tab == "cancelled":
        return queryset.filter(status__in=CALLED_OFF_STATUSES)
    return queryset


def appointments_pending_queue(actor) -> QuerySet[Appointment]:
    """The front desk's queue: pending bookings, soonest first."""
    return appointments_visible_to(actor).filter(status=AppointmentStatus.PENDING).order_by("starts_at", "id")


def appointments_staff_list(actor) -> QuerySet[Appointment]:
    """Every appointment `actor` may see (all, for staff), newest first."""
    return appointments_visible_to(actor).order_by("-starts_at", "-id")


def appointments_matching(queryset: QuerySet[Appointment], *, search: str) -> QuerySet[Appointment]:
    """Appointments whose patient's name or mobile number contains `search`."""
    return queryset.filter(Q(patient__name__icontains=search) | Q(patient__mobile_number__contains=search))


def appointment_stats_for(actor) -> dict[str, int]:
    """Counts by status plus `total`, over what `actor` may see; keys snake_case (`no_show`), camelCased on output."""
    queryset = Appointment.objects.filter(appointment_scope(actor))
    counts = {status.replace("-", "_"): 0 for status in AppointmentStatus.values}
    for row in queryset.order_by().values("status").annotate(count=Count("id")):
        counts[row["status"].replace("-", "_")] = row["count"]
    return {"total": sum(counts.values()), **counts}
