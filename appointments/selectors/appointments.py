"""Reads of appointments, scoped to the acting user. Someone else's appointment is "not found"."""

from django.db.models import Prefetch, QuerySet

from accounts.selectors.people import parse_uuid
from appointments.models import Appointment, AppointmentStatusChange
from arthomed.api.errors import AppointmentNotFound
from arthomed.api.roles import Role


def appointments_with_details() -> QuerySet[Appointment]:
    """Appointments with everything AppointmentOutputSerializer shows, in a fixed number of queries."""
    return Appointment.objects.select_related("patient", "doctor", "doctor__doctor_profile").prefetch_related(
        Prefetch("status_history", queryset=AppointmentStatusChange.objects.order_by("changed_at", "id")),
        "files",
    )


def appointments_visible_to(actor) -> QuerySet[Appointment]:
    """Staff see every appointment; a doctor those booked with them; a patient their own."""
    queryset = appointments_with_details()
    if actor.role in (Role.ADMIN, Role.RECEPTIONIST):
        return queryset
    if actor.role == Role.DOCTOR:
        return queryset.filter(doctor=actor)
    if actor.role == Role.PATIENT:
        return queryset.filter(patient=actor)
    return queryset.none()


def appointment_get_for(actor, appointment_id: object) -> Appointment:
    """One appointment as `actor` may see it, or APPOINTMENT_NOT_FOUND (also for others' and malformed ids)."""
    pk = parse_uuid(appointment_id)
    appointment = appointments_visible_to(actor).filter(pk=pk).first() if pk else None
    if appointment is None:
        raise AppointmentNotFound()
    return appointment
