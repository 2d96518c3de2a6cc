"""Family members of an account (SPEC.md §11): add, change, remove.

A removed member keeps their row (their past clinical record stays theirs); their future
pending or confirmed bookings are cancelled through the one cancel service, with its refund
rules and the SMS to the holder.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import FamilyMember, User
from accounts.services.users import medical_history_stored
from arthomed.core.errors import FamilyLimitReached

REMOVAL_REASON = "Family member removed from the account"
EDITABLE = ("name", "relation", "gender", "blood_group", "allergies", "medical_history")


def date_of_birth_from_age(age: int, *, today: date | None = None) -> date:
    """An estimated date of birth for an age in years: the middle of that year of life."""
    today = today or timezone.localdate()
    try:
        born = today.replace(year=today.year - age)
    except ValueError:  # 29 February in a year without one
        born = today.replace(year=today.year - age, day=28)
    return born - timedelta(days=182)


def _apply(member: FamilyMember, data: dict) -> None:
    for field in EDITABLE:
        if field in data:
            value = data[field]
            setattr(member, field, medical_history_stored(value) if field == "medical_history" else value)
    _set_birth(member, data)


def _set_birth(member: FamilyMember, data: dict) -> None:
    if data.get("date_of_birth") is not None:
        member.date_of_birth, member.date_of_birth_estimated = data["date_of_birth"], False
    elif data.get("age") is not None:
        member.date_of_birth, member.date_of_birth_estimated = date_of_birth_from_age(data["age"]), True


@transaction.atomic
def family_member_create(*, account: User, data: dict) -> FamilyMember:
    """Add a member; at most FAMILY_MAX_MEMBERS live ones, counted under the account's row lock."""
    User.objects.select_for_update().filter(pk=account.pk).first()
    live = FamilyMember.objects.filter(account=account, removed_at__isnull=True).count()
    if live >= settings.FAMILY_MAX_MEMBERS:
        raise FamilyLimitReached(details={"limit": settings.FAMILY_MAX_MEMBERS})
    member = FamilyMember(account=account)
    _apply(member, data)
    member.save()
    return member


@transaction.atomic
def family_member_update(*, member: FamilyMember, data: dict) -> FamilyMember:
    """Change the given fields (a partial update); `dateOfBirth` or `age` replaces the birth date."""
    _apply(member, data)
    member.save()
    return member


@transaction.atomic
def family_member_remove(*, member: FamilyMember, actor: User) -> FamilyMember:
    """Soft-delete the member and cancel their future pending/confirmed bookings; past visits stay."""
    # Imported here: the appointments app depends on accounts, not the other way round.
    from appointments.models import Appointment, AppointmentStatus
    from appointments.services.lifecycle.payments import appointment_cancel

    member = FamilyMember.objects.select_for_update().get(pk=member.pk)
    if member.removed_at is not None:
        return member
    member.removed_at = timezone.now()
    member.save(update_fields=["removed_at", "updated_at"])
    upcoming = Appointment.objects.filter(
        family_member=member,
        status__in=(AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED),
        starts_at__gt=member.removed_at,
    )
    for appointment in upcoming:
        # The system acts for the holder: no late-notice refusal can keep a removed person booked.
        appointment_cancel(appointment=appointment, actor=None, cancelled_by=actor, reason=REMOVAL_REASON)
    return member
