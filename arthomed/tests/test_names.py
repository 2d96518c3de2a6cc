"""The one name rule (SPEC.md §4, arthomed/core/names.py) at every door that takes a person's name."""

import pytest

from arthomed import sms
from arthomed.core.names import is_person_name

pytestmark = pytest.mark.django_db

# One letter, thirty dots and a `!`: the old sign-in pattern backtracked on this for ~50 s.
EVIL_NAME = "a" + "." * 30 + "!"
GOOD = ["Asha Rao", "Dr. K. O'Brien-Smith", "अनुराग शर्मा", "ராஜா", "Zoë", "Ab"]
BAD = ["A", "a" * 101, "R2-D2", ".Asha", " -", "Asha_Rao", "Asha!", EVIL_NAME, "a" + " ." * 49 + "!"]


@pytest.mark.parametrize("name", GOOD)
def test_letters_of_any_script_spaces_dots_apostrophes_and_hyphens_pass(name):
    assert is_person_name(name)


@pytest.mark.parametrize("name", BAD)
def test_anything_else_fails(name):
    assert not is_person_name(name)


def field_errors(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


def test_verify_otp_refuses_the_backtracking_name(api):
    api.post("/api/auth/send-otp", {"mobileNumber": "9876543210"}, format="json")
    code = sms.outbox[-1].body[:6]
    body = {"mobileNumber": "9876543210", "otp": code, "name": EVIL_NAME}
    response = api.post("/api/auth/verify-otp", body, format="json")
    assert response.status_code == 400
    assert field_errors(response) == ["name"]


@pytest.mark.parametrize("name", ["अनुराग शर्मा", "Dr. K. O'Brien-Smith"])
def test_profile_update_and_verify_otp_accept_the_same_names(api, as_user, patient, name):
    assert as_user(patient).put("/api/users/profile", {"name": name}, format="json").status_code == 200
    api.post("/api/auth/send-otp", {"mobileNumber": "9876543211"}, format="json")
    body = {"mobileNumber": "9876543211", "otp": sms.outbox[-1].body[:6], "name": name}
    response = api.post("/api/auth/verify-otp", body, format="json")
    assert response.status_code == 200
    assert response.json()["data"]["user"]["name"] == name


@pytest.mark.parametrize("name", [EVIL_NAME, "R2-D2"])
def test_profile_update_and_admin_create_user_refuse_bad_names(as_user, patient, admin_user, name):
    response = as_user(patient).put("/api/users/profile", {"name": name}, format="json")
    assert (response.status_code, field_errors(response)) == (400, ["name"])
    body = {"mobileNumber": "9876543212", "name": name, "role": "receptionist"}
    response = as_user(admin_user).post("/api/admin/create-user", body, format="json")
    assert (response.status_code, field_errors(response)) == (400, ["name"])


def test_walk_in_names_follow_the_rule(as_user, receptionist, make_user):
    doctor = make_user("doctor", doctor_info={"specialization": "Sports Medicine"})
    body = {
        "doctorId": str(doctor.pk),
        "appointmentDate": "2030-01-07",
        "appointmentTime": "09:00",
        "reason": "Knee pain",
        "patientMobileNumber": "9876543213",
        "patientName": EVIL_NAME,
    }
    response = as_user(receptionist).post("/api/appointments/book", body, format="json")
    assert (response.status_code, field_errors(response)) == (400, ["patientName"])
