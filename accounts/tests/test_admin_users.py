"""Admin staff management: `POST /api/admin/create-user`, `GET /api/users`, `PUT /api/admin/users/:id/status`."""

import uuid

import pytest
import time_machine

from accounts.models import ScheduleBlock, User
from accounts.services.users import user_create, user_status_set
from accounts.tokens import tokens_for
from arthomed.core.errors import PermissionDenied, ValidationFailed
from arthomed.core.roles import Role

CREATE = "/api/admin/create-user"
LIST = "/api/users"


def status_url(user) -> str:
    return f"/api/admin/users/{user.id}/status"


@pytest.mark.django_db
class TestCreateUser:
    def test_create_receptionist(self, as_user, admin_user):
        body = {
            "mobileNumber": "+91 98765 43210",
            "name": "Rina Desk",
            "email": "Rina@Clinic.in",
            "role": "receptionist",
        }
        response = as_user(admin_user).post(CREATE, body, format="json")
        assert response.status_code == 201, response.json()
        user = response.json()["data"]["user"]
        assert user["mobileNumber"] == "9876543210"
        assert user["email"] == "rina@clinic.in"
        assert user["role"] == "receptionist"
        assert user["isVerified"] is True
        assert "doctorInfo" not in user and "patientInfo" not in user

    def test_create_doctor_with_info_and_schedule_in_one_call(self, as_user, admin_user):
        body = {
            "mobileNumber": "9876500001",
            "name": "Dr. Kiran Shah",
            "role": "doctor",
            "profile": {"gender": "male"},
            "doctorInfo": {
                "specialization": "Joint Replacement",
                "consultationFee": 900,
                "slotDuration": 15,
                "rating": 5,
                "schedule": [
                    {"day": "monday", "startTime": "09:00", "endTime": "13:00"},
                    {"day": "monday", "startTime": "16:00", "endTime": "19:00"},
                ],
            },
        }
        response = as_user(admin_user).post(CREATE, body, format="json")
        assert response.status_code == 201, response.json()
        info = response.json()["data"]["user"]["doctorInfo"]
        assert info["specialization"] == "Joint Replacement"
        assert info["consultationFee"] == 900
        assert info["slotDuration"] == 15
        assert info["rating"] == 0
        assert [block["startTime"] for block in info["schedule"]] == ["09:00", "16:00"]
        assert response.json()["data"]["user"]["profile"]["gender"] == "male"

    def test_create_patient_with_patient_info(self, as_user, admin_user):
        body = {
            "mobileNumber": "9876500002",
            "name": "Walk In",
            "role": "patient",
            "patientInfo": {"bloodGroup": "B-", "allergies": ["Latex"]},
        }
        response = as_user(admin_user).post(CREATE, body, format="json")
        assert response.status_code == 201
        assert response.json()["data"]["user"]["patientInfo"]["bloodGroup"] == "B-"

    def test_overlapping_schedule_refused_and_nothing_created(self, as_user, admin_user):
        body = {
            "mobileNumber": "9876500003",
            "name": "Dr Overlap",
            "role": "doctor",
            "doctorInfo": {
                "specialization": "Arthroscopy",
                "schedule": [
                    {"day": "monday", "startTime": "09:00", "endTime": "13:00"},
                    {"day": "monday", "startTime": "12:00", "endTime": "14:00"},
                ],
            },
        }
        response = as_user(admin_user).post(CREATE, body, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "doctorInfo.schedule[1].startTime"
        assert not User.objects.filter(mobile_number="9876500003").exists()

    def test_duplicate_mobile_is_409(self, as_user, admin_user, patient):
        body = {"mobileNumber": patient.mobile_number, "name": "Someone Else", "role": "patient"}
        response = as_user(admin_user).post(CREATE, body, format="json")
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "ALREADY_EXISTS"

    def test_duplicate_email_is_409(self, as_user, admin_user, make_user):
        make_user(Role.PATIENT, email="dup@example.com")
        body = {"mobileNumber": "9876500004", "name": "Dup Mail", "email": "DUP@example.com", "role": "patient"}
        response = as_user(admin_user).post(CREATE, body, format="json")
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "ALREADY_EXISTS"

    @pytest.mark.parametrize(
        ("body", "field", "code"),
        [
            ({"mobileNumber": "12345", "name": "Bad Number", "role": "patient"}, None, "INVALID_MOBILE_NUMBER"),
            ({"mobileNumber": "9876500005", "name": "X", "role": "patient"}, "name", "VALIDATION_ERROR"),
            ({"mobileNumber": "9876500005", "name": "No Role"}, "role", "VALIDATION_ERROR"),
            ({"mobileNumber": "9876500005", "name": "Bad Role", "role": "superuser"}, "role", "VALIDATION_ERROR"),
            ({"mobileNumber": "9876500005", "name": "Doc NoInfo", "role": "doctor"}, "doctorInfo", "VALIDATION_ERROR"),
            (
                {"mobileNumber": "9876500005", "name": "Doc NoSpec", "role": "doctor", "doctorInfo": {}},
                "doctorInfo.specialization",
                "VALIDATION_ERROR",
            ),
            (
                {
                    "mobileNumber": "9876500005",
                    "name": "Rec Info",
                    "role": "receptionist",
                    "doctorInfo": {"specialization": "X"},
                },
                "doctorInfo",
                "VALIDATION_ERROR",
            ),
            (
                {"mobileNumber": "9876500005", "name": "Doc Pat", "role": "admin", "patientInfo": {}},
                "patientInfo",
                "VALIDATION_ERROR",
            ),
        ],
    )
    def test_validation(self, as_user, admin_user, body, field, code):
        response = as_user(admin_user).post(CREATE, body, format="json")
        assert response.status_code == 400
        payload = response.json()
        assert payload["error"]["code"] == code
        if field:
            assert field in [error["field"] for error in payload["errors"]]

    def test_service_creates_schedule(self, db):
        from datetime import time

        user = user_create(
            mobile_number="9876500006",
            name="Service Doc",
            role=Role.DOCTOR,
            doctor_info={
                "specialization": "Sports Medicine",
                "schedule": [{"day": "friday", "start_time": time(9), "end_time": time(12)}],
            },
        )
        assert ScheduleBlock.objects.filter(doctor=user, day="friday").count() == 1
        assert user.doctor_profile.specialization == "Sports Medicine"


@pytest.mark.django_db
class TestUserList:
    @pytest.fixture
    def people(self, make_user, admin_user):
        with time_machine.travel("2026-01-01 10:00 +0530", tick=False):
            old = make_user(Role.PATIENT, name="Old Patient", mobile_number="9811111111")
        with time_machine.travel("2026-01-02 10:00 +0530", tick=False):
            doc = make_user(Role.DOCTOR, name="Doc Tor", mobile_number="9822222222")
        with time_machine.travel("2026-01-03 10:00 +0530", tick=False):
            new = make_user(Role.PATIENT, name="New Patient", mobile_number="9833333333")
        user_status_set(actor=admin_user, user=old, is_active=False, reason="Duplicate account")
        return {"old": old, "doc": doc, "new": new}

    def test_newest_first_paginated(self, as_user, admin_user, people):
        response = as_user(admin_user).get(LIST, {"limit": 2})
        assert response.status_code == 200
        data = response.json()["data"]
        assert data["pagination"]["total"] == 4
        # The admin fixture was created "now" (after the travelled dates).
        assert [item["name"] for item in data["items"]] == ["Asha Admin", "New Patient"]

    def test_filters(self, as_user, admin_user, people):
        client = as_user(admin_user)
        names = lambda params: [item["name"] for item in client.get(LIST, params).json()["data"]["items"]]  # noqa: E731
        assert names({"role": "patient"}) == ["New Patient", "Old Patient"]
        assert names({"role": "patient", "isActive": "false"}) == ["Old Patient"]
        assert names({"isActive": "true", "role": "doctor"}) == ["Doc Tor"]
        assert names({"search": "patient"}) == ["New Patient", "Old Patient"]
        assert names({"search": "22222"}) == ["Doc Tor"]
        assert names({"search": "98333"}) == ["New Patient"]

    @pytest.mark.parametrize("params", [{"role": "boss"}, {"isActive": "maybe"}, {"page": "0"}, {"limit": "x"}])
    def test_bad_filters_are_400(self, as_user, admin_user, params):
        response = as_user(admin_user).get(LIST, params)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"

    def test_query_count_constant(self, as_user, admin_user, make_user, django_assert_max_num_queries):
        for _ in range(10):
            make_user(Role.DOCTOR)
        client = as_user(admin_user)
        with django_assert_max_num_queries(4):  # auth user + count + page + schedule prefetch
            small = client.get(LIST, {"limit": 2})
        with django_assert_max_num_queries(4):
            large = client.get(LIST, {"limit": 11})
        assert len(small.json()["data"]["items"]) == 2
        assert len(large.json()["data"]["items"]) == 11


@pytest.mark.django_db
class TestUserStatus:
    def test_deactivate_records_who_when_why_and_revokes_tokens(self, as_user, admin_user, patient):
        patient_client = as_user(patient)
        assert patient_client.get("/api/users/profile").status_code == 200
        with time_machine.travel("2026-02-01 09:00 +0530", tick=False):
            response = as_user(admin_user).put(
                status_url(patient), {"isActive": False, "reason": "Abusive behaviour"}, format="json"
            )
        assert response.status_code == 200, response.json()
        user = response.json()["data"]["user"]
        assert user == {
            "_id": str(patient.id),
            "isActive": False,
            "statusReason": "Abusive behaviour",
            "statusUpdatedAt": "2026-02-01T09:00:00.000+05:30",
            "statusUpdatedBy": str(admin_user.id),
        }
        after = patient_client.get("/api/users/profile")
        assert after.status_code == 401
        assert after.json()["error"]["code"] in {"USER_INACTIVE", "TOKEN_INVALID"}

    def test_reactivated_user_needs_new_tokens(self, as_user, admin_user, patient):
        old_client = as_user(patient)
        user_status_set(actor=admin_user, user=patient, is_active=False, reason="Mistake")
        response = as_user(admin_user).put(status_url(patient), {"isActive": True, "reason": "Fixed"}, format="json")
        assert response.status_code == 200
        assert response.json()["data"]["user"]["isActive"] is True
        assert old_client.get("/api/users/profile").status_code == 401
        patient.refresh_from_db()
        assert as_user(patient).get("/api/users/profile").status_code == 200

    def test_admin_cannot_deactivate_self(self, as_user, admin_user):
        response = as_user(admin_user).put(status_url(admin_user), {"isActive": False, "reason": "x"}, format="json")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "PERMISSION_DENIED"
        admin_user.refresh_from_db()
        assert admin_user.is_active

    def test_reason_required_to_deactivate(self, as_user, admin_user, patient):
        response = as_user(admin_user).put(status_url(patient), {"isActive": False}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "reason"

    @pytest.mark.parametrize("user_id", ["nope", str(uuid.uuid4())])
    def test_unknown_user_404(self, as_user, admin_user, user_id):
        response = as_user(admin_user).put(f"/api/admin/users/{user_id}/status", {"isActive": True}, format="json")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "USER_NOT_FOUND"

    def test_missing_is_active_is_400(self, as_user, admin_user, patient):
        response = as_user(admin_user).put(status_url(patient), {"reason": "x"}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "isActive"

    def test_service_rules(self, admin_user, patient):
        version = patient.token_version
        user = user_status_set(actor=admin_user, user=patient, is_active=False, reason="Left")
        assert user.token_version == version + 1
        assert user.status_updated_by_id == admin_user.id
        with pytest.raises(PermissionDenied):
            user_status_set(actor=admin_user, user=admin_user, is_active=False, reason="Oops")
        with pytest.raises(ValidationFailed):
            user_status_set(actor=admin_user, user=patient, is_active=False, reason="  ")

    def test_refresh_token_dies_with_deactivation(self, api, admin_user, patient):
        refresh = tokens_for(patient)["refreshToken"]
        user_status_set(actor=admin_user, user=patient, is_active=False, reason="Left")
        response = api.post("/api/auth/refresh-token", {"refreshToken": refresh}, format="json")
        assert response.status_code == 401
