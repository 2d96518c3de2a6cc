"""A person's clinical record (SPEC.md §11): who they are, their visits, their files.

The person is the account holder (their visits are the account's appointments without a family
member) or one family member (their visits are theirs alone): a member's record never shows the
holder's visits, nor the other way round.
"""

from django.db.models import Q, QuerySet

from accounts.models import FamilyMember, User
from accounts.persons import person_summary
from accounts.selectors.people import parse_uuid
from appointments.models import Appointment, AppointmentStatus
from arthomed.core.errors import NotFound
from arthomed.core.roles import Role
from files.models import StoredFile

# Visits that did not happen and were never the doctor's: not part of anyone's record.
CALLED_OFF = (AppointmentStatus.CANCELLED, AppointmentStatus.REJECTED)


def _person_find(person_id: object) -> User | FamilyMember | None:
    pk = parse_uuid(person_id)
    if pk is None:
        return None
    member = FamilyMember.objects.select_related("account").filter(pk=pk).first()
    if member is not None:
        return member
    return User.objects.filter(pk=pk, role=Role.PATIENT, deleted_at__isnull=True).first()


def _person_visits_q(person: User | FamilyMember) -> Q:
    if isinstance(person, FamilyMember):
        return Q(family_member=person)
    return Q(patient=person, family_member__isnull=True)


def _may_read(actor, person: User | FamilyMember) -> bool:
    if actor.role == Role.ADMIN:
        return True
    if actor.role == Role.PATIENT:
        holder_id = person.account_id if isinstance(person, FamilyMember) else person.pk
        return holder_id == actor.pk
    if actor.role == Role.DOCTOR:
        seen = Appointment.objects.filter(_person_visits_q(person), doctor=actor).exclude(status__in=CALLED_OFF)
        return seen.exists()
    return False


def person_record_get_for(actor, person_id: object) -> User | FamilyMember:
    """The person whose record `actor` may read, or NOT_FOUND (also for someone they may not read)."""
    person = _person_find(person_id)
    if person is None or not _may_read(actor, person):
        raise NotFound()
    return person


def person_visits(person: User | FamilyMember) -> QuerySet[Appointment]:
    """Every visit of the person that was not called off, newest first, whichever doctor saw them."""
    return (
        Appointment.objects.filter(_person_visits_q(person))
        .exclude(status__in=CALLED_OFF)
        .select_related("doctor")
        .order_by("-starts_at", "-id")
    )


def person_record(person: User | FamilyMember) -> dict:
    """`{person, visits, files}` in a fixed number of queries however long the history."""
    visits = list(person_visits(person))
    files = StoredFile.objects.filter(appointment__in=[visit.pk for visit in visits]).order_by("-created_at")
    return {"person": person_summary(person), "visits": visits, "files": list(files)}
