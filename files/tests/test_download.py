"""Downloads: headers, both routes, access log, traversal attempts, deletion through the API."""

import pytest
from django.core.files.storage import default_storage

from appointments.tests.factories import AppointmentFactory
from arthomed.core.roles import Role
from files.models import FileAccessLog, FileKind, StoredFile
from files.services import file_store
from files.tests.support import jpeg_bytes, pdf_bytes, store_report, upload

pytestmark = pytest.mark.django_db


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_download_by_id_streams_bytes_with_safe_headers(patient, doctor, as_user):
    stored = store_report(
        AppointmentFactory(patient=patient, doctor=doctor, status="confirmed"), name='Blood "test" report.pdf'
    )
    response = as_user(patient).get(f"/api/files/{stored.pk}", HTTP_ACCEPT="application/pdf", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert content_of(response) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    # A medical file is saved, not shown (SPEC.md §6).
    assert response["Content-Disposition"] == 'attachment; filename="Blood _test_ report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Length"] == str(stored.size)
    log = FileAccessLog.objects.get()
    assert (log.file, log.user, log.ip_address, log.file_name) == (stored, patient, "10.1.2.3", stored.file.name)


def test_download_as_attachment_and_unicode_names(patient, doctor, as_user):
    stored = store_report(AppointmentFactory(patient=patient, doctor=doctor, status="confirmed"), name="रिपोर्ट.pdf")
    response = as_user(patient).get(f"/api/files/{stored.pk}?download=true")
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "%E0%A4%B0" in response["Content-Disposition"]
    content_of(response)


def test_download_by_type_and_filename(patient, doctor, as_user):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status="confirmed")
    stored = file_store(
        upload=upload(jpeg_bytes(gps=True), "knee.jpg"),
        kind=FileKind.APPOINTMENT_PRESCRIPTION,
        owner=patient,
        uploaded_by=doctor,
        appointment=appointment,
    )
    client = as_user(doctor)
    for file_type in ("prescriptions", "appointments"):
        response = client.get(f"/api/files/{file_type}/{stored.filename}", HTTP_ACCEPT="image/*")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert content_of(response) == default_storage.open(stored.file.name).read()
    assert FileAccessLog.objects.filter(file=stored, user=doctor).count() == 2
    # The right name under the wrong type is not found.
    assert client.get(f"/api/files/reports/{stored.filename}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/files/reports/..%2F..%2F..%2Farthomed%2Fsettings.py",
        "/api/files/..%2F..%2Fetc/passwd",
        "/api/files/reports/../../etc/passwd",
        "/api/files/reports/%2e%2e%2f%2e%2e%2fsettings.py",
        "/api/files/reports/..",
        "/api/files/reports/%00.pdf",
        "/api/files/reports/..%5C..%5Cwindows%5Cwin.ini",
        "/api/files/profiles/....%2F%2Fsecret.png",
        "/api/files/uploads/appointments",
        "/api/files/..%2Fmedia/x.pdf",
    ],
)
def test_path_traversal_is_not_found(path, patient, doctor, as_user, settings):
    store_report(AppointmentFactory(patient=patient, doctor=doctor, status="confirmed"))
    (settings.MEDIA_ROOT.parent / "secret.png").write_bytes(b"secret")
    response = as_user(patient).get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["success"] is False
    assert FileAccessLog.objects.count() == 0


def test_traversal_inside_a_real_name_is_not_found(patient, doctor, as_user):
    stored = store_report(AppointmentFactory(patient=patient, doctor=doctor, status="confirmed"))
    client = as_user(patient)
    assert client.get(f"/api/files/reports/..%2F{stored.filename}").status_code == 404
    assert client.get(f"/api/files/reports/{stored.filename}%00.png").status_code == 404
    assert client.get(f"/api/files/reports/{stored.filename.upper()}").status_code == 404


@pytest.mark.parametrize("file_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "%27%20OR%201%3D1"])
def test_unknown_or_malformed_ids_are_file_not_found(file_id, patient, as_user):
    response = as_user(patient).get(f"/api/files/{file_id}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "FILE_NOT_FOUND"


def test_missing_bytes_are_file_not_found_and_not_logged(patient, doctor, as_user):
    stored = store_report(AppointmentFactory(patient=patient, doctor=doctor, status="confirmed"))
    default_storage.delete(stored.file.name)
    response = as_user(patient).get(f"/api/files/{stored.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "FILE_NOT_FOUND"
    assert FileAccessLog.objects.count() == 0


def test_bad_download_flag_is_a_validation_error(patient, doctor, as_user):
    stored = store_report(AppointmentFactory(patient=patient, doctor=doctor, status="confirmed"))
    response = as_user(patient).get(f"/api/files/{stored.pk}?download=maybe")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "download"


def test_anonymous_download_is_refused(api, patient, doctor):
    stored = store_report(AppointmentFactory(patient=patient, doctor=doctor, status="confirmed"))
    assert api.get(f"/api/files/{stored.pk}").status_code == 401


def test_uploader_deletes_and_bytes_go_after_commit(patient, doctor, as_user, django_capture_on_commit_callbacks):
    stored = store_report(AppointmentFactory(patient=patient, doctor=doctor, status="confirmed"), uploaded_by=patient)
    name = stored.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(patient).delete(f"/api/files/{stored.pk}")
    assert response.status_code == 200
    assert response.json()["data"]["file"]["_id"] == str(stored.pk)
    assert not StoredFile.objects.filter(pk=stored.pk).exists()
    assert not default_storage.exists(name)


def test_admin_deletes_any_file(patient, doctor, admin_user, as_user, django_capture_on_commit_callbacks):
    stored = store_report(AppointmentFactory(patient=patient, doctor=doctor, status="confirmed"), uploaded_by=doctor)
    with django_capture_on_commit_callbacks(execute=True):
        assert as_user(admin_user).delete(f"/api/files/{stored.pk}").status_code == 200
    assert not default_storage.exists(stored.file.name)


def test_a_reader_who_did_not_upload_may_not_delete(patient, doctor, as_user):
    stored = store_report(AppointmentFactory(patient=patient, doctor=doctor, status="confirmed"), uploaded_by=doctor)
    response = as_user(patient).delete(f"/api/files/{stored.pk}")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"
    assert default_storage.exists(stored.file.name)


def medical_image(patient, doctor):
    return file_store(
        upload=upload(jpeg_bytes(), "knee.jpg"),
        kind=FileKind.APPOINTMENT_REPORT,
        owner=patient,
        uploaded_by=doctor,
        appointment=AppointmentFactory(patient=patient, doctor=doctor, status="confirmed"),
    )


def disposition(response) -> str:
    content_of(response)
    return response["Content-Disposition"].split(";")[0]


def test_medical_files_are_attachments_unless_an_image_is_asked_inline(patient, doctor, as_user):
    client = as_user(patient)
    image = medical_image(patient, doctor)
    pdf = store_report(AppointmentFactory(patient=patient, doctor=doctor, status="confirmed"))
    assert disposition(client.get(f"/api/files/{image.pk}")) == "attachment"
    assert disposition(client.get(f"/api/files/{image.pk}?inline=1")) == "inline"
    assert disposition(client.get(f"/api/files/reports/{image.filename}?inline=true")) == "inline"
    # Only images may be shown inline; `download=false` does not make a medical file inline either.
    assert disposition(client.get(f"/api/files/{pdf.pk}?inline=1")) == "attachment"
    assert disposition(client.get(f"/api/files/{pdf.pk}?download=false")) == "attachment"


def test_profile_pictures_show_inline_unless_downloaded(patient, as_user):
    avatar = file_store(
        upload=upload(jpeg_bytes(), "me.jpg"), kind=FileKind.PROFILE, owner=patient, uploaded_by=patient
    )
    client = as_user(patient)
    assert disposition(client.get(f"/api/files/{avatar.pk}")) == "inline"
    assert disposition(client.get(f"/api/files/{avatar.pk}?download=true")) == "attachment"


def test_bad_inline_flag_is_a_validation_error(patient, doctor, as_user):
    response = as_user(patient).get(f"/api/files/{medical_image(patient, doctor).pk}?inline=maybe")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "inline"


def test_download_by_stored_name_and_old_style_url(patient, doctor, as_user):
    stored = medical_image(patient, doctor)
    year, month = stored.file.name.split("/")[-3:-1]
    legacy = f"/api/files/uploads/appointments/{year}/{month}/{stored.filename}"
    for url in (f"/api/files/{stored.filename}", f"/api/files/{stored.file.name}", legacy):
        response = as_user(doctor).get(url)
        assert response.status_code == 200, url
        assert content_of(response) == default_storage.open(stored.file.name).read()
    assert FileAccessLog.objects.filter(file=stored, user=doctor).count() == 3


@pytest.mark.parametrize(
    "url",
    [
        "/api/files/uploads/appointments/prescriptions/{year}/{month}/{name}",  # wrong kind
        "/api/files/uploads/profiles/{year}/{month}/{name}",
        "/api/files/uploads/appointments/reports/1999/{month}/{name}",  # wrong month folder
        "/api/files/uploads/appointments/reports/{year}/{month}/..%2F{name}",
        "/api/files/uploads/appointments/reports/{year}/{month}/{name}.pdf",
        "/api/files/uploads/{name}",
    ],
)
def test_old_style_url_must_name_the_file_exactly(url, patient, doctor, as_user):
    stored = medical_image(patient, doctor)
    year, month = stored.file.name.split("/")[-3:-1]
    response = as_user(patient).get(url.format(year=year, month=month, name=stored.filename))
    assert response.status_code == 404
    assert response.json()["error"]["code"] in ("FILE_NOT_FOUND", "NOT_FOUND")


@pytest.mark.parametrize("actor", ["other_patient", "other_doctor", "receptionist", "anonymous"])
def test_names_and_paths_follow_the_access_rules(actor, patient, doctor, make_user, as_user):
    stored = medical_image(patient, doctor)
    roles = {"other_patient": Role.PATIENT, "other_doctor": Role.DOCTOR, "receptionist": Role.RECEPTIONIST}
    client = as_user(None if actor == "anonymous" else make_user(roles[actor]))
    for url in (f"/api/files/{stored.filename}", f"/api/files/{stored.file.name}"):
        response = client.get(url)
        if actor == "anonymous":
            assert response.status_code == 401
        else:
            assert response.status_code == 404, url
            assert response.json()["error"]["code"] == "FILE_NOT_FOUND"
    assert FileAccessLog.objects.count() == 0


def test_delete_by_stored_name(patient, doctor, as_user, make_user, django_capture_on_commit_callbacks):
    stored = store_report(AppointmentFactory(patient=patient, doctor=doctor, status="confirmed"), uploaded_by=patient)
    # Someone who may not see it is told it does not exist.
    response = as_user(make_user(Role.PATIENT)).delete(f"/api/files/{stored.filename}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "FILE_NOT_FOUND"
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(patient).delete(f"/api/files/{stored.filename}")
    assert response.status_code == 200
    assert response.json()["message"] == "File deleted successfully"
    assert not StoredFile.objects.filter(pk=stored.pk).exists()
    assert not default_storage.exists(stored.file.name)


def test_old_style_path_pattern_names_exactly_the_stored_file_names():
    from files.selectors import STORED_FILENAME_RE, STORED_PATH_RE

    assert f"(?P<name>{STORED_FILENAME_RE.pattern})" in STORED_PATH_RE.pattern
