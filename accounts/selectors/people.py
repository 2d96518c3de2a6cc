"""Reads about people. Unknown or malformed ids are "not found", never a 500."""

import uuid
from functools import cache

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from accounts.models import DoctorProfile, ScheduleBlock, User
from arthomed.core.errors import DoctorNotFound, UserNotFound
from arthomed.core.roles import Role
from arthomed.core.rows import converted_rows, instance_from_row


def parse_uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _schedule_in_order() -> Prefetch:
    return Prefetch("schedule_blocks", queryset=ScheduleBlock.objects.order_by("day", "start_time"))


def users_with_details() -> QuerySet[User]:
    """Users with everything the user JSON shows, in a fixed number of queries.

    The avatar shows as its id (`avatarUrl`), so its file row is not joined.
    """
    return User.objects.select_related("doctor_profile").prefetch_related(_schedule_in_order())


def user_with_details(user: User) -> User:
    """An already-read user (the signed-in one), completed for the user JSON without reading it again.

    Only a doctor's JSON shows more than the row itself (profile and schedule); the avatar
    shows as its id.
    """
    if user.role == Role.DOCTOR:
        prefetch_related_objects([user], "doctor_profile", _schedule_in_order())
    return user


def active_doctors() -> QuerySet[User]:
    return users_with_details().filter(role=Role.DOCTOR, is_active=True, doctor_profile__isnull=False)


@cache
def _active_doctor_sql(vendor: str) -> str:
    """An active doctor's user row and profile row, by id: `active_doctors()` for one id, written once."""
    quote = connection.ops.quote_name
    user, profile = User._meta, DoctorProfile._meta
    columns = [f"u.{quote(field.column)}" for field in user.concrete_fields]
    columns += [f"p.{quote(field.column)}" for field in profile.concrete_fields]
    # Identifiers come from the models' metadata; every value is a bound parameter.
    return (
        f"SELECT {', '.join(columns)} FROM {quote(user.db_table)} u "  # noqa: S608
        f"JOIN {quote(profile.db_table)} p ON p.{quote(profile.pk.column)} = u.{quote(user.pk.column)} "
        f"WHERE u.{quote(user.pk.column)} = %s AND u.{quote(user.get_field('role').column)} = %s "
        f"AND u.{quote(user.get_field('is_active').column)} = %s"
    )


def _active_doctor_read(pk: uuid.UUID) -> User | None:
    """The active doctor with that id and their profile (joined as `select_related` would), or None."""
    params = [
        User._meta.pk.get_db_prep_value(pk, connection),
        Role.DOCTOR.value,
        User._meta.get_field("is_active").get_db_prep_value(True, connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_active_doctor_sql(connection.vendor), params)
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(User._meta.concrete_fields)
    user, profile = instance_from_row(User, row[:split]), instance_from_row(DoctorProfile, row[split:])
    link = DoctorProfile._meta.get_field("user")
    link.set_cached_value(profile, user)
    link.remote_field.set_cached_value(user, profile)
    return user


def doctor_get(doctor_id: object, *, active_only: bool = True, with_schedule: bool = True) -> User:
    """One doctor (with profile and, unless `with_schedule=False`, schedule), or DOCTOR_NOT_FOUND.

    `with_schedule=False` is for readers that fetch the schedule themselves (a day's slots): the
    active doctor and profile in one statement written once, not a queryset compiled per request.
    """
    pk = parse_uuid(doctor_id)
    if active_only and not with_schedule:
        doctor = _active_doctor_read(pk) if pk else None
        if doctor is None:
            raise DoctorNotFound()
        return doctor
    queryset = active_doctors() if active_only else users_with_details().filter(role=Role.DOCTOR)
    if not with_schedule:
        queryset = queryset.prefetch_related(None)
    doctor = queryset.filter(pk=pk).first() if pk else None
    if doctor is None:
        raise DoctorNotFound()
    return doctor


def user_get(user_id: object) -> User:
    """Any user by id, or USER_NOT_FOUND (callers check the actor may see it)."""
    pk = parse_uuid(user_id)
    user = users_with_details().filter(pk=pk).first() if pk else None
    if user is None:
        raise UserNotFound()
    return user


def doctor_directory() -> QuerySet[User]:
    """The public directory: active doctors (with profile), by name. Schedules: `doctor_schedules` for a page."""
    return active_doctors().prefetch_related(None).order_by("name", "id")


@cache
def _schedule_fields() -> tuple:
    block = ScheduleBlock._meta
    return tuple(block.get_field(name) for name in ("doctor", "day", "start_time", "end_time", "is_available"))


@cache
def _schedules_sql(vendor: str, count: int) -> str:
    """Schedule blocks of `count` doctors (ids bound as parameters), written once per page size."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in _schedule_fields())
    marks = ", ".join(["%s"] * count)
    # Identifiers come from the models' metadata; the ids are bound parameters.
    return (
        f"SELECT {columns} FROM {quote(ScheduleBlock._meta.db_table)} "  # noqa: S608
        f"WHERE {quote(_schedule_fields()[0].column)} IN ({marks})"
    )


def doctor_schedules(doctor_ids: list) -> dict:
    """Schedule blocks of some doctors as `{doctor id: [(day, start_time, end_time, is_available), ...]}`.

    One statement for a page of doctors, rows as tuples: the directory shows four values of each block.
    """
    schedules: dict = {pk: [] for pk in doctor_ids}
    if not doctor_ids:
        return schedules
    ids = [User._meta.pk.get_db_prep_value(pk, connection) for pk in doctor_ids]
    with connection.cursor() as cursor:
        cursor.execute(_schedules_sql(connection.vendor, len(ids)), ids)
        rows = cursor.fetchall()
    for doctor_id, *block in converted_rows(rows, _schedule_fields()):
        schedules[doctor_id].append(tuple(block))
    return schedules


def doctors_matching(queryset: QuerySet[User], *, search: str) -> QuerySet[User]:
    """Doctors whose name or specialization contains `search`."""
    return queryset.filter(Q(name__icontains=search) | Q(doctor_profile__specialization__icontains=search))


def users_listed() -> QuerySet[User]:
    """Admin user list, newest first. Deleted (anonymised) accounts are not people to manage."""
    return users_with_details().filter(deleted_at__isnull=True).order_by("-created_at", "-id")


def users_matching(queryset: QuerySet[User], *, search: str) -> QuerySet[User]:
    """Users whose name contains `search`, or whose mobile number contains its digits."""
    digits = "".join(ch for ch in search if ch.isdigit())
    match = Q(name__icontains=search)
    if digits:
        match |= Q(mobile_number__contains=digits)
    return queryset.filter(match)


def doctor_get_for_schedule_edit(*, actor: User, doctor_id: object) -> User:
    """The doctor whose schedule `actor` may edit: staff any doctor, a doctor only themselves.

    Another doctor's record answers DOCTOR_NOT_FOUND, as a missing one would.
    """
    doctor = doctor_get(doctor_id, active_only=False)
    if actor.role == Role.DOCTOR and doctor.pk != actor.pk:
        raise DoctorNotFound()
    return doctor


def patients_bookable() -> QuerySet[User]:
    """Patient accounts the front desk may book for: active, not deleted."""
    return User.objects.filter(role=Role.PATIENT, is_active=True, deleted_at__isnull=True)


def patient_bookable_get(patient_id: object) -> User | None:
    """One bookable patient by id (None for a malformed, unknown or closed account)."""
    pk = parse_uuid(patient_id)
    return patients_bookable().filter(pk=pk).first() if pk is not None else None
