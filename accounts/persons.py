"""The person an appointment is for (SPEC.md §11): the account holder, or one of their family members."""

from accounts.models import FamilyMember, User
from accounts.selectors.family import age_on


def person_of_appointment(appointment) -> User | FamilyMember:
    """The person seen: the family member when the booking names one, else the account holder."""
    return appointment.family_member or appointment.patient


def person_summary(person: User | FamilyMember) -> dict:
    """Who the person is, as the doctor needs them: a member's own facts, never the holder's."""
    is_member = isinstance(person, FamilyMember)
    return {
        "id": person.pk,
        "name": person.name,
        "age": age_on(person.date_of_birth),
        "gender": person.gender,
        "blood_group": person.blood_group,
        "allergies": person.allergies,
        "medical_history": person.medical_history,
        "relation": person.relation if is_member else "self",
    }
