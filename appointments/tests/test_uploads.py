"""`POST /api/files/upload/appointments`: who may upload, what is accepted, what comes back."""

import pytest

from appointments.models import AppointmentStatus
from appointments.tests.factories import AppointmentFactory
from arthomed.core.roles import Role
from files.models import FileKind, StoredFile
from files.tests.support import HTML_BYTES, jpeg_bytes, media_files, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db
URL = "/api/files/upload/appointments"


def post(client, appointment, files, *, category="report", key="files"):
    data = {"appointmentId": str(appointment.pk), "category": category, key: files}
    return client.post(URL, data, format="multipart")


@pytest.mark.parametrize("role", ["patient", "doctor", "receptionist", "admin"])
def test_participants_and_staff_upload(role, *, patient, doctor, receptionist, admin_user, as_user):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status="confirmed")
    actor = {"patient": patient, "doctor": doctor, "receptionist": receptionist, "admin": admin_user}[role]
    response = post(as_user(actor), appointment, [upload(pdf_bytes(), "lab.pdf"), upload(png_bytes(), "xray.png")])
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["success"] is True
    files = body["data"]["uploadedFiles"]
    assert [item["originalName"] for item in files] == ["lab.pdf", "xray.png"]
    assert [item["mimeType"] for item in files] == ["application/pdf", "image/png"]
    assert set(files[0]) == {"_id", "filename", "originalName", "path", "size", "mimeType", "url"}
    stored = StoredFile.objects.get(pk=files[0]["_id"])
    assert files[0]["path"] == stored.file.name
    assert files[0]["path"].startswith(f"uploads/appointments/reports/{stored.created_at:%Y/%m}/")
    # The front desk gets the metadata only: no address of the medical content (SPEC.md §2).
    assert files[0]["url"] == (None if role == "receptionist" else f"/api/files/{files[0]['_id']}")
    assert stored.owner == patient  # the record belongs to the patient, whoever uploaded it
    assert stored.uploaded_by == actor
    assert stored.kind == FileKind.APPOINTMENT_REPORT


def test_prescription_category_and_files_brackets(patient, doctor, as_user):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status="confirmed")
    response = post(
        as_user(doctor), appointment, [upload(jpeg_bytes(), "rx.jpg")], category="prescription", key="files[]"
    )
    assert response.status_code == 200, response.json()
    assert StoredFile.objects.get().kind == FileKind.APPOINTMENT_PRESCRIPTION


def test_others_appointments_are_not_found(patient, doctor, make_user, as_user, settings):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status="confirmed")
    for outsider in (make_user(Role.PATIENT), make_user(Role.DOCTOR)):
        response = post(as_user(outsider), appointment, [upload(pdf_bytes())])
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "APPOINTMENT_NOT_FOUND"
    assert post(as_user(patient), type("A", (), {"pk": "not-a-uuid"}), [upload(pdf_bytes())]).status_code == 404
    assert media_files(settings.MEDIA_ROOT) == []


def test_anonymous_is_refused(api, patient, doctor):
    assert (
        post(
            api, AppointmentFactory(patient=patient, doctor=doctor, status="confirmed"), [upload(pdf_bytes())]
        ).status_code
        == 401
    )


def test_cancelled_appointment_refuses_files(patient, doctor, as_user):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status=AppointmentStatus.CANCELLED)
    response = post(as_user(patient), appointment, [upload(pdf_bytes())])
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "APPOINTMENT_CANCELLED"


ELEVEN_MB_PDF = b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024)
REFUSED = {
    "html-as-png": (lambda: [upload(HTML_BYTES, "photo.png", "image/png")], 400, "INVALID_FILE_TYPE"),
    "zero-byte": (lambda: [upload(b"", "empty.pdf", "application/pdf")], 400, "INVALID_FILE_TYPE"),
    "truncated": (lambda: [upload(jpeg_bytes()[:300], "cut.jpg")], 400, "INVALID_FILE_TYPE"),
    "polyglot": (lambda: [upload(jpeg_bytes() + b"<script>alert(1)</script>", "p.jpg")], 400, "INVALID_FILE_TYPE"),
    "six-files": (lambda: [upload(pdf_bytes(), f"{n}.pdf") for n in range(6)], 400, "TOO_MANY_FILES"),
    "11mb": (lambda: [upload(ELEVEN_MB_PDF, "big.pdf")], 413, "FILE_TOO_LARGE"),
    "one-bad": (lambda: [upload(pdf_bytes(), "ok.pdf"), upload(HTML_BYTES, "bad.png")], 400, "INVALID_FILE_TYPE"),
}


@pytest.mark.parametrize(("files", "status", "code"), list(REFUSED.values()), ids=list(REFUSED))
def test_refused_uploads_store_nothing(files, status, code, *, patient, doctor, as_user, settings):
    response = post(as_user(patient), AppointmentFactory(patient=patient, doctor=doctor, status="confirmed"), files())
    assert response.status_code == status
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    assert StoredFile.objects.count() == 0
    assert media_files(settings.MEDIA_ROOT) == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"category": "report"}, "appointmentId"),
        ({"appointmentId": "x", "category": "selfie"}, "category"),
        ({"appointmentId": "x", "category": "report"}, "files"),
    ],
)
def test_missing_or_bad_fields_are_validation_errors(data, field, patient, as_user):
    response = as_user(patient).post(URL, data, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "VALIDATION_ERROR"
    assert field in [error["field"] for error in body["errors"]]


def test_json_body_is_refused(patient, as_user):
    response = as_user(patient).post(URL, {"appointmentId": "x"}, format="json")
    assert response.status_code == 415
