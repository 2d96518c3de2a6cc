"""`/api/users/family-members` (SPEC.md §11): the holder's CRUD, the limit, validation, removal."""

import datetime as dt

import pytest
import time_machine

from accounts.models import FamilyMember
from accounts.services.family import family_member_remove
from appointments.models import AppointmentStatus
from appointments.tests.factories import AppointmentFactory, FamilyMemberFactory, clinic_dt
from arthomed import sms
from arthomed.core.roles import Role

URL = "/api/users/family-members"
TODAY = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(clinic_dt(TODAY, 10), tick=False):
        yield


@pytest.mark.django_db
class TestFamilyCrud:
    def test_create_list_update_delete(self, as_user, patient):
        client = as_user(patient)
        body = {
            "name": "Anya  Patient",
            "relation": "child",
            "dateOfBirth": "2018-03-02",
            "gender": "female",
            "bloodGroup": "B+",
            "allergies": ["Peanuts"],
            "medicalHistory": [{"condition": "Asthma", "diagnosedDate": "2020-01-01"}],
        }
        created = client.post(URL, body, format="json")
        assert created.status_code == 201, created.json()
        member = created.json()["data"]["familyMember"]
        assert member["relation"] == "child" and member["dateOfBirth"] == "2018-03-02"
        assert member["age"] == 7  # one day before the eighth birthday
        assert member["allergies"] == ["Peanuts"] and member["bloodGroup"] == "B+"
        assert member["medicalHistory"][0]["condition"] == "Asthma"

        listed = client.get(URL).json()["data"]
        assert [m["_id"] for m in listed["items"]] == [member["_id"]]
        assert listed["pagination"]["total"] == 1

        updated = client.put(f"{URL}/{member['_id']}", {"age": 40, "relation": "spouse"}, format="json")
        assert updated.status_code == 200
        changed = updated.json()["data"]["familyMember"]
        assert changed["age"] == 40 and changed["relation"] == "spouse" and changed["allergies"] == ["Peanuts"]
        assert FamilyMember.objects.get(pk=member["_id"]).date_of_birth_estimated is True

        removed = client.delete(f"{URL}/{member['_id']}")
        assert removed.status_code == 200
        assert client.get(URL).json()["data"]["items"] == []
        assert FamilyMember.objects.get(pk=member["_id"]).removed_at is not None  # the row (and record) stays
        assert client.delete(f"{URL}/{member['_id']}").status_code == 404

    def test_age_gives_an_estimated_date_of_birth(self, as_user, patient):
        member = as_user(patient).post(URL, {"name": "Old Dad", "relation": "parent", "age": 70}, format="json")
        data = member.json()["data"]["familyMember"]
        assert data["age"] == 70
        assert FamilyMember.objects.get(pk=data["_id"]).date_of_birth_estimated is True

    @pytest.mark.parametrize(
        "body, field",
        [
            ({"relation": "child"}, "name"),
            ({"name": "A", "relation": "child"}, "name"),
            ({"name": "Anya", "relation": "cousin"}, "relation"),
            ({"name": "Anya", "relation": "child", "age": 121}, "age"),
            ({"name": "Anya", "relation": "child", "age": -1}, "age"),
            ({"name": "Anya", "relation": "child", "dateOfBirth": "2027-01-01"}, "dateOfBirth"),
            ({"name": "Anya", "relation": "child", "dateOfBirth": "2010-01-01", "age": 3}, "age"),
            ({"name": "Anya", "relation": "child", "bloodGroup": "Z"}, "bloodGroup"),
        ],
    )
    def test_validation(self, as_user, patient, body, field):
        response = as_user(patient).post(URL, body, format="json")
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "VALIDATION_ERROR"
        assert field in str(response.json())

    def test_limit(self, as_user, patient, settings):
        settings.FAMILY_MAX_MEMBERS = 2
        FamilyMemberFactory.create_batch(2, account=patient)
        response = as_user(patient).post(URL, {"name": "Third Child", "relation": "child"}, format="json")
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "FAMILY_LIMIT_REACHED"
        # A removed member frees a place.
        family_member_remove(member=FamilyMember.objects.filter(account=patient).first(), actor=patient)
        assert (
            as_user(patient).post(URL, {"name": "Third Child", "relation": "child"}, format="json").status_code == 201
        )

    def test_another_accounts_member_is_not_found(self, as_user, patient, make_user):
        other = FamilyMemberFactory(account=make_user(Role.PATIENT))
        client = as_user(patient)
        assert client.put(f"{URL}/{other.pk}", {"name": "Taken Over"}, format="json").status_code == 404
        assert client.delete(f"{URL}/{other.pk}").json()["error"]["code"] == "NOT_FOUND"
        assert client.delete(f"{URL}/not-a-uuid").status_code == 404
        assert client.get(URL).json()["data"]["items"] == []

    @pytest.mark.parametrize("role", [Role.DOCTOR, Role.RECEPTIONIST, Role.ADMIN])
    def test_other_roles_are_refused(self, as_user, make_user, role):
        response = as_user(make_user(role)).get(URL)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "PERMISSION_DENIED"


@pytest.mark.django_db
class TestRemoval:
    def test_removal_cancels_future_bookings_and_keeps_past_ones(
        self, as_user, patient, django_capture_on_commit_callbacks
    ):
        member = FamilyMemberFactory(account=patient, name="Anya Patient")
        future = AppointmentFactory(patient=patient, family_member=member, starts_at=clinic_dt(TODAY, 11, 30))
        confirmed = AppointmentFactory(
            patient=patient,
            family_member=member,
            status=AppointmentStatus.CONFIRMED,
            starts_at=clinic_dt(TODAY + dt.timedelta(days=3), 9),
        )
        past = AppointmentFactory(
            patient=patient,
            family_member=member,
            status=AppointmentStatus.COMPLETED,
            starts_at=clinic_dt(TODAY - dt.timedelta(days=3), 9),
        )
        holders_own = AppointmentFactory(patient=patient, starts_at=clinic_dt(TODAY + dt.timedelta(days=4), 9))
        with django_capture_on_commit_callbacks(execute=True):
            response = as_user(patient).delete(f"/api/users/family-members/{member.pk}")
        assert response.status_code == 200
        for appointment in (future, confirmed, past, holders_own):
            appointment.refresh_from_db()
        # Within the late-notice window too: a removed person is never left booked.
        assert future.status == AppointmentStatus.CANCELLED and future.cancelled_by == patient
        assert confirmed.status == AppointmentStatus.CANCELLED
        assert past.status == AppointmentStatus.COMPLETED
        assert holders_own.status == AppointmentStatus.PENDING
        # The holder is told, on their own number.
        assert {m.to for m in sms.outbox} == {f"+91{patient.mobile_number}"}
        assert len(sms.outbox) == 2
