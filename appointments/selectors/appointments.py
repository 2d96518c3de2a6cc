"""Reads of appointments, scoped to the acting user. Someone else's appointment is "not found"."""

from functools import cache

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, FullResultSet
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import DoctorProfile, FamilyMember, User
from accounts.selectors.family import Person
from accounts.selectors.people import parse_uuid
from appointments.models import Appointment, AppointmentStatus, AppointmentStatusChange
from arthomed.core.errors import AppointmentNotFound
from arthomed.core.roles import Role
from arthomed.core.rows import converted_rows, model_fields
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


# --- A page of a list, read with its participants --------------------------------------
# Compiling a page query with `select_related` over four tables (127 columns) cost most of a
# list request. The select list and the joins never change, so they are written once from the
# models' metadata; the ORM still compiles the WHERE (the scope rule and the list's filters)
# and nothing else. Lists whose query does not have that simple shape are read by the ORM.


@cache
def _page_models() -> tuple:
    """(model, its concrete fields) in the page statement's column order."""
    return tuple((model, model_fields(model)) for model in (Appointment, User, FamilyMember, User, DoctorProfile))


@cache
def _page_select(vendor: str) -> str:
    """SELECT and FROM of a page: the appointment (under its table name, as the ORM's WHERE names it),
    its patient, family member, doctor and the doctor's profile."""
    quote = connection.ops.quote_name
    appointment = Appointment._meta
    base = quote(appointment.db_table)
    aliases = (base, "p", "m", "d", "dp")
    columns = [
        f"{alias}.{quote(field.column)}"
        for alias, (_, fields) in zip(aliases, _page_models(), strict=True)
        for field in fields
    ]
    user, member, profile = User._meta, FamilyMember._meta, DoctorProfile._meta

    def column(name: str) -> str:
        return f"{base}.{quote(appointment.get_field(name).column)}"

    # Identifiers come from the models' metadata; every value is a bound parameter.
    return (
        f"SELECT {', '.join(columns)} FROM {base} "  # noqa: S608
        f"INNER JOIN {quote(user.db_table)} p ON p.{quote(user.pk.column)} = {column('patient')} "
        f"LEFT OUTER JOIN {quote(member.db_table)} m ON m.{quote(member.pk.column)} = {column('family_member')} "
        f"INNER JOIN {quote(user.db_table)} d ON d.{quote(user.pk.column)} = {column('doctor')} "
        f"LEFT OUTER JOIN {quote(profile.db_table)} dp ON dp.{quote(profile.pk.column)} = d.{quote(user.pk.column)}"
    )


@cache
def _order_term(vendor: str, name: str) -> str | None:
    """`-starts_at` as `"appointments_appointment"."starts_at" DESC`; None for anything but a plain own column."""
    meta = Appointment._meta
    field_name = name.removeprefix("-")
    if "__" in field_name or "?" in field_name:
        return None
    try:
        field = meta.pk if field_name == "pk" else meta.get_field(field_name)
    except FieldDoesNotExist:
        return None
    if not getattr(field, "concrete", False) or field.is_relation:
        return None
    quote = connection.ops.quote_name
    return f"{quote(meta.db_table)}.{quote(field.column)} {'DESC' if name.startswith('-') else 'ASC'}"


def _plain_list_query(query) -> str | None:
    """The ORDER BY of a list query of the simple shape (filters on the appointment's own columns,
    ordered by own columns, nothing else), or None."""
    simple = (
        query.model is Appointment
        # The filters join nothing (aliases the ORM trimmed stay in alias_map, unreferenced).
        and {alias for alias, refs in query.alias_refcount.items() if refs} == {Appointment._meta.db_table}
        and query.order_by
        and query.standard_ordering
        and not (query.annotations or query.extra or query.distinct or query.combinator or query.extra_order_by)
        and query.low_mark == 0
        and query.high_mark is None
    )
    if not simple:
        return None
    terms = [_order_term(connection.vendor, name) if isinstance(name, str) else None for name in query.order_by]
    return None if None in terms else ", ".join(terms)


@cache
def _page_layout() -> tuple:
    """(every column's field, where each model's columns end, each model's attnames), for `_row_appointment`."""
    fields = tuple(field for _, model_fields_ in _page_models() for field in model_fields_)
    ends, end = [], 0
    for _, model_fields_ in _page_models():
        end += len(model_fields_)
        ends.append(end)
    names = tuple([field.attname for field in model_fields_] for _, model_fields_ in _page_models())
    return fields, tuple(ends), names


def _row_appointment(values: list, alias: str) -> Appointment:
    """An appointment with its participants, linked as `select_related` links them (None for no family
    member, no profile)."""
    _, ends, names = _page_layout()
    parts, start = [], 0
    for (model, _), end, attnames in zip(_page_models(), ends, names, strict=True):
        part = values[start:end]
        parts.append(None if part[0] is None else model.from_db(alias, attnames, part))
        start = end
    appointment, patient, member, doctor, profile = parts
    meta = Appointment._meta
    meta.get_field("patient").set_cached_value(appointment, patient)
    meta.get_field("family_member").set_cached_value(appointment, member)
    meta.get_field("doctor").set_cached_value(appointment, doctor)
    link = DoctorProfile._meta.get_field("user")
    link.remote_field.set_cached_value(doctor, profile)
    if profile is not None:
        link.set_cached_value(profile, doctor)
    return appointment


class AppointmentPages:
    """A filtered, ordered appointment list read a page at a time (`[offset:end]`) with its participants,
    and counted (`count()`), as EnvelopePagination reads a queryset.

    Of the queryset only the WHERE is compiled by the ORM (so the scope rule and the filters stay
    the ORM's); the page statement around it is written once. A query of another shape (joins in
    its filters, computed ordering, ...) is read by the ORM with `select_related`, as before.
    """

    def __init__(self, queryset: QuerySet[Appointment]):
        self.queryset = queryset
        self.order = _plain_list_query(queryset.query)
        self._where = None

    def where(self) -> tuple[str, list] | None:
        """The compiled WHERE (`""` for every row), or None when it matches nothing."""
        if self._where is None:
            compiler = self.queryset.query.get_compiler(using=self.queryset.db)
            try:
                sql, params = compiler.compile(self.queryset.query.where)
                self._where = (f" WHERE {sql}", list(params))
            except EmptyResultSet:
                self._where = False
            except FullResultSet:
                self._where = ("", [])
        return self._where or None

    def __getitem__(self, page: slice) -> list[Appointment]:
        if self.order is None:
            return list(self.queryset.prefetch_related(None)[page])
        where = self.where()
        if where is None:
            return []
        sql = f"{_page_select(connection.vendor)}{where[0]} ORDER BY {self.order} "
        sql += connection.ops.limit_offset_sql(page.start, page.stop)
        with connection.cursor() as cursor:
            cursor.execute(sql, where[1])
            rows = cursor.fetchall()
        alias = connection.alias
        return [_row_appointment(values, alias) for values in converted_rows(rows, _page_layout()[0])]

    def count(self) -> int:
        if self.order is None:
            return self.queryset.count()
        where = self.where()
        if where is None:
            return 0
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(Appointment._meta.db_table)}{where[0]}", where[1])  # noqa: S608
            return cursor.fetchone()[0]


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
