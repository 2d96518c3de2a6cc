"""`GET|PUT /api/users/profile`: shapes, validation, partial updates, fields users may not change."""

import pytest

from accounts.models import User
from accounts.services.users import user_profile_update
from arthomed.core.errors import ValidationFailed
from arthomed.core.roles import Role

URL = "/api/users/profile"


@pytest.mark.django_db
class TestProfileRead:
    def test_patient_profile_has_patient_info_not_doctor_info(self, as_user, patient):
        response = as_user(patient).get(URL)
        assert response.status_code == 200
        body = response.json()
        assert body["success"] is True
        user = body["data"]["user"]
        assert user["_id"] == str(patient.id)
        assert user["mobileNumber"] == patient.mobile_number
        assert user["role"] == "patient"
        assert set(user["profile"]) == {"dateOfBirth", "gender", "address", "emergencyContact"}
        assert user["patientInfo"] == {"bloodGroup": "", "allergies": [], "medicalHistory": []}
        assert "doctorInfo" not in user
        assert "password" not in user and "tokenVersion" not in user

    def test_doctor_profile_has_doctor_info(self, as_user, doctor):
        user = as_user(doctor).get(URL).json()["data"]["user"]
        assert "patientInfo" not in user
        assert user["doctorInfo"]["slotDuration"] == 30
        assert user["doctorInfo"]["schedule"] == []

    def test_anonymous_is_refused(self, api):
        response = api.get(URL)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "AUTHENTICATION_REQUIRED"


@pytest.mark.django_db
class TestProfileUpdate:
    def test_nested_update_and_partial_merge(self, as_user, patient):
        client = as_user(patient)
        first = {
            "name": "Priya Sharma",
            "email": "Priya.Sharma@Example.COM",
            "profile": {
                "dateOfBirth": "1990-01-15",
                "gender": "female",
                "address": {"street": "1 MG Road", "city": "Pune", "pincode": "411001", "country": "India"},
                "emergencyContact": {"name": "Ravi", "relationship": "brother", "mobileNumber": "+91 98765 43210"},
            },
            "patientInfo": {
                "bloodGroup": "O+",
                "allergies": ["Penicillin"],
                "medicalHistory": [{"condition": "ACL tear", "diagnosedDate": "2020-03-01", "treatment": "Surgery"}],
            },
        }
        response = client.put(URL, first, format="json")
        assert response.status_code == 200, response.json()
        user = response.json()["data"]["user"]
        assert user["email"] == "priya.sharma@example.com"
        assert user["profile"]["emergencyContact"]["mobileNumber"] == "9876543210"
        assert user["patientInfo"]["medicalHistory"][0]["diagnosedDate"] == "2020-03-01"

        # Only the city is sent: everything else stays.
        response = client.put(URL, {"profile": {"address": {"city": "Mumbai"}}}, format="json")
        user = response.json()["data"]["user"]
        assert user["name"] == "Priya Sharma"
        assert user["email"] == "priya.sharma@example.com"
        assert user["profile"]["address"] == {
            "street": "1 MG Road",
            "city": "Mumbai",
            "pincode": "411001",
            "country": "India",
        }
        assert user["profile"]["dateOfBirth"] == "1990-01-15"
        assert user["profile"]["emergencyContact"]["name"] == "Ravi"
        assert user["patientInfo"]["bloodGroup"] == "O+"
        assert user["patientInfo"]["allergies"] == ["Penicillin"]

    def test_empty_body_changes_nothing(self, as_user, patient):
        response = as_user(patient).put(URL, {}, format="json")
        assert response.status_code == 200
        patient.refresh_from_db()
        assert patient.name == "Priya Patient"

    def test_role_active_and_mobile_number_are_ignored(self, as_user, patient):
        original_mobile = patient.mobile_number
        response = as_user(patient).put(
            URL, {"role": "admin", "isActive": False, "mobileNumber": "9123456789", "name": "New Name"}, format="json"
        )
        assert response.status_code == 200
        patient.refresh_from_db()
        assert patient.role == Role.PATIENT
        assert patient.is_active is True
        assert patient.mobile_number == original_mobile
        assert patient.name == "New Name"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"name": "A"}, "name"),
            ({"name": "R2D2"}, "name"),
            ({"name": "x" * 101}, "name"),
            ({"email": "not-an-email"}, "email"),
            ({"profile": {"address": {"pincode": "12345"}}}, "profile.address.pincode"),
            ({"profile": {"gender": "robot"}}, "profile.gender"),
            ({"profile": {"dateOfBirth": "2999-01-01"}}, "profile.dateOfBirth"),
            ({"patientInfo": {"bloodGroup": "C+"}}, "patientInfo.bloodGroup"),
            ({"patientInfo": {"medicalHistory": [{"treatment": "x"}]}}, "patientInfo.medicalHistory[0].condition"),
        ],
    )
    def test_validation_errors_name_the_field(self, as_user, patient, body, field):
        response = as_user(patient).put(URL, body, format="json")
        assert response.status_code == 400
        payload = response.json()
        assert payload["error"]["code"] == "VALIDATION_ERROR"
        assert field in [error["field"] for error in payload["errors"]]

    def test_bad_emergency_mobile_is_refused(self, as_user, patient):
        response = as_user(patient).put(
            URL, {"profile": {"emergencyContact": {"mobileNumber": "12345"}}}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "INVALID_MOBILE_NUMBER"

    def test_an_email_held_by_another_account_is_not_attached_and_the_answer_does_not_say(
        self, as_user, make_user, patient
    ):
        make_user(Role.PATIENT, email="taken@example.com")
        User.objects.filter(pk=patient.pk).update(email="mine@example.com")
        taken = as_user(patient).put(URL, {"email": "TAKEN@example.com", "name": "Priya P"}, format="json")
        assert taken.status_code == 200
        free = as_user(patient).put(URL, {"email": "new@example.com", "name": "Priya Q"}, format="json")
        assert taken.json()["message"] == free.json()["message"]
        assert taken.json()["data"]["user"]["name"] == "Priya P"  # the rest of the update applied
        assert User.objects.filter(email="taken@example.com").count() == 1
        patient.refresh_from_db()
        assert patient.email == "new@example.com"

    def test_keeping_own_email_is_fine_and_blank_clears_it(self, as_user, make_user):
        user = make_user(Role.PATIENT, email="me@example.com")
        client = as_user(user)
        assert client.put(URL, {"email": "ME@example.com"}, format="json").status_code == 200
        assert client.put(URL, {"email": ""}, format="json").status_code == 200
        user.refresh_from_db()
        assert user.email is None

    def test_doctor_edits_doctor_info_but_not_rating(self, as_user, doctor):
        response = as_user(doctor).put(
            URL,
            {
                "doctorInfo": {
                    "specialization": "Sports Medicine",
                    "consultationFee": 750.5,
                    "experience": 12,
                    "about": "Knees.",
                    "rating": 5,
                    "ratingCount": 999,
                }
            },
            format="json",
        )
        assert response.status_code == 200, response.json()
        info = response.json()["data"]["user"]["doctorInfo"]
        assert info["specialization"] == "Sports Medicine"
        assert info["consultationFee"] == 750.5
        assert info["experience"] == 12
        assert info["rating"] == 0
        assert info["ratingCount"] == 0
        doctor.doctor_profile.refresh_from_db()
        assert doctor.doctor_profile.rating_count == 0

    def test_doctor_info_partial_keeps_other_fields(self, as_user, doctor):
        client = as_user(doctor)
        client.put(URL, {"doctorInfo": {"qualification": "MS Ortho"}}, format="json")
        client.put(URL, {"doctorInfo": {"experience": 3}}, format="json")
        doctor.doctor_profile.refresh_from_db()
        assert doctor.doctor_profile.qualification == "MS Ortho"
        assert doctor.doctor_profile.experience == 3

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"doctorInfo": {"consultationFee": -1}}, "doctorInfo.consultationFee"),
            ({"doctorInfo": {"consultationFee": 10.555}}, "doctorInfo.consultationFee"),
            ({"doctorInfo": {"slotDuration": 5}}, "doctorInfo.slotDuration"),
            ({"doctorInfo": {"slotDuration": 121}}, "doctorInfo.slotDuration"),
        ],
    )
    def test_doctor_info_validation(self, as_user, doctor, body, field):
        response = as_user(doctor).put(URL, body, format="json")
        assert response.status_code == 400
        assert [error["field"] for error in response.json()["errors"]] == [field]

    def test_patient_cannot_send_doctor_info(self, as_user, patient):
        response = as_user(patient).put(URL, {"doctorInfo": {"specialization": "Fake"}}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "doctorInfo"

    def test_doctor_cannot_send_patient_info(self, as_user, doctor):
        response = as_user(doctor).put(URL, {"patientInfo": {"bloodGroup": "O+"}}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "patientInfo"

    def test_malformed_json_is_a_validation_error(self, as_user, patient):
        response = as_user(patient).generic("PUT", URL, "{not json", content_type="application/json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"


@pytest.mark.django_db
class TestProfileService:
    def test_duplicate_email_is_not_attached(self, make_user):
        make_user(Role.PATIENT, email="a@example.com")
        other = make_user(Role.PATIENT, email="b@example.com")
        assert user_profile_update(user=other, data={"email": "a@example.com"}).email == "b@example.com"

    def test_role_specific_blocks_checked(self, make_user):
        receptionist = make_user(Role.RECEPTIONIST)
        with pytest.raises(ValidationFailed):
            user_profile_update(user=receptionist, data={"doctor_info": {"about": "x"}})
        with pytest.raises(ValidationFailed):
            user_profile_update(user=receptionist, data={"patient_info": {"allergies": []}})
