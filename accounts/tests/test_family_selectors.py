"""The shared "person" notion (accounts/selectors/family.py): whom an appointment or an id names."""

import pytest

from accounts.selectors.family import appointment_person, person_get
from accounts.services.family import family_member_remove
from appointments.tests.factories import AppointmentFactory, FamilyMemberFactory
from arthomed.core.errors import NotFound
from arthomed.core.roles import Role

pytestmark = pytest.mark.django_db


def test_person_get_names_the_holder_or_a_member_even_removed(patient, doctor):
    member = FamilyMemberFactory(account=patient, name="Anya Patient")
    assert (person_get(patient.pk).member, person_get(patient.pk).relation) == (None, "self")
    family_member_remove(member=member, actor=patient)
    found = person_get(str(member.pk))
    assert (found.account, found.member, found.name) == (patient, member, "Anya Patient")
    for missing in (doctor.pk, "not-a-uuid", None):
        with pytest.raises(NotFound):
            person_get(missing)


def test_appointment_person(patient):
    member = FamilyMemberFactory(account=patient, relation="parent")
    assert appointment_person(AppointmentFactory(patient=patient)).id == str(patient.pk)
    theirs = appointment_person(AppointmentFactory(patient=patient, family_member=member))
    assert (theirs.id, theirs.relation, theirs.account.role) == (str(member.pk), "parent", Role.PATIENT)
