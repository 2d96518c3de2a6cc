"""`DELETE /api/users/profile` and `user_delete_account`: erase, revoke, free the number, keep the row.

Cancelling the user's future appointments is the appointments app's receiver of
`account_deleting`; its test lives there. Here: the signal is sent, in the transaction.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accounts.models import User
from accounts.services.users import DELETED_NAME, user_create, user_delete_account
from accounts.signals import account_deleting
from accounts.tokens import tokens_for
from arthomed.core.roles import Role

URL = "/api/users/profile"


@pytest.fixture
def full_patient(make_user):
    user = make_user(Role.PATIENT, name="Meera Nair", email="meera@example.com")
    user.date_of_birth = "1985-05-05"
    user.gender = "female"
    user.address = {"street": "4 Beach Rd", "city": "Kochi", "pincode": "682001"}
    user.emergency_contact = {"name": "Anil", "relationship": "husband", "mobileNumber": "9876543210"}
    user.blood_group = "A+"
    user.allergies = ["Sulfa"]
    user.save()
    return user


@pytest.fixture
def signal_calls():
    calls = []

    def receiver(sender, user, **kwargs):
        calls.append((user.pk, user.name))

    account_deleting.connect(receiver, dispatch_uid="test-account-deleting")
    yield calls
    account_deleting.disconnect(dispatch_uid="test-account-deleting")


@pytest.mark.django_db
class TestDeleteOwnAccount:
    def test_api_deletes_erases_and_revokes(self, as_user, full_patient, signal_calls):
        client = as_user(full_patient)
        number = full_patient.mobile_number
        response = client.delete(URL)
        assert response.status_code == 200, response.json()
        assert response.json()["success"] is True

        row = User.objects.get(pk=full_patient.pk)  # the row stays for clinical records
        assert row.name == DELETED_NAME
        assert row.email is None
        assert row.mobile_number is None
        assert row.date_of_birth is None
        assert row.gender == ""
        assert row.address == {}
        assert row.emergency_contact == {}
        assert row.is_active is False
        assert row.deleted_at is not None
        # Clinical data stays against the anonymised patient.
        assert row.blood_group == "A+"
        assert row.allergies == ["Sulfa"]
        # The receiver saw the user before erasure.
        assert signal_calls == [(full_patient.pk, "Meera Nair")]

        # Tokens are dead at once.
        assert client.get(URL).status_code == 401
        # The number is free: a new account can be made with it.
        fresh = user_create(mobile_number=number, name="New Owner")
        assert fresh.pk != full_patient.pk

    def test_refresh_token_revoked(self, api, full_patient):
        refresh = tokens_for(full_patient)["refreshToken"]
        user_delete_account(user=full_patient)
        assert api.post("/api/auth/refresh-token", {"refreshToken": refresh}, format="json").status_code == 401

    def test_avatar_file_erased(self, full_patient, django_capture_on_commit_callbacks):
        name = default_storage.save("uploads/profiles/avatar.png", ContentFile(b"\x89PNG fake"))
        avatar = full_patient.owned_files.create(
            kind="profiles", file=name, mime_type="image/png", size=9, sha256="0" * 64, uploaded_by=full_patient
        )
        full_patient.avatar = avatar
        full_patient.save()
        with django_capture_on_commit_callbacks(execute=True):
            user_delete_account(user=full_patient)
        full_patient.refresh_from_db()
        assert full_patient.avatar_id is None
        assert not full_patient.owned_files.filter(pk=avatar.pk).exists()
        assert not default_storage.exists(name)

    def test_receiver_failure_aborts_everything(self, full_patient):
        def refuse(sender, user, **kwargs):
            raise RuntimeError("cannot cancel")

        account_deleting.connect(refuse, dispatch_uid="test-refuse")
        try:
            with pytest.raises(RuntimeError):
                user_delete_account(user=full_patient)
        finally:
            account_deleting.disconnect(dispatch_uid="test-refuse")
        full_patient.refresh_from_db()
        assert full_patient.name == "Meera Nair"
        assert full_patient.is_active is True

    def test_deleting_twice_is_harmless(self, full_patient, signal_calls):
        user_delete_account(user=full_patient)
        user_delete_account(user=full_patient)
        assert len(signal_calls) == 1

    @pytest.mark.parametrize("role", [Role.ADMIN, Role.DOCTOR, Role.RECEPTIONIST])
    def test_every_role_may_delete_own_account(self, as_user, make_user, role):
        user = make_user(role)
        assert as_user(user).delete(URL).status_code == 200
        user.refresh_from_db()
        assert user.deleted_at is not None

    def test_deleted_doctor_leaves_the_directory(self, api, as_user, doctor):
        as_user(doctor).delete(URL)
        assert api.get("/api/users/doctors").json()["data"]["items"] == []

    def test_deleted_accounts_hidden_from_admin_list(self, as_user, admin_user, full_patient):
        user_delete_account(user=full_patient)
        items = as_user(admin_user).get("/api/users").json()["data"]["items"]
        assert str(full_patient.pk) not in [item["_id"] for item in items]

    def test_anonymous_cannot_delete(self, api):
        assert api.delete(URL).status_code == 401


def _sent_code() -> str:
    import re

    from arthomed import sms

    return re.match(r"\d{6}", sms.outbox[-1].body).group(0)


@pytest.mark.django_db
class TestAccountDeletionPage:
    PAGE = "/account-deletion"

    def test_public_page_explains_deletion(self, client):
        response = client.get(self.PAGE)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        content = response.content.decode()
        assert "What happens when you delete your account" in content
        assert "What the clinic keeps" in content
        assert 'name="mobile_number"' in content

    def test_logged_out_person_deletes_with_otp(self, client, full_patient):
        step1 = client.post(self.PAGE, {"mobile_number": full_patient.mobile_number, "action": "send"})
        assert step1.status_code == 200
        assert "We have sent a 6-digit code" in step1.content.decode()
        step2 = client.post(
            self.PAGE,
            {"mobile_number": full_patient.mobile_number, "otp": _sent_code(), "confirm": "on", "action": "delete"},
        )
        assert step2.status_code == 200
        assert "Your account has been deleted" in step2.content.decode()
        full_patient.refresh_from_db()
        assert full_patient.deleted_at is not None
        assert full_patient.mobile_number is None

    def test_confirmation_needed_and_code_not_spent_without_it(self, client, full_patient):
        client.post(self.PAGE, {"mobile_number": full_patient.mobile_number, "action": "send"})
        code = _sent_code()
        response = client.post(self.PAGE, {"mobile_number": full_patient.mobile_number, "otp": code})
        assert "Tick the box to confirm" in response.content.decode()
        full_patient.refresh_from_db()
        assert full_patient.deleted_at is None
        response = client.post(self.PAGE, {"mobile_number": full_patient.mobile_number, "otp": code, "confirm": "on"})
        assert "Your account has been deleted" in response.content.decode()

    def test_wrong_code_deletes_nothing(self, client, full_patient):
        client.post(self.PAGE, {"mobile_number": full_patient.mobile_number, "action": "send"})
        wrong = "000000" if _sent_code() != "000000" else "111111"
        response = client.post(self.PAGE, {"mobile_number": full_patient.mobile_number, "otp": wrong, "confirm": "on"})
        assert "Invalid OTP" in response.content.decode()
        full_patient.refresh_from_db()
        assert full_patient.deleted_at is None

    def test_unknown_number_same_answer_until_a_valid_code_is_given(self, client, full_patient):
        answers = []
        for number in (full_patient.mobile_number, "9123456780"):
            sent = client.post(self.PAGE, {"mobile_number": number, "action": "send"})
            again = client.post(self.PAGE, {"mobile_number": number, "action": "send"})
            answers.append((sent.context["form"].errors, again.context["form"].errors))
        assert answers[0] == answers[1]
        response = client.post(self.PAGE, {"mobile_number": "9123456780", "otp": _sent_code(), "confirm": "on"})
        assert "There is no active account with this mobile number" in response.content.decode()

    def test_csrf_enforced(self, full_patient):
        from django.test import Client

        response = Client(enforce_csrf_checks=True).post(self.PAGE, {"mobile_number": full_patient.mobile_number})
        assert response.status_code == 403
