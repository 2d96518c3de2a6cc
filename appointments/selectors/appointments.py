"""Reads of appointments, scoped to the acting user. Someone else's appointment is "not found"."""

from functools import cache

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.selectors.family import Person
from accounts.selectors.people import parse_uuid
from appointments.models import Appointment, AppointmentStatus, AppointmentStatusChange
from arthomed.core.errors import AppointmentNotFound
from arthomed.core.roles import Role
from arthomed.core.rows import converted_rows
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


_HISTORY, _FILE = 0, 1


@cache
def _history_fields() -> tuple:
    change = AppointmentStatusChange._meta
    names = ("appointment", "from_status", "to_status", "changed_by", "changed_at", "note")
    return tuple(change.get_field(name) for name in names)


@cache
def _file_fields() -> tuple:
    stored = StoredFile._meta
    names = ("appointment", "file", "original_name", "id", "created_at", "mime_type", "size")
    return tuple(stored.get_field(name) for name in names)


@cache
def _history_and_files_sql(vendor: str, count: int) -> str:
    """Both reads of `appointment_history_and_files` in one statement, for `count` appointment ids.

    Columns: kind, appointment, then (from_status | file), (to_status | original_name),
    (changed_by | file id), (changed_at | created_at), (note | mime_type), file size, change id.
    """
    quote = connection.ops.quote_name
    change, stored = AppointmentStatusChange._meta, StoredFile._meta
    h = [f"h.{quote(field.column)}" for field in _history_fields()]
    f = [f"f.{quote(field.column)}" for field in _file_fields()]
    size_type, id_type = stored.get_field("size").db_type(connection), change.pk.db_type(connection)
    marks = ", ".join(["%s"] * count)
    # Identifiers come from the models' metadata; every value is a bound parameter.
    return (
        f"SELECT {_HISTORY}, {', '.join(h)}, CAST(NULL AS {size_type}), h.{quote(change.pk.column)} "  # noqa: S608
        f"FROM {quote(change.db_table)} h WHERE {h[0]} IN ({marks}) "
        f"UNION ALL SELECT {_FILE}, {', '.join(f)}, CAST(NULL AS {id_type}) "
        f"FROM {quote(stored.db_table)} f WHERE {f[0]} IN ({marks}) "
        "ORDER BY 1, 6, 9, 5"
    )


def appointment_history_and_files(appointment_ids: list) -> tuple[dict, dict]:
    """Status histories and attached files of some appointments, as rows for `appointment_output`:
    `({id: [(from_status, to_status, changed_by_id, changed_at, note), ...]}, {id: [(file id, file name,
    original_name, size, mime_type), ...]})`, oldest first (histories by time then id, files by upload
    time then id). One statement for a page, whatever its size, written once per page size."""
    history: dict = {pk: [] for pk in appointment_ids}
    files: dict = {pk: [] for pk in appointment_ids}
    if not appointment_ids:
        return history, files
    ids = [Appointment._meta.pk.get_db_prep_value(pk, connection) for pk in appointment_ids]
    with connection.cursor() as cursor:
        cursor.execute(_history_and_files_sql(connection.vendor, len(ids)), ids + ids)
        rows = cursor.fetchall()
    changes = converted_rows((values[:6] for kind, *values in rows if kind == _HISTORY), _history_fields())
    for pk, from_status, to_status, changed_by, changed_at, note in changes:
        history[pk].append((from_status, to_status, changed_by, changed_at, note))
    stored = converted_rows((values[:7] for kind, *values in rows if kind == _FILE), _file_fields())
    for pk, name, original_name, file_id, _, mime_type, size in stored:
        files[pk].append((file_id, name, original_name, size, mime_type))
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
