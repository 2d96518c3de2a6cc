"""The front desk books only for live patient accounts: not staff, not deactivated, not deleted."""

import pytest
from django.utils import timezone

from accounts.models import User
from accounts.selectors.people import patient_bookable_get, patients_bookable
from appointments.tests.factories import UserFactory
from arthomed.core.roles import Role

pytestmark = pytest.mark.django_db


def test_only_live_patients_can_be_booked_for():
    live = UserFactory(name="Live Patient")
    closed = UserFactory(name="Closed Patient")
    deleted = UserFactory(name="Deleted Patient")
    User.objects.filter(pk=closed.pk).update(is_active=False)
    User.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    doctor = UserFactory(name="Some Doctor", role=Role.DOCTOR)
    assert list(patients_bookable()) == [live]
    assert patient_bookable_get(str(live.pk)) == live
    for other in (closed, deleted, doctor):
        assert patient_bookable_get(str(other.pk)) is None
    assert patient_bookable_get("not-a-uuid") is None
