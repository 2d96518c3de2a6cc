"""Booking for a person of an account (SPEC.md §11): members, per-person rules, never the wrong person."""

import pytest

from accounts.models import FamilyMember
from accounts.services.family import family_member_remove
from appointments.models import Appointment, AppointmentStatus
from appointments.tests.factories import MONDAY, AppointmentFactory, DoctorFactory, FamilyMemberFactory, clinic_dt
from appointments.tests.test_booking import body, book, error_code
from arthomed import sms
from arthomed.core.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sunday_morning")]


@pytest.fixture
def doctors():
    return [DoctorFactory(name=f"Dr Family {n}", schedule=["monday 09:00-13:00"]) for n in ("One", "Two")]


@pytest.fixture
def father(make_user):
    return make_user(Role.PATIENT, name="Ravi Kumar")


@pytest.fixture
def child(father):
    return FamilyMemberFactory(account=father, name="Anya Kumar", relation="child", gender="female")


class TestPatientBooksForAMember:
    def test_the_member_is_booked_on_the_holders_account(
        self, as_user, father, child, doctors, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = book(as_user(father), body(doctors[0], familyMemberId=str(child.pk)))
        assert response.status_code == 201, response.json()
        appointment = response.json()["data"]["appointment"]
        assert appointment["patient"]["_id"] == str(father.pk)
        assert appointment["familyMember"] == {
            "_id": str(child.pk),
            "name": "Anya Kumar",
            "relation": "child",
            "age": 10,
            "gender": "female",
        }
        # The holder is told, and the text names whom the visit is for.
        assert [m.to for m in sms.outbox] == [f"+91{father.mobile_number}"]
        assert "for Anya Kumar" in sms.outbox[0].body
        assert "for Anya Kumar" in father.notifications.get().body

    def test_the_holders_own_booking_has_no_member(self, as_user, father, doctors):
        response = book(as_user(father), body(doctors[0]))
        assert response.json()["data"]["appointment"]["familyMember"] is None

    def test_another_accounts_or_a_removed_member_is_not_found(self, as_user, father, child, make_user, doctors):
        stranger = FamilyMemberFactory(account=make_user(Role.PATIENT))
        response = book(as_user(father), body(doctors[0], familyMemberId=str(stranger.pk)))
        assert (response.status_code, error_code(response)) == (404, "NOT_FOUND")
        family_member_remove(member=child, actor=father)
        response = book(as_user(father), body(doctors[0], familyMemberId=str(child.pk)))
        assert (response.status_code, error_code(response)) == (404, "NOT_FOUND")
        assert not Appointment.objects.exists()

    def test_a_patient_cannot_add_a_member_while_booking(self, as_user, father, doctors):
        payload = body(doctors[0], newFamilyMember={"name": "New Kid", "relation": "child"})
        response = book(as_user(father), payload)
        assert (response.status_code, error_code(response)) == (400, "VALIDATION_ERROR")

    def test_the_holder_sees_reschedules_and_cancels_the_members_booking(self, as_user, father, child, doctors):
        client = as_user(father)
        booked = book(client, body(doctors[0], familyMemberId=str(child.pk))).json()["data"]["appointment"]
        assert [a["_id"] for a in client.get("/api/appointments/my").json()["data"]["items"]] == [booked["_id"]]
        moved = client.put(
            f"/api/appointments/{booked['_id']}/reschedule",
            {"appointmentDate": MONDAY.isoformat(), "appointmentTime": "10:00"},
            format="json",
        )
        assert moved.status_code == 200
        assert moved.json()["data"]["appointment"]["familyMember"]["_id"] == str(child.pk)
        cancelled = client.put(f"/api/appointments/{booked['_id']}/cancel", {"reason": "Better"}, format="json")
        assert cancelled.status_code == 200


class TestPerPersonRules:
    def test_holder_and_child_may_be_seen_at_the_same_time(self, as_user, father, child, doctors):
        client = as_user(father)
        assert book(client, body(doctors[0])).status_code == 201
        assert book(client, body(doctors[1], familyMemberId=str(child.pk))).status_code == 201
        # But one person is never in two places.
        assert book(client, body(doctors[0], time="09:30", familyMemberId=str(child.pk))).status_code == 201
        again = book(client, body(doctors[1], time="09:30", familyMemberId=str(child.pk)))
        assert (again.status_code, error_code(again)) == (409, "SLOT_UNAVAILABLE")
        assert again.json()["error"]["details"] == {"reason": "patient-overlap"}

    def test_the_per_person_cap_counts_each_person(self, as_user, father, child, doctors, settings):
        settings.MAX_ACTIVE_BOOKINGS_PER_PATIENT = 1
        client = as_user(father)
        assert book(client, body(doctors[0])).status_code == 201
        assert book(client, body(doctors[0], time="10:00", familyMemberId=str(child.pk))).status_code == 201
        refused = book(client, body(doctors[0], time="11:00", familyMemberId=str(child.pk)))
        assert (refused.status_code, error_code(refused)) == (409, "BOOKING_LIMIT_REACHED")
        assert refused.json()["error"]["details"]["scope"] == "person"

    def test_the_account_cap_counts_the_whole_family(self, as_user, father, child, doctors, settings):
        settings.MAX_ACTIVE_BOOKINGS_PER_ACCOUNT = 2
        spouse = FamilyMemberFactory(account=father, name="Meera Kumar", relation="spouse")
        client = as_user(father)
        assert book(client, body(doctors[0])).status_code == 201
        assert book(client, body(doctors[0], time="10:00", familyMemberId=str(child.pk))).status_code == 201
        refused = book(client, body(doctors[0], time="11:00", familyMemberId=str(spouse.pk)))
        assert (refused.status_code, error_code(refused)) == (409, "BOOKING_LIMIT_REACHED")
        assert refused.json()["error"]["details"] == {"limit": 2, "scope": "account"}


class TestNeverTheWrongPerson:
    def staff_book(self, as_user, receptionist, doctor, **extra):
        return book(as_user(receptionist), body(doctor, **extra))

    def test_a_walk_in_for_the_child_on_the_fathers_number_is_the_childs_visit(
        self, as_user, receptionist, father, child, doctors
    ):
        response = self.staff_book(
            as_user, receptionist, doctors[0], patientMobileNumber=father.mobile_number, patientName="anya   KUMAR"
        )
        assert response.status_code == 201
        appointment = Appointment.objects.get()
        assert (appointment.patient, appointment.family_member) == (father, child)
        assert response.json()["data"]["appointment"]["familyMember"]["name"] == "Anya Kumar"

    def test_the_holders_name_books_the_holder(self, as_user, receptionist, father, child, doctors):
        response = self.staff_book(
            as_user, receptionist, doctors[0], patientMobileNumber=father.mobile_number, patientName="Ravi Kumar"
        )
        assert response.status_code == 201
        assert Appointment.objects.get().family_member is None

    @pytest.mark.parametrize("name", ["Arjun Kumar", None])
    @pytest.mark.usefixtures("child")
    def test_an_unknown_or_missing_name_is_ambiguous(self, as_user, receptionist, father, doctors, name):
        child = father.family_members.get()
        extra = {"patientMobileNumber": father.mobile_number}
        if name:
            extra["patientName"] = name
        response = self.staff_book(as_user, receptionist, doctors[0], **extra)
        assert (response.status_code, error_code(response)) == (409, "PATIENT_AMBIGUOUS")
        assert response.json()["error"]["details"]["candidates"] == [
            {"_id": str(father.pk), "name": "Ravi Kumar", "relation": "self"},
            {"_id": str(child.pk), "name": "Anya Kumar", "relation": "child"},
        ]
        assert not Appointment.objects.exists()

    def test_two_members_of_one_name_are_ambiguous(self, as_user, receptionist, father, child, doctors):
        FamilyMemberFactory(account=father, name="Anya Kumar", relation="other")
        response = self.staff_book(
            as_user, receptionist, doctors[0], patientMobileNumber=father.mobile_number, patientName="Anya Kumar"
        )
        assert error_code(response) == "PATIENT_AMBIGUOUS"

    def test_retry_with_patient_id_and_family_member_id(self, as_user, receptionist, father, child, doctors):
        response = self.staff_book(
            as_user, receptionist, doctors[0], patientId=str(father.pk), familyMemberId=str(child.pk)
        )
        assert response.status_code == 201
        assert Appointment.objects.get().family_member == child
        foreign = FamilyMemberFactory(name="Not Yours")
        response = self.staff_book(
            as_user, receptionist, doctors[0], time="10:00", patientId=str(father.pk), familyMemberId=str(foreign.pk)
        )
        assert (response.status_code, error_code(response)) == (404, "NOT_FOUND")

    def test_retry_with_a_new_family_member(self, as_user, receptionist, father, child, doctors):
        new = {"name": "Arjun Kumar", "relation": "child", "age": 4, "gender": "male"}
        response = self.staff_book(
            as_user, receptionist, doctors[0], patientMobileNumber=father.mobile_number, newFamilyMember=new
        )
        assert response.status_code == 201, response.json()
        member = FamilyMember.objects.get(name="Arjun Kumar")
        assert (member.account, member.date_of_birth_estimated) == (father, True)
        assert Appointment.objects.get().family_member == member
        assert response.json()["data"]["appointment"]["familyMember"]["age"] == 4

    def test_a_refused_booking_adds_no_member(self, as_user, receptionist, father, doctors, settings):
        AppointmentFactory(doctor=doctors[0], starts_at=clinic_dt(MONDAY, 9))
        new = {"name": "Arjun Kumar", "relation": "child", "age": 4}
        response = self.staff_book(as_user, receptionist, doctors[0], patientId=str(father.pk), newFamilyMember=new)
        assert error_code(response) == "SLOT_UNAVAILABLE"
        assert not FamilyMember.objects.exists()
        settings.FAMILY_MAX_MEMBERS = 0
        response = self.staff_book(
            as_user, receptionist, doctors[0], time="10:00", patientId=str(father.pk), newFamilyMember=new
        )
        assert (response.status_code, error_code(response)) == (409, "FAMILY_LIMIT_REACHED")

    def test_the_receptionist_sees_the_person(self, as_user, receptionist, father, child):
        appointment = AppointmentFactory(patient=father, family_member=child, status=AppointmentStatus.CONFIRMED)
        data = as_user(receptionist).get(f"/api/appointments/{appointment.pk}").json()["data"]["appointment"]
        assert data["familyMember"]["name"] == "Anya Kumar"
        assert "bloodGroup" not in data["familyMember"] and "allergies" not in data["familyMember"]
