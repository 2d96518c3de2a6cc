"""`GET /api/patients/:personId/record` (SPEC.md §11): the record belongs to the person; the §11 access rule;
every doctor or admin read in the access log; a fixed number of queries."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from accounts.models import User
from appointments.models import AppointmentStatus as S
from appointments.models import RecordAccessLog
from appointments.tests.factories import AppointmentFactory, FamilyMemberFactory
from arthomed.core.roles import Role
from files.tests.support import store_report

pytestmark = pytest.mark.django_db

_hours = itertools.count(1)


def visit(patient, doctor, *, days_ago: int, member=None, status=S.COMPLETED, **fields):
    starts_at = timezone.now() - dt.timedelta(days=days_ago) + dt.timedelta(minutes=next(_hours))
    return AppointmentFactory(
        patient=patient, doctor=doctor, family_member=member, status=status, starts_at=starts_at, **fields
    )


@pytest.fixture
def family(patient, doctor, make_user):
    User.objects.filter(pk=patient.pk).update(blood_group="O+", allergies=["Penicillin"])
    child = FamilyMemberFactory(
        account=patient, name="Riya", date_of_birth=timezone.localdate().replace(year=timezone.localdate().year - 9)
    )
    child.blood_group, child.allergies, child.medical_history = "B+", ["Peanuts"], ["Asthma"]
    child.save()
    other_doctor = make_user(Role.DOCTOR, name="Other Doctor")
    visits = {
        "holder": visit(patient, doctor, days_ago=30, visit_summary={"diagnosis": "Frozen shoulder"}),
        "child_old": visit(patient, other_doctor, days_ago=20, member=child, doctor_notes="Wheezing"),
        "child_new": visit(
            patient,
            doctor,
            days_ago=5,
            member=child,
            visit_summary={"diagnosis": "Sprained ankle"},
            prescription="Crepe bandage",
            follow_up_date=dt.date(2030, 1, 1),
            follow_up_note="Review",
        ),
        "child_cancelled": visit(patient, doctor, days_ago=3, member=child, status=S.CANCELLED),
    }
    files = {"holder": store_report(visits["holder"]), "child": store_report(visits["child_new"])}
    return {"child": child, "other_doctor": other_doctor, "visits": visits, "files": files}


def record(client, person_id):
    return client.get(f"/api/patients/{person_id}/record")


def test_a_members_record_is_theirs_alone(as_user, patient, doctor, family):
    response = record(as_user(patient), family["child"].pk)
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert data["person"] == {
        "_id": str(family["child"].pk),
        "name": "Riya",
        "age": 9,
        "gender": "female",
        "bloodGroup": "B+",
        "allergies": ["Peanuts"],
        "medicalHistory": ["Asthma"],
        "relation": "child",
    }
    visits = family["visits"]
    assert [v["appointmentId"] for v in data["visits"]] == [str(visits["child_new"].pk), str(visits["child_old"].pk)]
    newest = data["visits"][0]
    assert newest["doctor"] == {"_id": str(doctor.pk), "name": doctor.name}
    assert newest["status"] == "completed"
    assert newest["diagnosis"] == "Sprained ankle"
    assert newest["prescription"] == "Crepe bandage"
    assert newest["followUp"] == {"date": "2030-01-01", "note": "Review"}
    assert data["visits"][1]["notes"] == "Wheezing"
    assert [f["_id"] for f in data["files"]] == [str(family["files"]["child"].pk)]


def test_the_holders_record_leaves_out_the_members(as_user, patient, family):
    data = record(as_user(patient), patient.pk).json()["data"]
    assert data["person"]["relation"] == "self"
    assert data["person"]["allergies"] == ["Penicillin"]
    assert data["person"]["bloodGroup"] == "O+"
    assert [v["appointmentId"] for v in data["visits"]] == [str(family["visits"]["holder"].pk)]
    assert data["visits"][0]["diagnosis"] == "Frozen shoulder"
    assert [f["_id"] for f in data["files"]] == [str(family["files"]["holder"].pk)]
    # The holder's own reads are not clinical-staff reads: nothing logged.
    assert not RecordAccessLog.objects.exists()


def test_a_doctor_who_saw_the_person_reads_all_their_visits_and_is_logged(as_user, doctor, family):
    client = as_user(doctor)
    response = client.get(f"/api/patients/{family['child'].pk}/record", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert len(response.json()["data"]["visits"]) == 2  # the other doctor's visit too
    (entry,) = RecordAccessLog.objects.all()
    assert (entry.user, entry.person_id, entry.person_name) == (doctor, family["child"].pk, "Riya")
    assert entry.ip_address is not None


def test_admin_reads_any_record_and_is_logged(as_user, admin_user, patient, family):
    assert record(as_user(admin_user), patient.pk).status_code == 200
    assert RecordAccessLog.objects.get().user == admin_user


def test_who_may_not_read(as_user, make_user, receptionist, patient, family):
    refused = record(as_user(receptionist), patient.pk)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "PERMISSION_DENIED"
    stranger_doctor = make_user(Role.DOCTOR)
    # A doctor only booked and cancelled has not seen the person.
    cancelled_only = make_user(Role.DOCTOR)
    visit(patient, cancelled_only, days_ago=1, member=family["child"], status=S.CANCELLED)
    for user, person_id in (
        (make_user(Role.PATIENT), patient.pk),
        (make_user(Role.PATIENT), family["child"].pk),
        (stranger_doctor, patient.pk),
        (cancelled_only, family["child"].pk),
        (family["other_doctor"], patient.pk),  # saw the child, not the holder
        (patient, "not-an-id"),
        (patient, family["visits"]["holder"].doctor_id),  # a doctor is nobody's patient record
        (admin := make_user(Role.ADMIN), "3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
    ):
        response = record(as_user(user), person_id)
        assert response.status_code == 404, (user, person_id)
        assert response.json()["error"]["code"] == "NOT_FOUND"
    assert not RecordAccessLog.objects.filter(user__in=[stranger_doctor, cancelled_only, admin]).exists()


@pytest.mark.parametrize("size", [1, 12])
def test_query_count_does_not_grow_with_the_history(as_user, doctor, patient, django_assert_num_queries, size):
    member = FamilyMemberFactory(account=patient)
    for day in range(size):
        store_report(visit(patient, doctor, days_ago=day + 1, member=member))
    client = as_user(doctor)
    # token user, the member, the doctor's visit check, the access log, visits, files
    with django_assert_num_queries(6):
        response = record(client, member.pk)
    assert len(response.json()["data"]["visits"]) == size


def test_the_appointment_detail_carries_the_members_own_clinical_facts(as_user, doctor, receptionist, family):
    appointment = family["visits"]["child_new"]
    person = as_user(doctor).get(f"/api/appointments/{appointment.pk}").json()["data"]["appointment"]["person"]
    assert person == {
        "_id": str(family["child"].pk),
        "name": "Riya",
        "age": 9,
        "gender": "female",
        "bloodGroup": "B+",
        "allergies": ["Peanuts"],  # the member's, not the holder's penicillin
        "relation": "child",
    }
    desk = as_user(receptionist).get(f"/api/appointments/{appointment.pk}").json()["data"]["appointment"]
    assert "person" not in desk


def test_the_holders_own_appointment_carries_theirs(as_user, admin_user, patient, family):
    appointment = family["visits"]["holder"]
    person = as_user(admin_user).get(f"/api/appointments/{appointment.pk}").json()["data"]["appointment"]["person"]
    assert (person["_id"], person["relation"], person["allergies"]) == (str(patient.pk), "self", ["Penicillin"])


def test_a_record_one_may_not_read_answers_exactly_as_an_unknown_id(as_user, doctor, patient):
    """Existence is not revealed (SPEC.md §2): a stranger doctor gets the unknown id's answer."""
    member = FamilyMemberFactory(account=patient)
    client = as_user(doctor)
    refused, unknown = record(client, member.pk), record(client, "00000000-0000-0000-0000-000000000000")
    assert refused.status_code == unknown.status_code == 404
    refused_body, unknown_body = refused.json(), unknown.json()
    refused_body.pop("timestamp"), unknown_body.pop("timestamp")
    assert refused_body == unknown_body
    assert RecordAccessLog.objects.count() == 0
