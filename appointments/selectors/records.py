"""A person's clinical record (SPEC.md §11): who they are, their visits, their files.

The person is the account holder (their visits are the account's appointments without a family
member) or one family member (their visits are theirs alone): a member's record never shows the
holder's visits, nor the other way round.
"""

from django.db.models import QuerySet

from accounts.selectors.family import Person, person_get, person_summary
from appointments.models import Appointment, AppointmentStatus
from appointments.selectors.appointments import person_appointments
from arthomed.core.errors import NotFound
from arthomed.core.roles import Role
from files.models import StoredFile

# Visits that did not happen and were never the doctor's: not part of anyone's record.
CALLED_OFF = (AppointmentStatus.CANCELLED, AppointmentStatus.REJECTED)


def _may_read(actor, person: Person) -> bool:
    if actor.role == Role.ADMIN:
        return True
    if actor.role == Role.PATIENT:
        return person.account.pk == actor.pk
    if actor.role == Role.DOCTOR:
        return person_appointments(person).filter(doctor=actor).exclude(status__in=CALLED_OFF).exists()
    return False


def person_record_get_for(actor, person_id: object) -> Person:
    """The person whose record `actor` may read, or NOT_FOUND exactly as for an unknown id."""
    person = person_get(person_id)
    if not _may_read(actor, person):
        raise NotFound(details={"resource": "person"})
    return person


def person_visits(person: Person) -> QuerySet[Appointment]:
    """Every visit of the person that was not called off, newest first, whichever doctor saw them."""
    return (
        person_appointments(person)
        .exclude(status__in=CALLED_OFF)
        .select_related("doctor")
        .order_by("-starts_at", "-id")
    )


def person_record(person: Person) -> dict:
    """`{person, visits, files}` in a fixed number of queries however long the history."""
    visits = list(person_visits(person))
    files = StoredFile.objects.filter(appointment__in=[visit.pk for visit in visits]).order_by("-created_at")
    return {"person": person_summary(person), "visits": visits, "files": list(files)}
