"""Reads about people. Unknown or malformed ids are "not found", never a 500."""

import uuid

from django.db.models import Prefetch, QuerySet

from accounts.models import ScheduleBlock, User
from arthomed.api.errors import DoctorNotFound, UserNotFound
from arthomed.api.roles import Role


def parse_uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def users_with_details() -> QuerySet[User]:
    """Users with everything the user JSON shows, in a fixed number of queries."""
    return User.objects.select_related("doctor_profile", "avatar").prefetch_related(
        Prefetch("schedule_blocks", queryset=ScheduleBlock.objects.order_by("day", "start_time"))
    )


def active_doctors() -> QuerySet[User]:
    return users_with_details().filter(role=Role.DOCTOR, is_active=True, doctor_profile__isnull=False)


def doctor_get(doctor_id: object, *, active_only: bool = True) -> User:
    """One doctor (with profile and schedule), or DOCTOR_NOT_FOUND."""
    pk = parse_uuid(doctor_id)
    queryset = active_doctors() if active_only else users_with_details().filter(role=Role.DOCTOR)
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
