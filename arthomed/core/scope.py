"""Who may see an appointment (SPEC.md §2): the one rule, used by selectors, services, files and statistics.

Staff (admins, receptionists) see every appointment; a doctor those booked with them; a
patient those their account owns. Anyone else sees none. What a role may *do* with what it
sees is decided elsewhere; this answers only "is it in this actor's world".
"""

from django.db.models import Q

from arthomed.core.roles import STAFF_ROLES, Role

# A filter that matches no row: `Q(pk__in=[])` is answered without touching the table.
NOTHING = Q(pk__in=[])


def appointment_scope(actor, *, via: str = "") -> Q:
    """Filter for the appointments `actor` may see; `via` reaches them from another model (e.g. "appointment__")."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return NOTHING
    if actor.role in STAFF_ROLES:
        return Q()
    if actor.role == Role.DOCTOR:
        return Q(**{f"{via}doctor": actor})
    if actor.role == Role.PATIENT:
        return Q(**{f"{via}patient": actor})
    return NOTHING


def appointment_in_scope(actor, appointment) -> bool:
    """The same rule for one appointment already in hand (no query)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.role in STAFF_ROLES:
        return True
    if actor.role == Role.DOCTOR:
        return appointment.doctor_id == actor.pk
    if actor.role == Role.PATIENT:
        return appointment.patient_id == actor.pk
    return False
