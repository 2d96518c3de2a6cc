"""The four roles of SPEC.md §2. `accounts` stores them; permissions check them."""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    DOCTOR = "doctor", "Doctor"
    RECEPTIONIST = "receptionist", "Receptionist"
    PATIENT = "patient", "Patient"


STAFF_ROLES = frozenset({Role.ADMIN, Role.RECEPTIONIST})
