"""Django admin for people: SMS-code sign-in, what admins and receptionists may see and edit."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from accounts.groups import RECEPTIONISTS as RECEPTIONIST_GROUP
from accounts.models import DoctorLeave, ScheduleBlock, User
from accounts.services.users import user_delete_account
from arthomed import sms
from arthomed.core.roles import Role


def last_code() -> str:
    return re.match(r"\d{6}", sms.outbox[-1].body).group(0)


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def user_url(user) -> str:
    return f"/admin/accounts/user/{user.pk}/change/"


@pytest.mark.django_db
class TestAdminOtpLogin:
    def test_staff_sign_in_with_sms_code(self, receptionist):
        client = Client()
        page = client.get("/admin/login/")
        assert page.status_code == 200
        assert b'name="password"' not in page.content
        assert b'name="mobile_number"' in page.content

        step1 = client.post("/admin/login/", {"mobile_number": receptionist.mobile_number, "action": "send"})
        assert step1.status_code == 200
        assert b"We have sent a 6-digit code" in step1.content
        assert sms.outbox[-1].to.endswith(receptionist.mobile_number)

        step2 = client.post(
            "/admin/login/?next=/admin/",
            {"mobile_number": receptionist.mobile_number, "otp": last_code(), "next": "/admin/"},
        )
        assert step2.status_code == 302
        assert step2.url == "/admin/"
        assert client.get("/admin/").status_code == 200

    def test_wrong_code_refused(self, admin_user):
        client = Client()
        client.post("/admin/login/", {"mobile_number": admin_user.mobile_number, "action": "send"})
        wrong = "000000" if last_code() != "000000" else "111111"
        response = client.post("/admin/login/", {"mobile_number": admin_user.mobile_number, "otp": wrong})
        assert response.status_code == 200
        assert b"Invalid OTP" in response.content
        assert client.get("/admin/").status_code == 302  # still signed out

    @staticmethod
    def answers(number: str) -> list:
        """The form errors of: ask, ask again at once, a wrong code (what a stranger can see)."""
        client = Client()
        first = client.post("/admin/login/", {"mobile_number": number, "action": "send"})
        again = client.post("/admin/login/", {"mobile_number": number, "action": "send"})
        wrong = "000000" if last_code() != "000000" else "111111"
        guess = client.post("/admin/login/", {"mobile_number": number, "otp": wrong})
        return [response.context["form"].errors for response in (first, again, guess)]

    @pytest.mark.parametrize("role", [Role.PATIENT, Role.DOCTOR, None])
    def test_the_page_answers_the_same_for_staff_and_other_numbers(self, admin_user, make_user, role):
        other = make_user(role).mobile_number if role else "9123456780"
        assert self.answers(admin_user.mobile_number) == self.answers(other)

    @pytest.mark.parametrize("role", [Role.PATIENT, Role.DOCTOR, "inactive-admin"])
    def test_only_the_holder_of_a_valid_code_learns_the_number_cannot_sign_in(self, make_user, role):
        user = make_user(Role.ADMIN if role == "inactive-admin" else role)
        if role == "inactive-admin":
            User.objects.filter(pk=user.pk).update(is_active=False)
        client = Client()
        client.post("/admin/login/", {"mobile_number": user.mobile_number, "action": "send"})
        response = client.post("/admin/login/", {"mobile_number": user.mobile_number, "otp": last_code()})
        assert b"This number cannot sign in to the admin." in response.content
        assert client.get("/admin/").status_code == 302  # still signed out

    def test_bad_number_is_a_form_error(self):
        response = Client().post("/admin/login/", {"mobile_number": "12345", "action": "send"})
        assert response.status_code == 200
        assert b"valid 10-digit Indian mobile number" in response.content


@pytest.mark.django_db
class TestReceptionistGroup:
    def test_migrate_makes_the_group_with_only_needed_permissions(self):
        group = Group.objects.get(name=RECEPTIONIST_GROUP)
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert {"view_user", "change_scheduleblock", "add_doctorleave", "delete_doctorleave"} <= codenames
        assert {"view_appointment", "change_appointment"} <= codenames
        assert not codenames & {"add_user", "change_user", "delete_user", "change_doctorprofile", "delete_appointment"}

    def test_group_is_remade_by_post_migrate(self):
        from django.apps import apps
        from django.core.management.sql import emit_post_migrate_signal

        Group.objects.filter(name=RECEPTIONIST_GROUP).delete()
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default", apps=apps)
        codenames = set(Group.objects.get(name=RECEPTIONIST_GROUP).permissions.values_list("codename", flat=True))
        assert {"view_user", "view_appointment"} <= codenames

    def test_new_receptionists_join_the_group(self, receptionist, doctor):
        assert receptionist.groups.filter(name=RECEPTIONIST_GROUP).exists()
        assert not doctor.groups.exists()


@pytest.mark.django_db
class TestReceptionistInAdmin:
    def test_sees_patients_and_doctors_not_staff(self, receptionist, patient, doctor, admin_user):
        client = admin_client(receptionist)
        listing = client.get("/admin/accounts/user/")
        assert listing.status_code == 200
        content = listing.content.decode()
        assert patient.name in content and doctor.name in content
        assert admin_user.name not in content
        assert client.get(user_url(admin_user)).status_code == 302  # not found -> redirected away
        assert client.get("/admin/accounts/user/add/").status_code == 403

    def test_patient_is_view_only(self, receptionist, patient):
        client = admin_client(receptionist)
        assert client.get(user_url(patient)).status_code == 200
        response = client.post(user_url(patient), {"name": "Hacked"})
        assert response.status_code == 403
        patient.refresh_from_db()
        assert patient.name == "Priya Patient"

    def test_edits_doctor_schedule_inline_but_not_the_doctor(self, receptionist, doctor):
        client = admin_client(receptionist)
        page = client.get(user_url(doctor))
        assert page.status_code == 200
        data = inline_data(doctor, blocks=[("monday", "09:00", "13:00"), ("monday", "16:00", "19:00")])
        data["name"] = "Renamed By Reception"
        response = client.post(user_url(doctor), data)
        assert response.status_code == 302, response.context["errors"] if response.context else response
        assert ScheduleBlock.objects.filter(doctor=doctor).count() == 2
        doctor.refresh_from_db()
        assert doctor.name == "Dev Doctor"

    def test_overlapping_inline_blocks_refused(self, receptionist, doctor):
        client = admin_client(receptionist)
        data = inline_data(doctor, blocks=[("monday", "09:00", "13:00"), ("monday", "12:00", "14:00")])
        response = client.post(user_url(doctor), data)
        assert response.status_code == 200
        assert "Overlaps monday 09:00-13:00" in response.content.decode()
        assert not ScheduleBlock.objects.filter(doctor=doctor).exists()

    def test_adds_leave(self, receptionist, doctor):
        client = admin_client(receptionist)
        day = (timezone.localdate() + timedelta(days=30)).isoformat()
        response = client.post(
            "/admin/accounts/doctorleave/add/",
            {"doctor": doctor.pk, "date": day, "reason": "personal", "note": "Wedding"},
        )
        assert response.status_code == 302
        leave = DoctorLeave.objects.get(doctor=doctor)
        assert leave.created_by == receptionist
        assert leave.is_whole_day


def inline_data(doctor, *, blocks) -> dict:
    """POST data of a doctor's change page with the given schedule blocks and no leave."""
    data = {
        "doctor_profile-TOTAL_FORMS": "1",
        "doctor_profile-INITIAL_FORMS": "1",
        "doctor_profile-0-user": str(doctor.pk),
        "schedule_blocks-TOTAL_FORMS": str(len(blocks)),
        "schedule_blocks-INITIAL_FORMS": "0",
        "leaves-TOTAL_FORMS": "0",
        "leaves-INITIAL_FORMS": "0",
    }
    for index, (day, start, end) in enumerate(blocks):
        data |= {
            f"schedule_blocks-{index}-day": day,
            f"schedule_blocks-{index}-start_time": start,
            f"schedule_blocks-{index}-end_time": end,
            f"schedule_blocks-{index}-is_available": "on",
            f"schedule_blocks-{index}-doctor": str(doctor.pk),
        }
    return data


@pytest.mark.django_db
class TestAdminInAdmin:
    def test_admin_creates_doctor_through_the_service(self, admin_user):
        client = admin_client(admin_user)
        response = client.post(
            "/admin/accounts/user/add/",
            {"mobile_number": "+91 98765 11111", "name": "Dr Admin Made", "email": "DR@X.IN", "role": "doctor"},
        )
        assert response.status_code == 302
        from accounts.models import User

        user = User.objects.get(mobile_number="9876511111")
        assert user.email == "dr@x.in"
        assert user.doctor_profile.specialization  # created with the user
        assert client.get(user_url(user)).status_code == 200
        assert client.get(f"/admin/accounts/user/?q={user.mobile_number}").status_code == 200

    def test_admin_add_duplicate_number_is_a_form_error(self, admin_user, patient):
        response = admin_client(admin_user).post(
            "/admin/accounts/user/add/", {"mobile_number": patient.mobile_number, "name": "Dup", "role": "patient"}
        )
        assert response.status_code == 200
        assert "already exists" in response.content.decode()

    @pytest.mark.parametrize("name", ["a" + "." * 30 + "!", "R2-D2"])
    def test_admin_forms_apply_the_name_rule(self, admin_user, patient, name):
        client = admin_client(admin_user)
        added = client.post(
            "/admin/accounts/user/add/", {"mobile_number": "9123456780", "name": name, "role": "patient"}
        )
        changed = client.post(user_url(patient), change_data(patient, name=name))
        for response in (added, changed):
            assert response.status_code == 200
            assert "Name must be 2-100 characters" in response.content.decode()
        assert not User.objects.filter(mobile_number="9123456780").exists()

    def test_admin_sees_staff(self, admin_user, receptionist):
        content = admin_client(admin_user).get("/admin/accounts/user/").content.decode()
        assert receptionist.name in content

    def test_deactivate_from_admin_records_and_revokes(self, admin_user, patient, as_user):
        api_client = as_user(patient)
        data = change_data(patient, is_active=False, status_reason="Fake bookings")
        response = admin_client(admin_user).post(user_url(patient), data)
        assert response.status_code == 302
        patient.refresh_from_db()
        assert patient.is_active is False
        assert patient.status_updated_by == admin_user
        assert api_client.get("/api/users/profile").status_code == 401

    def test_deactivate_needs_reason_and_not_self(self, admin_user, patient):
        # The form shows the service's own rules (user_status_check) before anything is saved.
        response = admin_client(admin_user).post(user_url(patient), change_data(patient, is_active=False))
        assert response.status_code == 200
        assert "A reason is required" in response.content.decode()
        own = change_data(admin_user, is_active=False, status_reason="Leaving")
        response = admin_client(admin_user).post(user_url(admin_user), own)
        assert response.status_code == 200
        assert "You cannot deactivate your own account" in response.content.decode()
        patient.refresh_from_db()
        admin_user.refresh_from_db()
        assert patient.is_active and admin_user.is_active

    def test_changed_mobile_number_must_be_valid(self, admin_user, patient):
        response = admin_client(admin_user).post(user_url(patient), change_data(patient, mobile_number="12345"))
        assert response.status_code == 200
        assert "valid 10-digit Indian mobile number" in response.content.decode()

    def test_delete_action_anonymises(self, admin_user, patient):
        response = admin_client(admin_user).post(
            "/admin/accounts/user/", {"action": "delete_accounts", "_selected_action": [str(patient.pk)]}
        )
        assert response.status_code == 302
        patient.refresh_from_db()
        assert patient.deleted_at is not None and patient.mobile_number is None

    def test_no_hard_delete(self, admin_user, patient):
        assert admin_client(admin_user).get(f"/admin/accounts/user/{patient.pk}/delete/").status_code == 403

    def test_deleted_user_shows_in_admin(self, admin_user, patient):
        user_delete_account(user=patient)
        assert admin_client(admin_user).get(user_url(patient)).status_code == 200


def change_data(user, **overrides) -> dict:
    data = {
        "mobile_number": user.mobile_number,
        "name": user.name,
        "email": user.email or "",
        "is_verified": "on" if user.is_verified else "",
        "date_of_birth": "",
        "gender": "",
        "address": "{}",
        "emergency_contact": "{}",
        "blood_group": "",
        "allergies": "",
        "medical_history": "[]",
        "is_active": "on",
        "status_reason": "",
    }
    if user.role == Role.PATIENT:  # the family inline's (read-only) formset, as the page posts it
        data |= {"family_members-TOTAL_FORMS": "0", "family_members-INITIAL_FORMS": "0"}
    for key, value in overrides.items():
        data[key] = ("on" if value else "") if isinstance(value, bool) else value
    return {key: value for key, value in data.items() if value != ""}
