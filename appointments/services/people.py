"""Whom a booking is for (SPEC.md §11): a visit is never filed under the wrong person.

`booking_person_resolve` is the one answer for the API's booking and the admin's Book and
Walk-in flows: patients book for themselves or a member of their own account; staff name
the person by id, by number + name, or add a new member on the way.
"""

from accounts.models import User
from accounts.phone import normalize_mobile
from accounts.selectors.family import Person, account_people, family_member_get
from accounts.selectors.people import user_get
from accounts.services.family import family_member_create
from accounts.services.users import user_create
from arthomed.core.errors import PatientAmbiguous, PermissionDenied, ValidationFailed
from arthomed.core.names import name_key
from arthomed.core.roles import Role

STAFF = (Role.ADMIN, Role.RECEPTIONIST)


def _field_error(field: str, message: str, value=None) -> ValidationFailed:
    error = {"field": field, "message": message}
    if value is not None:
        error["value"] = value
    return ValidationFailed(errors=[error])


def _candidates(people: list[Person]) -> list[dict]:
    return [{"_id": person.id, "name": person.name, "relation": person.relation} for person in people]


def _person_on(account: User, *, family_member_id, new_family_member: dict | None) -> Person:
    """The holder, a named live member (else 404 NOT_FOUND), or a member added now."""
    if family_member_id:
        return Person(account=account, member=family_member_get(account=account, member_id=family_member_id))
    if new_family_member:
        return Person(account=account, member=family_member_create(account=account, data=new_family_member))
    return Person(account=account, member=None)


def _person_named(account: User, *, name: str | None) -> Person:
    """The one person of the account with this name (case and spacing ignored), else 409 PATIENT_AMBIGUOUS."""
    people = account_people(account=account)
    matches = [person for person in people if name and name_key(person.name) == name_key(name)]
    if len(matches) == 1:
        return matches[0]
    raise PatientAmbiguous(details={"candidates": _candidates(people)})


def _account_by_id(patient_id) -> User:
    patient = user_get(patient_id)
    if patient.role != Role.PATIENT or not patient.is_active:
        raise _field_error("patientId", "Not an active patient", str(patient_id))
    return patient


def _account_by_mobile(mobile: str) -> User | None:
    existing = User.objects.filter(mobile_number=mobile).first()
    if existing is not None and (existing.role != Role.PATIENT or not existing.is_active):
        raise _field_error("patientMobileNumber", "This number belongs to an account that cannot book", mobile)
    return existing


def booking_person_resolve(
    *,
    actor: User,
    patient_id=None,
    patient_mobile_number: str | None = None,
    patient_name: str | None = None,
    family_member_id=None,
    new_family_member: dict | None = None,
) -> Person:
    """The person a booking is for; may create a walk-in's account or a new family member (same transaction).

    Staff by number + name: a number with an account books its holder or the live member of that
    name; no match (or no name) is 409 PATIENT_AMBIGUOUS listing the account's people, and staff
    retry with `patientId` + `familyMemberId`, or with `newFamilyMember`.
    """
    if actor.role == Role.PATIENT:
        if new_family_member:
            raise _field_error("newFamilyMember", "Add family members under /api/users/family-members")
        return _person_on(actor, family_member_id=family_member_id, new_family_member=None)
    if actor.role not in STAFF:
        raise PermissionDenied(details={"action": "book"})
    if patient_id:
        return _person_on(
            _account_by_id(patient_id), family_member_id=family_member_id, new_family_member=new_family_member
        )
    if not patient_mobile_number:
        raise _field_error("patientId", "patientId, or patientMobileNumber and patientName for a walk-in, is required")
    mobile = normalize_mobile(patient_mobile_number)
    account = _account_by_mobile(mobile)
    if account is not None:
        if family_member_id or new_family_member:
            return _person_on(account, family_member_id=family_member_id, new_family_member=new_family_member)
        return _person_named(account, name=patient_name)
    if not patient_name or not patient_name.strip():
        raise _field_error("patientName", "Name is required to register a walk-in patient")
    account = user_create(mobile_number=mobile, name=patient_name, role=Role.PATIENT)
    return _person_on(account, family_member_id=None, new_family_member=new_family_member)
