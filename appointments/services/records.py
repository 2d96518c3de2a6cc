"""Reads of a person's clinical record are logged when a doctor or an admin makes them (SPEC.md §11)."""

import ipaddress

from accounts.selectors.family import Person
from appointments.models import RecordAccessLog
from arthomed.core.roles import Role

LOGGED_ROLES = (Role.DOCTOR, Role.ADMIN)


def record_access_log(*, actor, person: Person, ip_address: str | None) -> RecordAccessLog | None:
    """One access-log row for a doctor's or admin's read; a patient reading their own family's is not logged."""
    if actor.role not in LOGGED_ROLES:
        return None
    try:
        ip = str(ipaddress.ip_address(ip_address)) if ip_address else None
    except ValueError:
        ip = None
    return RecordAccessLog.objects.create(user=actor, person_id=person.row.pk, person_name=person.name, ip_address=ip)
