"""The admin's records and schedules (SPEC.md §10 "Records"): patient pages, the doctor's leave
through the leave service with "cancel these bookings and tell the patients", history entries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.test import Client

from accounts.models import DoctorLeave, ScheduleBlock, User
from appointments.models import Appointment, AppointmentStatus, Notification, PaymentStatus, RefundStatus
from appointments.tests.factories import (
    MONDAY,
    SUNDAY,
    AppointmentFactory,
    DoctorFactory,
    FamilyMemberFactory,
    clinic_dt,
)
from arthomed import sms
from arthomed.core.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sunday_morning")]

LEAVES = "/admin/accounts/doctorleave/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def user_url(user) -> str:
    return f"/admin/accounts/user/{user.pk}/change/"


@pytest.fixture
def clinic_doctor():
    return DoctorFactory(name="Dr Arjun Mehta", schedule=["monday 09:00-13:00"])


@pytest.fixture
def record(patient, clinic_doctor):
    """A patient with an address, an emergency contact, a child, and two appointments (one the child's)."""
    User.objects.filter(pk=patient.pk).update(
        date_of_birth=dt.date(1990, 5, 1),
        gender="female",
        address={"street": "12 MG Road", "city": "Pune", "state": "Maharashtra", "pincode": "411001"},
        emergency_contact={"name": "Ravi Menon", "relationship": "Husband", "mobile_number": "9876500001"},
        blood_group="O+",
        allergies=["Penicillin"],
        medical_history=[{"condition": "Asthma"}],
    )
    patient.refresh_from_db()
    child = FamilyMemberFactory(account=patient, name="Anu Menon", relation="child")
    own = AppointmentFactory(
        patient=patient,
        doctor=clinic_doctor,
        starts_at=clinic_dt(MONDAY, 9),
        status=AppointmentStatus.CONFIRMED,
        doctor_notes="SECRET-NOTES",
        prescription="SECRET-PRESCRIPTION",
        visit_summary={"diagnosis": "SECRET-DIAGNOSIS"},
    )
    childs = AppointmentFactory(
        patient=patient, doctor=clinic_doctor, family_member=child, starts_at=clinic_dt(MONDAY, 14, 30)
    )
    return patient, child, own, childs


class TestPatientPage:
    def test_receptionist_sees_demographics_contact_family_and_appointments_without_clinical_content(
        self, receptionist, record
    ):
        patient, _child, own, childs = record
        response = signed_in(receptionist).get(user_url(patient))
        assert response.status_code == 200
        page = response.content.decode()
        assert "12 MG Road, Pune, Maharashtra, 411001" in page
        assert "Ravi Menon (Husband) 9876500001" in page
        assert "Anu Menon" in page  # the family inline
        assert f'href="/admin/appointments/appointment/{own.pk}/change/"' in page
        assert f'href="/admin/appointments/appointment/{childs.pk}/change/"' in page
        assert "09:00" in page and "14:30" in page and "2:30" not in page.replace("14:30", "")
        assert "Dr Arjun Mehta" in page and "Anu Menon (child)" in page
        for clinical in ("SECRET-", "Penicillin", "Asthma", "Blood group", "Patient information"):
            assert clinical not in page
        assert '"street"' not in page  # never the raw JSON

    def test_admin_edits_address_and_contact_as_fields_through_the_profile_service(self, admin_user, record):
        patient = record[0]
        client = signed_in(admin_user)
        page = client.get(user_url(patient)).content.decode()
        assert 'name="address_city"' in page and 'value="Pune"' in page
        assert 'name="address"' not in page and 'name="emergency_contact"' not in page
        assert 'value="Penicillin"' in page  # allergies as a line of text, not a JSON list
        data = change_data(
            patient,
            address_city="Mumbai",
            address_pincode="400001",
            emergency_mobile_number="+91 98765 00002",
            allergies="Penicillin, Peanuts",
        )
        response = client.post(user_url(patient), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        patient.refresh_from_db()
        assert patient.address == {
            "street": "12 MG Road",
            "city": "Mumbai",
            "state": "Maharashtra",
            "pincode": "400001",
        }
        assert patient.emergency_contact["mobile_number"] == "9876500002"  # normalised as by the API
        assert patient.allergies == ["Penicillin", "Peanuts"]
        entry = LogEntry.objects.get(object_id=str(patient.pk), action_flag=CHANGE)
        assert "City" in entry.get_change_message() or "address_city" in entry.change_message

    def test_bad_pin_code_and_contact_number_are_form_errors(self, admin_user, record):
        patient = record[0]
        data = change_data(patient, address_pincode="12", emergency_mobile_number="123")
        response = signed_in(admin_user).post(user_url(patient), data)
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert set(errors) == {"address_pincode", "emergency_mobile_number"}
        patient.refresh_from_db()
        assert patient.address["pincode"] == "411001"

    def test_admin_edit_goes_through_the_staff_update_service(self, admin_user, record, monkeypatch):
        calls = []
        import accounts.admin.users

        monkeypatch.setattr(accounts.admin.users, "user_staff_update", lambda **kwargs: calls.append(kwargs))
        patient = record[0]
        signed_in(admin_user).post(user_url(patient), change_data(patient, name="Priya Menon"))
        assert [(call["actor"].pk, call["user"].pk, call["data"]) for call in calls] == [
            (admin_user.pk, patient.pk, {"name": "Priya Menon"})
        ]


def change_data(user, **overrides) -> dict:
    address, contact = user.address or {}, user.emergency_contact or {}
    data = {
        "mobile_number": user.mobile_number,
        "name": user.name,
        "email": user.email or "",
        "is_verified": "on" if user.is_verified else "",
        "date_of_birth": user.date_of_birth.isoformat() if user.date_of_birth else "",
        "gender": user.gender,
        "address_street": address.get("street", ""),
        "address_city": address.get("city", ""),
        "address_state": address.get("state", ""),
        "address_pincode": address.get("pincode", ""),
        "address_country": address.get("country", ""),
        "emergency_name": contact.get("name", ""),
        "emergency_relationship": contact.get("relationship", ""),
        "emergency_mobile_number": contact.get("mobile_number", ""),
        "blood_group": user.blood_group,
        "allergies": "[]",
        "medical_history": "[]",
        "is_active": "on",
        "status_reason": "",
        "family_members-TOTAL_FORMS": "0",
        "family_members-INITIAL_FORMS": "0",
    }
    import json

    # As the page posts them: fields with a callable default carry their initial value too.
    data["allergies"] = ", ".join(user.allergies)
    data["medical_history"] = data["initial-medical_history"] = json.dumps(user.medical_history)
    data |= overrides
    return {key: value for key, value in data.items() if value != ""}


class TestLeave:
    def add(self, client, doctor, **fields):
        return client.post(
            f"{LEAVES}add/", {"doctor": doctor.pk, "date": MONDAY.isoformat(), "reason": "personal"} | fields
        )

    def test_leave_rules_are_the_services(self, receptionist, clinic_doctor):
        client = signed_in(receptionist)
        past = self.add(client, clinic_doctor, date=SUNDAY - dt.timedelta(days=1))
        assert past.status_code == 200
        assert "Leave cannot start in the past" in past.content.decode()
        half = self.add(client, clinic_doctor, start_time="10:00")
        assert "Give both startTime and endTime" in half.content.decode()
        inverted = self.add(client, clinic_doctor, start_time="11:00", end_time="10:00")
        assert "endTime must be after startTime" in inverted.content.decode()
        assert not DoctorLeave.objects.exists()

    def test_leave_without_bookings_is_added_and_recorded(self, receptionist, clinic_doctor):
        response = self.add(signed_in(receptionist), clinic_doctor, start_time="09:00", end_time="10:00")
        assert response.status_code == 302 and response["Location"] == LEAVES
        leave = DoctorLeave.objects.get()
        assert leave.created_by == receptionist and leave.start_time == dt.time(9)
        assert LogEntry.objects.filter(object_id=str(leave.pk), action_flag=ADDITION, user=receptionist).exists()

    def test_new_leave_over_bookings_lists_them_and_cancels_them_in_one_action(
        self, receptionist, clinic_doctor, patient, make_user, django_capture_on_commit_callbacks
    ):
        paid = AppointmentFactory(
            patient=patient,
            doctor=clinic_doctor,
            starts_at=clinic_dt(MONDAY, 9),
            status=AppointmentStatus.CONFIRMED,
            payment_status=PaymentStatus.PAID,
            payment_method="upi",
        )
        other = make_user(Role.PATIENT, name="Vikram Singh")
        pending = AppointmentFactory(patient=other, doctor=clinic_doctor, starts_at=clinic_dt(MONDAY, 10))
        outside = AppointmentFactory(patient=other, doctor=clinic_doctor, starts_at=clinic_dt(MONDAY, 12))
        client = signed_in(receptionist)

        response = self.add(client, clinic_doctor, start_time="09:00", end_time="11:00", reason="emergency")
        leave = DoctorLeave.objects.get()
        bookings_url = f"{LEAVES}{leave.pk}/bookings/"
        assert response.status_code == 302 and response["Location"] == bookings_url
        # Adding the leave cancelled nothing (as in the API): the staff decide on the next page.
        assert set(Appointment.objects.values_list("status", flat=True)) == {"confirmed", "pending"}

        page = client.get(bookings_url).content.decode()
        assert "Priya Patient" in page and "Vikram Singh" in page and "09:00" in page and "10:00" in page
        assert "12:00" not in page
        assert "Cancel these 2 bookings and tell the patients" in page

        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(bookings_url, {"reason": "Doctor on leave"})
        assert done.status_code == 302
        for appointment in (paid, pending, outside):
            appointment.refresh_from_db()
        assert paid.status == pending.status == AppointmentStatus.CANCELLED
        assert outside.status == AppointmentStatus.PENDING
        assert paid.cancellation_reason == "Doctor on leave" and paid.cancelled_by == receptionist
        # The clinic cancels: the whole fee comes back, though 23 h before the start a staff cancel gives 50 %.
        assert paid.refund_status == RefundStatus.PENDING and paid.refund_amount == Decimal("500.00")
        assert paid.status_history.filter(to_status="cancelled", changed_by=receptionist).exists()
        assert sorted(Notification.objects.filter(kind="cancelled").values_list("user__name", flat=True)) == [
            "Priya Patient",
            "Vikram Singh",
        ]
        assert len([m for m in sms.outbox if "cancel" in m.body.lower()]) == 2
        logged = set(LogEntry.objects.filter(action_flag=CHANGE, user=receptionist).values_list("object_id", flat=True))
        assert {str(paid.pk), str(pending.pk), str(leave.pk)} <= logged

        assert "No booking inside this leave is left to cancel" in client.get(bookings_url).content.decode()

    def test_leave_is_not_edited_and_is_removed_through_the_service(self, receptionist, clinic_doctor, monkeypatch):
        from accounts.services.leaves import doctor_leave_create

        leave = doctor_leave_create(actor=receptionist, doctor=clinic_doctor, date=MONDAY, reason="personal")
        client = signed_in(receptionist)
        change = client.get(f"{LEAVES}{leave.pk}/change/")
        assert change.status_code == 200 and 'name="date"' not in change.content.decode()
        removed = []
        import appointments.admin_records

        real = appointments.admin_records.doctor_leave_delete
        monkeypatch.setattr(
            appointments.admin_records,
            "doctor_leave_delete",
            lambda **kw: removed.append((kw["actor"].pk, kw["leave"].pk)) or real(**kw),
        )
        response = client.post(f"{LEAVES}{leave.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        assert removed == [(receptionist.pk, leave.pk)]
        assert not DoctorLeave.objects.exists()
        assert LogEntry.objects.filter(object_id=str(leave.pk), action_flag=DELETION).exists()

    def test_doctor_page_lists_leave_read_only(self, receptionist, clinic_doctor):
        DoctorLeave.objects.create(doctor=clinic_doctor, date=MONDAY, reason="personal", note="Conference")
        page = signed_in(receptionist).get(user_url(clinic_doctor)).content.decode()
        assert "Conference" in page
        assert 'name="leaves-0-date"' not in page
        assert f'href="/admin/accounts/doctorleave/add/?doctor={clinic_doctor.pk}"' in page


class TestSchedule:
    def test_the_week_is_replaced_through_the_service_and_recorded(self, receptionist, clinic_doctor, monkeypatch):
        import accounts.admin.users

        calls = []
        real = accounts.admin.users.doctor_schedule_replace
        monkeypatch.setattr(
            accounts.admin.users, "doctor_schedule_replace", lambda **kw: calls.append(kw) or real(**kw)
        )
        data = {
            "doctor_profile-TOTAL_FORMS": "1",
            "doctor_profile-INITIAL_FORMS": "1",
            "doctor_profile-0-user": str(clinic_doctor.pk),
            "schedule_blocks-TOTAL_FORMS": "1",
            "schedule_blocks-INITIAL_FORMS": "0",
            "schedule_blocks-0-day": "tuesday",
            "schedule_blocks-0-start_time": "16:00",
            "schedule_blocks-0-end_time": "19:00",
            "schedule_blocks-0-is_available": "on",
            "schedule_blocks-0-doctor": str(clinic_doctor.pk),
            "leaves-TOTAL_FORMS": "0",
            "leaves-INITIAL_FORMS": "0",
        }
        response = signed_in(receptionist).post(user_url(clinic_doctor), data)
        assert response.status_code == 302
        assert len(calls) == 1 and calls[0]["doctor"] == clinic_doctor
        # The posted formset holds only a Tuesday row: the week becomes exactly that.
        assert list(ScheduleBlock.objects.filter(doctor=clinic_doctor).values_list("day", flat=True)) == ["tuesday"]
        entry = LogEntry.objects.get(object_id=str(clinic_doctor.pk), user=receptionist)
        assert "weekly schedule" in entry.get_change_message()


class TestStaffUpdateService:
    def test_status_goes_through_user_status_set_and_revokes_tokens(self, admin_user, patient, as_user):
        from accounts.services.users import user_staff_update

        client = as_user(patient)
        assert client.get("/api/users/profile").status_code == 200
        user = user_staff_update(actor=admin_user, user=patient, data={"is_active": False, "status_reason": "Spam"})
        assert not user.is_active and user.status_reason == "Spam" and user.status_updated_by == admin_user
        assert client.get("/api/users/profile").status_code == 401

    def test_a_taken_mobile_number_is_refused(self, admin_user, patient, make_user):
        from accounts.services.users import user_staff_update
        from arthomed.core.errors import AlreadyExists

        other = make_user(Role.PATIENT)
        with pytest.raises(AlreadyExists):
            user_staff_update(actor=admin_user, user=patient, data={"mobile_number": other.mobile_number})

    def test_patient_info_only_for_patients(self, admin_user, doctor):
        from accounts.services.users import user_staff_update

        user = user_staff_update(
            actor=admin_user, user=doctor, data={"name": "Dr New", "patient_info": {"allergies": ["X"]}}
        )
        assert user.name == "Dr New" and user.allergies == []


def test_leave_over_a_visit_in_consultation_lists_it_and_leaves_it_alone(receptionist, clinic_doctor, patient):
    from accounts.services.leaves import doctor_leave_create
    from appointments.services.leave_bookings import leave_bookings_cancel

    started = AppointmentFactory(
        patient=patient, doctor=clinic_doctor, starts_at=clinic_dt(MONDAY, 9), status=AppointmentStatus.IN_PROGRESS
    )
    leave = doctor_leave_create(actor=receptionist, doctor=clinic_doctor, date=MONDAY, reason="emergency")
    page = signed_in(receptionist).get(f"{LEAVES}{leave.pk}/bookings/").content.decode()
    assert "not cancelled: already started" in page and "No booking inside this leave is left to cancel" in page
    assert leave_bookings_cancel(leave=leave, actor=receptionist) == []
    started.refresh_from_db()
    assert started.status == AppointmentStatus.IN_PROGRESS


def test_a_doctor_cannot_cancel_another_doctors_leave_bookings(clinic_doctor, make_user, receptionist):
    from accounts.services.leaves import doctor_leave_create
    from appointments.services.leave_bookings import leave_bookings_cancel
    from arthomed.core.errors import PermissionDenied as Refused

    leave = doctor_leave_create(actor=receptionist, doctor=clinic_doctor, date=MONDAY, reason="emergency")
    with pytest.raises(Refused):
        leave_bookings_cancel(leave=leave, actor=make_user(Role.DOCTOR))


def test_the_admin_writes_times_24_hour_and_dates_day_first(receptionist, record):
    import re

    from django.utils import formats

    page = signed_in(receptionist).get(user_url(record[0])).content.decode()
    assert "a.m." not in page and "p.m." not in page
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}", page)  # created at, e.g. "1 Mar 2026, 10:00"
    assert formats.date_format(dt.time(16, 30), "TIME_FORMAT") == "16:30"
