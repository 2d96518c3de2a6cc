"""No PII or secrets in logs: a full patient flow, every log record and all console output searched.

Each record is put through the same filter and formatter as the console handler of
settings.LOGGING (mask mobile numbers, JSON line), so what is searched is what would be
written in production. Tokens and the one-time code must not appear even unformatted.
"""

import logging
import re

import pytest
import time_machine

from appointments.tests.factories import MONDAY, SUNDAY, DoctorFactory, clinic_dt
from arthomed import sms
from arthomed.api.logging import JsonFormatter, MaskPiiFilter
from arthomed.core.roles import Role
from conftest import client_for
from files.tests.support import pdf_bytes, upload

pytestmark = pytest.mark.django_db

MOBILE = "9812345670"


def production_line(record: logging.LogRecord) -> str:
    MaskPiiFilter().filter(record)
    return JsonFormatter().format(record)


def raw_text(record: logging.LogRecord) -> str:
    return f"{record.getMessage()} {getattr(record, 'fields', '')} {record.exc_text or ''}"


def run_full_flow(make_user, capture) -> dict:
    """send-otp, verify-otp, book, confirm, upload, refresh, cancel, logout; the secrets it handled."""
    doctor = DoctorFactory(name="Dr Log Audit", specialization="Spine", schedule=["monday 09:00-13:00"])
    receptionist = make_user(Role.RECEPTIONIST, name="Rita Audit")
    anonymous = client_for()

    with capture():
        sent = anonymous.post("/api/auth/send-otp", {"mobileNumber": f"+91 {MOBILE[:5]} {MOBILE[5:]}"}, format="json")
    assert sent.status_code == 200, sent.content
    otp = re.search(r"\b(\d{6})\b", sms.outbox[-1].body).group(1)

    with capture():
        verified = anonymous.post(
            "/api/auth/verify-otp", {"mobileNumber": MOBILE, "otp": otp, "name": "Log Patient"}, format="json"
        )
    assert verified.status_code == 200, verified.content
    tokens = verified.json()["data"]["tokens"]
    patient = client_for()
    patient.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['accessToken']}")
    staff = client_for(receptionist)

    with capture():
        booked = patient.post(
            "/api/appointments/book",
            {
                "doctorId": str(doctor.pk),
                "appointmentDate": MONDAY.isoformat(),
                "appointmentTime": "09:00",
                "purposeOfVisit": "consultation",
                "reason": "Back pain",
            },
            format="json",
        )
    assert booked.status_code == 201, booked.content
    appointment_id = booked.json()["data"]["appointment"]["_id"]

    with capture():
        confirmed = staff.post(f"/api/appointments/{appointment_id}/confirm")
        uploaded = patient.post(
            "/api/files/upload/appointments",
            {
                "appointmentId": appointment_id,
                "category": "report",
                "files": upload(pdf_bytes(), "x.pdf", "application/pdf"),
            },
            format="multipart",
        )
        refreshed = anonymous.post("/api/auth/refresh-token", {"refreshToken": tokens["refreshToken"]}, format="json")
        cancelled = patient.put(f"/api/appointments/{appointment_id}/cancel", {"reason": "Travel"}, format="json")
    assert [confirmed.status_code, uploaded.status_code, refreshed.status_code, cancelled.status_code] == [
        200,
        200,
        200,
        200,
    ], (confirmed.content, uploaded.content, refreshed.content, cancelled.content)
    new_tokens = refreshed.json()["data"]

    with capture():
        logged_out = patient.post("/api/auth/logout", {"refreshToken": new_tokens["refreshToken"]}, format="json")
    assert logged_out.status_code == 200, logged_out.content

    # Sent SMS (confirmation, cancellation) are part of the flow: they went through the outbox.
    assert len(sms.outbox) > 1
    secret_tokens = [
        tokens["accessToken"],
        tokens["refreshToken"],
        new_tokens["accessToken"],
        new_tokens["refreshToken"],
        staff._credentials["HTTP_AUTHORIZATION"].split()[1],
    ]
    return {"otp": otp, "tokens": secret_tokens}


def test_full_flow_logs_carry_no_mobile_number_otp_or_token(
    make_user, caplog, capsys, django_capture_on_commit_callbacks
):
    def capture():
        # Side effects (SMS, notifications) run on commit, as they do outside tests.
        return django_capture_on_commit_callbacks(execute=True)

    caplog.set_level(logging.DEBUG)
    with time_machine.travel(clinic_dt(SUNDAY, 10), tick=False):
        secrets = run_full_flow(make_user, capture)
    out, err = capsys.readouterr()

    records = list(caplog.records)
    assert any(r.name == "arthomed.request" for r in records)  # the capture did see the request log
    lines = [production_line(record) for record in records]
    outputs = {"log lines": "\n".join(lines), "stdout": out, "stderr": err}
    otp_re = re.compile(rf"(?<![0-9A-Za-z]){secrets['otp']}(?![0-9A-Za-z])")
    for where, text in outputs.items():
        assert MOBILE not in text, f"raw mobile number in {where}"
        assert not otp_re.search(text), f"OTP code in {where}"
        for token in secrets["tokens"]:
            assert token not in text, f"token in {where}"
            assert token.rsplit(".", 1)[-1] not in text, f"token signature in {where}"
    # Tokens and codes are never even handed to a logger (masking only covers mobile numbers).
    for record in records:
        text = raw_text(record)
        assert not otp_re.search(text), record.name
        assert not any(token in text for token in secrets["tokens"]), record.name
