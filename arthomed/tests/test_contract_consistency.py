"""One way of saying each thing (issue 12, point 9): one message per error code, one timestamp
format everywhere, schedule days in week order."""

import re

import pytest
import time_machine

from accounts.models import ScheduleBlock
from appointments.tests.factories import MONDAY, SUNDAY, AppointmentFactory, clinic_dt, schedule_block
from arthomed.api.envelope import error_body
from arthomed.core import errors
from arthomed.core.errors import MESSAGES, ApplicationError

pytestmark = pytest.mark.django_db

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+05:30$")


def error_classes() -> list[type[ApplicationError]]:
    return [
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, ApplicationError) and value is not ApplicationError
    ]


@pytest.mark.parametrize("error_class", error_classes(), ids=lambda error_class: error_class.code)
def test_a_raisers_own_words_go_to_details_never_the_message(error_class):
    raised = error_class("Something specific about this case")
    body = error_body(code=raised.code, status_code=raised.status_code, message=raised.message, details=raised.details)
    assert body["message"] == MESSAGES[raised.code] == error_class.default_message
    assert body["error"]["details"] == "Something specific about this case"


def test_every_code_has_one_message():
    codes = [error_class.code for error_class in error_classes()]
    assert len(codes) == len(set(codes))
    assert all(MESSAGES[code] for code in codes)


@pytest.fixture
def visit(patient, doctor):
    with time_machine.travel(clinic_dt(SUNDAY, 10), tick=False):
        ScheduleBlock.objects.create(doctor=doctor, **schedule_block("monday 09:00-12:00"))
        yield AppointmentFactory(doctor=doctor, patient=patient, starts_at=clinic_dt(MONDAY, 9, 30), status="confirmed")


def test_one_code_one_message_whoever_raises_it(api, as_user, *, patient, doctor, receptionist, visit):
    with time_machine.travel(clinic_dt(MONDAY, 9), tick=False):
        answers = [
            api.get("/api/no/such/route"),
            api.post("/api/auth/verify-otp", b"{not json", content_type="application/json"),
            api.post("/api/auth/send-otp", {}, format="json"),
            as_user(patient).get("/api/appointments/not-an-id"),
            as_user(patient).put(f"/api/appointments/{visit.pk}/cancel", {}, format="json"),  # inside 2 h
            as_user(patient).put(f"/api/appointments/{visit.pk}/status", {"status": "completed"}, format="json"),
            as_user(receptionist).put(f"/api/appointments/{visit.pk}/status", {"status": "no-show"}, format="json"),
            as_user(receptionist).put(f"/api/appointments/{visit.pk}/visit-summary", {}, format="json"),
            as_user(doctor).post("/api/appointments/book", {}, format="json"),
            as_user(receptionist).post(f"/api/appointments/{visit.pk}/confirm"),
        ]
    messages: dict[str, set[str]] = {}
    for response in answers:
        body = response.json()
        messages.setdefault(body["error"]["code"], set()).add(body["message"])
    assert {"NOT_FOUND", "VALIDATION_ERROR", "INVALID_STATUS_TRANSITION", "PERMISSION_DENIED"} <= set(messages)
    for code, said in messages.items():
        assert said == {MESSAGES[code]}, code


def test_every_timestamp_has_milliseconds_and_the_clinic_offset(as_user, receptionist, visit):
    client = as_user(receptionist)
    client.put(f"/api/appointments/{visit.pk}/payment", {"status": "paid", "method": "cash"}, format="json")
    body = client.get(f"/api/appointments/{visit.pk}").json()
    appointment = body["data"]["appointment"]
    stamps = [
        body["timestamp"],
        appointment["createdAt"],
        appointment["updatedAt"],
        appointment["payment"]["paidAt"],
        *(line["at"] for line in appointment["statusHistory"]),
    ]
    assert all(TIMESTAMP.match(stamp) for stamp in stamps), stamps
    listed = client.get("/api/appointments").json()["data"]["items"][0]
    assert TIMESTAMP.match(listed["createdAt"])


def test_schedule_days_come_in_week_order(api, as_user, admin_user, doctor):
    blocks = [
        {"day": day, "startTime": "09:00", "endTime": "12:00", "isAvailable": True}
        for day in ("sunday", "friday", "monday", "wednesday", "saturday", "tuesday", "thursday")
    ]
    response = as_user(admin_user).put(f"/api/users/doctors/{doctor.pk}/schedule", {"schedule": blocks}, format="json")
    assert response.status_code == 200, response.json()
    schedule = api.get(f"/api/users/doctors/{doctor.pk}").json()["data"]["doctor"]["doctorInfo"]["schedule"]
    week = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    assert [block["day"] for block in schedule] == week
