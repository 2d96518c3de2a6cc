"""Booking with `images` (multipart): files and appointment are stored together or not at all."""

import datetime as dt

import pytest
from django.db import transaction

from appointments.models import Appointment
from appointments.services.booking import appointment_book
from appointments.tests.factories import MONDAY, AppointmentFactory, clinic_dt
from arthomed.core.roles import Role
from files.models import FileKind, StoredFile
from files.tests.support import HTML_BYTES, jpeg_bytes, media_files, pdf_bytes, png_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sunday_morning")]
URL = "/api/appointments/book"


def form(doctor, images, *, time="09:00", key="images") -> dict:
    return {
        "doctorId": str(doctor.pk),
        "appointmentDate": MONDAY.isoformat(),
        "appointmentTime": time,
        "purposeOfVisit": "consultation",
        "reason": "Hip pain",
        key: images,
    }


def assert_nothing_stored(settings):
    assert Appointment.objects.count() == 0
    assert StoredFile.objects.count() == 0
    assert media_files(settings.MEDIA_ROOT) == []


def test_booking_with_images_stores_them_on_the_appointment(patient, clinic_doctor, as_user, settings):
    images = [upload(jpeg_bytes(gps=True), "knee.jpg"), upload(pdf_bytes(), "mri.pdf")]
    response = as_user(patient).post(URL, form(clinic_doctor, images), format="multipart")
    assert response.status_code == 201, response.json()
    appointment = response.json()["data"]["appointment"]
    assert [image["originalName"] for image in appointment["images"]] == ["knee.jpg", "mri.pdf"]
    assert {image["mimeType"] for image in appointment["images"]} == {"image/jpeg", "application/pdf"}
    stored = StoredFile.objects.filter(appointment_id=appointment["_id"])
    assert stored.count() == 2
    assert {(f.kind, f.owner_id, f.uploaded_by_id) for f in stored} == {
        (FileKind.APPOINTMENT_REPORT, patient.pk, patient.pk)
    }
    assert len(media_files(settings.MEDIA_ROOT)) == 2


def test_staff_booking_with_images_under_the_bracket_name(receptionist, patient, clinic_doctor, as_user):
    data = form(clinic_doctor, [upload(png_bytes(), "xray.png")], key="images[]")
    data["patientId"] = str(patient.pk)
    response = as_user(receptionist).post(URL, data, format="multipart")
    assert response.status_code == 201, response.json()
    stored = StoredFile.objects.get()
    assert (stored.owner, stored.uploaded_by) == (patient, receptionist)


def test_taken_slot_leaves_no_row_and_no_bytes(patient, make_user, clinic_doctor, as_user, settings):
    AppointmentFactory(doctor=clinic_doctor, patient=make_user(Role.PATIENT), starts_at=clinic_dt(MONDAY, 9))
    images = [upload(jpeg_bytes(), "a.jpg"), upload(pdf_bytes(), "b.pdf")]
    response = as_user(patient).post(URL, form(clinic_doctor, images), format="multipart")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "SLOT_UNAVAILABLE"
    assert Appointment.objects.filter(patient=patient).count() == 0
    assert StoredFile.objects.count() == 0
    assert media_files(settings.MEDIA_ROOT) == []


REFUSED = {
    "bad-among-good": ([jpeg_bytes(), HTML_BYTES, pdf_bytes()], 400, "INVALID_FILE_TYPE"),
    "truncated": ([png_bytes(size=(200, 200))[:80]], 400, "INVALID_FILE_TYPE"),
    "zero-byte": ([b""], 400, "INVALID_FILE_TYPE"),
    "six-files": ([pdf_bytes()] * 6, 400, "TOO_MANY_FILES"),
    "11mb": ([b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024)], 413, "FILE_TOO_LARGE"),
}


@pytest.mark.parametrize(("contents", "status", "code"), list(REFUSED.values()), ids=list(REFUSED))
def test_refused_files_refuse_the_booking(contents, status, code, *, patient, clinic_doctor, as_user, settings):
    images = [upload(content, f"file{n}.jpg") for n, content in enumerate(contents)]
    response = as_user(patient).post(URL, form(clinic_doctor, images), format="multipart")
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert_nothing_stored(settings)


def test_failure_after_the_images_were_stored_removes_their_bytes(patient, clinic_doctor, settings, monkeypatch):
    """Anything failing after the files were written (here: registering the notification) undoes both."""

    def broken_on_commit(*args, **kwargs):
        raise RuntimeError("failure after the files were stored")

    monkeypatch.setattr(transaction, "on_commit", broken_on_commit)
    with pytest.raises(RuntimeError):
        appointment_book(
            actor=patient,
            doctor_id=clinic_doctor.pk,
            appointment_date=MONDAY,
            appointment_time=dt.time(9, 0),
            purpose_of_visit="consultation",
            reason="Hip pain",
            images=[upload(jpeg_bytes(), "a.jpg"), upload(pdf_bytes(), "b.pdf")],
        )
    assert_nothing_stored(settings)


def test_json_booking_is_unchanged(patient, clinic_doctor, as_user):
    data = form(clinic_doctor, [])
    del data["images"]
    response = as_user(patient).post(URL, data, format="json")
    assert response.status_code == 201
    assert response.json()["data"]["appointment"]["images"] == []
