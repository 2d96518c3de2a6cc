"""Every example of LEGACY_API.md, replayed as written (SPEC.md §5 "Old-API fidelity").

Requests are the documented ones (paths, bodies, form fields, query strings) with real ids
and a date the clinic can book substituted. Each answer is checked against the documented
example: every field it shows is present, with the JSON type shown; documented texts and
values are compared exactly. Where the documentation's JSON is damaged, each reasonable
reading of the request is replayed.
"""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import ScheduleBlock, User
from appointments.models import Appointment
from arthomed import sms
from arthomed.core.roles import Role
from files.tests.support import jpeg_bytes, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 3, 1, 10, 0, tzinfo=IST)  # a Sunday
VISIT_DAY = "2026-03-05"  # the Thursday after (the documented 2024-02-15 was a Thursday too)
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+05:30$")


def assert_shape(actual, example, path="data"):
    """`actual` has every field of the documented `example`, each with the JSON type shown."""
    if isinstance(example, dict):
        assert isinstance(actual, dict), f"{path}: expected an object, got {actual!r}"
        for key, value in example.items():
            assert key in actual, f"{path}.{key} missing"
            assert_shape(actual[key], value, f"{path}.{key}")
    elif isinstance(example, list):
        assert isinstance(actual, list), f"{path}: expected an array, got {actual!r}"
        for item in actual if example else []:
            assert_shape(item, example[0], f"{path}[]")
    elif isinstance(example, bool):
        assert isinstance(actual, bool), f"{path}: expected a boolean, got {actual!r}"
    elif isinstance(example, int | float):
        assert isinstance(actual, int | float) and not isinstance(actual, bool), f"{path}: expected a number"
    elif isinstance(example, str):
        assert isinstance(actual, str), f"{path}: expected a string, got {actual!r}"


def assert_timestamp(value):
    assert TIMESTAMP.match(value), value


@pytest.fixture(autouse=True)
def sunday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def john(make_user):
    return make_user(Role.PATIENT, name="John Doe", mobile_number="9876543210", email="john@example.com")


@pytest.fixture
def jane(make_user):
    """The documented doctor: Thursdays 09:00-17:00, 30-minute slots, fee 500."""
    doctor = make_user(
        Role.DOCTOR,
        name="Dr Jane Smith",
        email="jane@example.com",
        doctor_info={
            "specialization": "Cardiology",
            "qualification": "MBBS, MD",
            "experience": 10,
            "consultation_fee": Decimal("500"),
        },
    )
    ScheduleBlock.objects.create(doctor=doctor, day="thursday", start_time=dt.time(9), end_time=dt.time(17))
    doctor.doctor_profile.rating = Decimal("4.8")
    doctor.doctor_profile.save()
    return doctor


def book(client, doctor, **files):
    """The documented booking form, multipart, `images` as documented."""
    form = {
        "doctorId": str(doctor.pk),
        "appointmentDate": VISIT_DAY,
        "appointmentTime": "10:00",
        "purposeOfVisit": "Regular checkup",
        "reason": "Annual health checkup",
        "symptoms": "No specific symptoms",
        **files,
    }
    return client.post("/api/appointments/book", form, format="multipart")


@pytest.fixture
def booked(as_user, john, jane):
    response = book(as_user(john), jane)
    assert response.status_code == 201, response.json()
    return Appointment.objects.get(pk=response.json()["data"]["appointment"]["_id"])


# --- Authentication --------------------------------------------------------------------


def sign_in(api) -> dict:
    """Send OTP, then Verify OTP, exactly as documented; returns the verify answer."""
    sent = api.post("/api/auth/send-otp", {"mobileNumber": "9876543210"}, format="json")
    assert sent.status_code == 200
    body = sent.json()
    assert (body["success"], body["message"]) == (True, "OTP sent successfully")
    assert body["data"]["message"] == "OTP sent to your mobile number"
    assert body["data"]["expiresIn"] == 300
    code = re.match(r"^(\d{6}) ", sms.outbox[-1].body).group(1)
    verified = api.post("/api/auth/verify-otp", {"mobileNumber": "9876543210", "otp": code}, format="json")
    assert verified.status_code == 200
    return verified.json()


def test_send_and_verify_otp(api, john):
    body = sign_in(api)
    assert (body["success"], body["message"]) == (True, "OTP verified successfully")
    example = {
        "user": {
            "_id": "64f1234567890abcdef12345",
            "mobileNumber": "9876543210",
            "name": "John Doe",
            "role": "patient",
            "isVerified": True,
        },
        "tokens": {"accessToken": "eyJ...", "refreshToken": "eyJ...", "expiresIn": 3600},
    }
    assert_shape(body["data"], example)
    user = body["data"]["user"]
    assert (user["_id"], user["mobileNumber"], user["name"], user["role"]) == (
        str(john.pk),
        "9876543210",
        "John Doe",
        "patient",
    )
    assert user["isVerified"] is True
    assert body["data"]["tokens"]["expiresIn"] == 3600


def test_refresh_token(api, john):
    tokens = sign_in(api)["data"]["tokens"]
    response = api.post("/api/auth/refresh-token", {"refreshToken": tokens["refreshToken"]}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["success"], body["message"]) == (True, "Token refreshed successfully")
    assert_shape(body["data"], {"accessToken": "eyJ...", "expiresIn": 3600})


def test_logout(api, john):
    tokens = sign_in(api)["data"]["tokens"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['accessToken']}")
    response = api.post("/api/auth/logout", format="json")
    assert response.status_code == 200
    assert response.json()["success"] is True
    assert response.json()["message"] == "Logged out successfully"


# --- User management ---------------------------------------------------------------------

ADDRESS = {"street": "456 New St", "city": "Mumbai", "state": "Maharashtra", "pincode": "400002", "country": "India"}
PATIENT_INFO = {"bloodGroup": "O+", "allergies": ["Penicillin", "Dust"]}
PROFILE = {"dateOfBirth": "1990-01-15", "gender": "male", "address": ADDRESS}
PROFILE_BODIES = {
    # As printed: `profile` is never closed, so `patientInfo` sits inside it.
    "patientInfo-inside-profile": {
        "name": "John Smith",
        "email": "johnsmith@example.com",
        "profile": {**PROFILE, "patientInfo": PATIENT_INFO},
    },
    # As meant: `patientInfo` beside `profile`.
    "patientInfo-at-root": {
        "name": "John Smith",
        "email": "johnsmith@example.com",
        "profile": PROFILE,
        "patientInfo": PATIENT_INFO,
    },
}
PROFILE_EXAMPLE = {
    "_id": "64f1234567890abcdef12345",
    "mobileNumber": "9876543210",
    "name": "John Doe",
    "email": "john@example.com",
    "role": "patient",
    "isActive": True,
    "isVerified": True,
    "profile": {
        "dateOfBirth": "1990-01-15",
        "gender": "male",
        "address": {"street": "", "city": "", "state": "", "pincode": "", "country": ""},
    },
    "patientInfo": {"bloodGroup": "O+", "allergies": ["Penicillin"], "medicalHistory": []},
    "createdAt": "2024-01-15T10:30:00.000Z",
    "updatedAt": "2024-01-15T10:30:00.000Z",
}


@pytest.mark.parametrize("reading", sorted(PROFILE_BODIES))
def test_update_then_get_profile(as_user, john, reading):
    client = as_user(john)
    response = client.put("/api/users/profile", PROFILE_BODIES[reading], format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["success"], body["message"]) == (True, "Profile updated successfully")
    assert isinstance(body["data"]["user"], dict)

    response = client.get("/api/users/profile")
    assert response.status_code == 200
    user = response.json()["data"]["user"]
    assert_shape(user, PROFILE_EXAMPLE)
    assert (user["name"], user["email"]) == ("John Smith", "johnsmith@example.com")
    assert user["profile"]["address"] == ADDRESS
    assert (user["profile"]["dateOfBirth"], user["profile"]["gender"]) == ("1990-01-15", "male")
    assert user["patientInfo"] == {"bloodGroup": "O+", "allergies": ["Penicillin", "Dust"], "medicalHistory": []}
    assert_timestamp(user["createdAt"])
    assert_timestamp(user["updatedAt"])


def test_emergency_contact_inside_patient_info(as_user, john):
    contact = {"name": "Mary Doe", "relationship": "spouse", "mobileNumber": "9123456780"}
    body = {"patientInfo": {"bloodGroup": "A+", "emergencyContact": contact}}
    response = as_user(john).put("/api/users/profile", body, format="json")
    assert response.status_code == 200, response.json()
    user = response.json()["data"]["user"]
    assert user["profile"]["emergencyContact"] == contact
    assert user["patientInfo"]["bloodGroup"] == "A+"


def test_validation_error_format(as_user, john):
    response = as_user(john).put("/api/users/profile", {"email": "invalid-email"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["success"], body["message"]) == (False, "Validation failed")
    assert_shape(body["errors"], [{"field": "email", "message": "...", "value": "invalid-email"}])
    assert body["errors"][0]["field"] == "email"
    assert body["errors"][0]["value"] == "invalid-email"


def test_get_all_users(as_user, admin_user, make_user):
    make_user(
        Role.DOCTOR,
        name="Dr John Doe",
        email="john@example.com",
        doctor_info={"specialization": "Cardiology", "qualification": "MBBS, MD", "experience": 10},
    )
    make_user(Role.DOCTOR, name="Dr Other Person")
    make_user(Role.PATIENT, name="John Patient")
    response = as_user(admin_user).get("/api/users?page=1&limit=10&role=doctor&search=john")
    assert response.status_code == 200
    data = response.json()["data"]
    example = {
        "items": [
            {
                "_id": "64f1234567890abcdef12345",
                "mobileNumber": "9876543210",
                "name": "Dr. John Doe",
                "email": "john@example.com",
                "role": "doctor",
                "isActive": True,
                "isVerified": True,
                "doctorInfo": {
                    "specialization": "Cardiology",
                    "qualification": "MBBS, MD",
                    "experience": 10,
                    "consultationFee": 500,
                },
                "createdAt": "2024-01-15T10:30:00.000Z",
            }
        ],
        "pagination": {"current": 1, "pages": 5, "total": 50, "limit": 10, "hasNext": True, "hasPrev": False},
    }
    assert_shape(data, example)
    assert [item["name"] for item in data["items"]] == ["Dr John Doe"]
    assert data["pagination"] == {"current": 1, "pages": 1, "total": 1, "limit": 10, "hasNext": False, "hasPrev": False}


def test_get_doctors_list(api, jane):
    response = api.get("/api/users/doctors")
    assert response.status_code == 200
    data = response.json()["data"]
    example = {
        "items": [
            {
                "_id": "64f1234567890abcdef12345",
                "name": "Dr. John Doe",
                "doctorInfo": {
                    "specialization": "Cardiology",
                    "qualification": "MBBS, MD",
                    "experience": 10,
                    "consultationFee": 500,
                    "schedule": [{"day": "monday", "startTime": "09:00", "endTime": "17:00", "isAvailable": True}],
                },
                "isActive": True,
            }
        ],
        "pagination": {"current": 1, "pages": 3, "total": 25, "limit": 10},
    }
    assert_shape(data, example)
    [doctor] = data["items"]
    assert doctor["doctorInfo"]["schedule"] == [
        {"day": "thursday", "startTime": "09:00", "endTime": "17:00", "isAvailable": True}
    ]


# --- Appointments --------------------------------------------------------------------------

BOOKED_EXAMPLE = {
    "_id": "64f9876543210fedcba09876",
    "patient": {"_id": "64f1234567890abcdef12345", "name": "John Doe", "mobileNumber": "9876543210"},
    "doctor": {"_id": "64f1234567890abcdef67890", "name": "Dr. Jane Smith", "doctorInfo": {"specialization": "C"}},
    "appointmentDate": "2024-02-15",
    "appointmentTime": "10:00",
    "status": "pending",
    "purposeOfVisit": "Regular checkup",
    "reason": "Annual health checkup",
    "symptoms": "No specific symptoms",
    "images": [{"filename": "x.jpg", "originalName": "x.jpg", "path": "uploads/...", "size": 1, "mimeType": "x"}],
    "createdAt": "2024-01-15T10:30:00.000Z",
}


def test_book_appointment_with_images(as_user, john, jane):
    images = [upload(jpeg_bytes(), "medical_report.jpg"), upload(pdf_bytes(), "file2.pdf", "application/pdf")]
    response = book(as_user(john), jane, images=images)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["success"], body["message"]) == (True, "Appointment booked successfully")
    appointment = body["data"]["appointment"]
    assert_shape(appointment, BOOKED_EXAMPLE)
    assert appointment["patient"] == {"_id": str(john.pk), "name": "John Doe", "mobileNumber": "9876543210"}
    assert appointment["doctor"]["doctorInfo"]["specialization"] == "Cardiology"
    assert (appointment["appointmentDate"], appointment["appointmentTime"]) == (VISIT_DAY, "10:00")
    assert (appointment["status"], appointment["purposeOfVisit"]) == ("pending", "Regular checkup")
    assert (appointment["reason"], appointment["symptoms"]) == ("Annual health checkup", "No specific symptoms")
    assert [image["originalName"] for image in appointment["images"]] == ["medical_report.jpg", "file2.pdf"]
    assert [image["mimeType"] for image in appointment["images"]] == ["image/jpeg", "application/pdf"]
    for image in appointment["images"]:
        assert image["path"].startswith("uploads/appointments/") and image["path"].endswith(image["filename"])
    assert_timestamp(appointment["createdAt"])


def test_my_appointments(as_user, receptionist, john, booked):
    assert as_user(receptionist).post(f"/api/appointments/{booked.pk}/confirm").status_code == 200
    query = f"status=confirmed&page=1&limit=10&startDate={VISIT_DAY}&endDate={VISIT_DAY}"
    response = as_user(john).get(f"/api/appointments/my-appointments?{query}")
    assert response.status_code == 200
    data = response.json()["data"]
    example = {
        "items": [
            {
                "_id": "64f9876543210fedcba09876",
                "doctor": {
                    "_id": "64f1234567890abcdef67890",
                    "name": "Dr. Jane Smith",
                    "doctorInfo": {"specialization": "Cardiology", "consultationFee": 500},
                },
                "appointmentDate": "2024-02-15",
                "appointmentTime": "10:00",
                "status": "confirmed",
                "purposeOfVisit": "Regular checkup",
                "createdAt": "2024-01-15T10:30:00.000Z",
            }
        ],
        "pagination": {"current": 1, "pages": 2, "total": 15, "limit": 10},
    }
    assert_shape(data, example)
    [item] = data["items"]
    assert (item["_id"], item["status"]) == (str(booked.pk), "confirmed")
    assert item["doctor"]["doctorInfo"] == {"specialization": "Cardiology", "consultationFee": 500}


def test_available_slots(api, jane, booked):
    response = api.get(f"/api/appointments/slots?doctorId={jane.pk}&date={VISIT_DAY}")
    assert response.status_code == 200
    data = response.json()["data"]
    example = {
        "doctor": {
            "_id": "64f1234567890abcdef67890",
            "name": "Dr. Jane Smith",
            "doctorInfo": {"specialization": "Cardiology", "consultationFee": 500},
        },
        "date": "2024-02-15",
        "availableSlots": [
            {"_id": "64f5", "startTime": "09:00", "endTime": "09:30", "isAvailable": True, "consultationFee": 500}
        ],
        "bookedSlots": [{"startTime": "11:00", "endTime": "11:30", "isAvailable": False}],
    }
    assert_shape(data, example)
    assert data["date"] == VISIT_DAY
    assert data["availableSlots"][0] == {
        "_id": data["availableSlots"][0]["_id"],
        "startTime": "09:00",
        "endTime": "09:30",
        "isAvailable": True,
        "consultationFee": 500,
    }
    assert data["bookedSlots"] == [{"startTime": "10:00", "endTime": "10:30", "isAvailable": False}]


def test_cancel_appointment(as_user, receptionist, john, booked):
    paid = {"status": "paid", "method": "upi"}
    assert as_user(receptionist).put(f"/api/appointments/{booked.pk}/payment", paid, format="json").status_code == 200
    response = as_user(john).put(
        f"/api/appointments/{booked.pk}/cancel", {"reason": "Personal emergency"}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["success"], body["message"]) == (True, "Appointment cancelled successfully")
    appointment = body["data"]["appointment"]
    example = {
        "_id": "64f9876543210fedcba09876",
        "status": "cancelled",
        "cancellationReason": "Personal emergency",
        "refundInfo": {"refundAmount": 250, "refundStatus": "processed", "refundDate": "2024-01-15T10:30:00.000Z"},
    }
    assert_shape(appointment, example)
    assert (appointment["_id"], appointment["status"]) == (str(booked.pk), "cancelled")
    assert appointment["cancellationReason"] == "Personal emergency"
    # Four days' notice: the whole fee back, to be paid out by the front desk.
    assert appointment["refundInfo"]["refundAmount"] == 500
    assert appointment["refundInfo"]["refundStatus"] == "pending"
    assert_timestamp(appointment["refundInfo"]["refundDate"])


def test_update_appointment_status(as_user, receptionist, jane, booked):
    assert as_user(receptionist).post(f"/api/appointments/{booked.pk}/confirm").status_code == 200
    body = {
        "status": "completed",
        "notes": "Patient is healthy. Prescribed vitamins.",
        "prescription": "Vitamin D3 - 1 tablet daily for 30 days",
    }
    response = as_user(jane).put(f"/api/appointments/{booked.pk}/status", body, format="json")
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert (answer["success"], answer["message"]) == (True, "Appointment status updated successfully")
    appointment = answer["data"]["appointment"]
    example = {
        "_id": "64f9876543210fedcba09876",
        "status": "completed",
        "notes": "Patient is healthy. Prescribed vitamins.",
        "prescription": "Vitamin D3 - 1 tablet daily for 30 days",
        "completedAt": "2024-01-15T10:30:00.000Z",
    }
    assert_shape(appointment, example)
    assert {key: appointment[key] for key in ("_id", "status", "notes", "prescription")} == {
        **{key: example[key] for key in ("status", "notes", "prescription")},
        "_id": str(booked.pk),
    }
    assert_timestamp(appointment["completedAt"])


# --- Files ---------------------------------------------------------------------------------

UPLOADED_EXAMPLE = {
    "uploadedFiles": [
        {
            "filename": "x_report.jpg",
            "originalName": "medical_report.jpg",
            "path": "uploads/appointments/2024/02/x",
            "size": 1024000,
            "mimeType": "image/jpeg",
            "url": "/api/files/uploads/appointments/2024/02/x_report.jpg",
        }
    ]
}


def upload_documented(client, appointment):
    """The documented form: `files` and `appointmentId`, no category."""
    files = [
        upload(jpeg_bytes(), "file1.jpg"),
        upload(pdf_bytes(), "file2.pdf", "application/pdf"),
        upload(png_bytes(), "file3.png", "image/png"),
    ]
    return client.post(
        "/api/files/upload/appointments", {"files": files, "appointmentId": str(appointment.pk)}, format="multipart"
    )


def test_upload_appointment_files(as_user, john, booked):
    response = upload_documented(as_user(john), booked)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["success"], body["message"]) == (True, "Files uploaded successfully")
    assert_shape(body["data"], UPLOADED_EXAMPLE)
    files = body["data"]["uploadedFiles"]
    assert [item["originalName"] for item in files] == ["file1.jpg", "file2.pdf", "file3.png"]
    for item in files:
        assert item["path"].startswith("uploads/appointments/reports/2026/03/")  # no category: a report
        assert as_user(john).get(item["url"]).status_code == 200


@pytest.fixture
def uploaded(as_user, john, booked) -> dict:
    response = upload_documented(as_user(john), booked)
    assert response.status_code == 200
    return response.json()["data"]["uploadedFiles"][0]


def test_get_file_by_filename(as_user, john, uploaded):
    response = as_user(john).get(f"/api/files/{uploaded['filename']}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_get_file_by_old_style_url(as_user, john, uploaded):
    response = as_user(john).get(f"/api/files/{uploaded['path']}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_delete_file_by_filename(as_user, john, uploaded):
    response = as_user(john).delete(f"/api/files/{uploaded['filename']}")
    assert response.status_code == 200
    body = response.json()
    assert (body["success"], body["message"]) == (True, "File deleted successfully")


# --- Admin ---------------------------------------------------------------------------------


def test_admin_dashboard(as_user, admin_user, booked):
    response = as_user(admin_user).get("/api/admin/dashboard")
    assert response.status_code == 200
    example = {
        "statistics": {
            "totalUsers": 1250,
            "totalDoctors": 45,
            "totalPatients": 1180,
            "totalAppointments": 3456,
            "todayAppointments": 25,
            "pendingAppointments": 12,
            "completedAppointments": 3200,
            "revenue": {"today": 12500, "thisMonth": 345000, "thisYear": 2450000},
        },
        "recentAppointments": [
            {
                "_id": "64f9876543210fedcba09876",
                "patient": {"name": "John Doe", "mobileNumber": "9876543210"},
                "doctor": {"name": "Dr. Jane Smith"},
                "appointmentDate": "2024-02-15",
                "appointmentTime": "10:00",
                "status": "confirmed",
            }
        ],
        "topDoctors": [
            {
                "_id": "64f1234567890abcdef67890",
                "name": "Dr. Jane Smith",
                "specialization": "Cardiology",
                "appointmentCount": 156,
                "rating": 4.8,
            }
        ],
    }
    data = response.json()["data"]
    assert_shape(data, example)
    assert data["recentAppointments"] and data["topDoctors"]
    assert data["topDoctors"][0]["rating"] == 4.8


def test_manage_user_status(as_user, admin_user, john):
    body = {"isActive": False, "reason": "Violating terms of service"}
    response = as_user(admin_user).put(f"/api/admin/users/{john.pk}/status", body, format="json")
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert (answer["success"], answer["message"]) == (True, "User status updated successfully")
    example = {
        "_id": "64f1234567890abcdef12345",
        "isActive": False,
        "statusUpdatedAt": "2024-01-15T10:30:00.000Z",
        "statusUpdatedBy": "64f99999999999999999999999999999",
    }
    user = answer["data"]["user"]
    assert_shape(user, example)
    assert (user["_id"], user["isActive"], user["statusUpdatedBy"]) == (str(john.pk), False, str(admin_user.pk))
    assert_timestamp(user["statusUpdatedAt"])
    assert User.objects.get(pk=john.pk).is_active is False
