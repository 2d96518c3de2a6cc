"""Writes and rules about people. Plain functions, keyword-only arguments."""

from django.db import IntegrityError, transaction

from accounts.models import DoctorProfile, User
from accounts.phone import normalize_mobile
from arthomed.api.errors import AlreadyExists
from arthomed.api.roles import Role


@transaction.atomic
def user_create(
    *,
    mobile_number: str,
    name: str = "",
    role: str = Role.PATIENT,
    email: str | None = None,
    is_verified: bool = False,
    doctor_info: dict | None = None,
) -> User:
    """Create a user of any role; doctors get their DoctorProfile in the same transaction."""
    mobile_number = normalize_mobile(mobile_number)
    email = email.strip().lower() if email else None
    if User.objects.filter(mobile_number=mobile_number).exists():
        raise AlreadyExists("A user with this mobile number already exists")
    if email and User.objects.filter(email=email).exists():
        raise AlreadyExists("A user with this email already exists")
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                mobile_number, name=name.strip(), role=role, email=email, is_verified=is_verified
            )
    except IntegrityError as exc:  # a concurrent sign-up won the race
        raise AlreadyExists("A user with this mobile number or email already exists") from exc
    if role == Role.DOCTOR:
        DoctorProfile.objects.create(user=user, **(doctor_info or {"specialization": "General Orthopaedics"}))
    return user
