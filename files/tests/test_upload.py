"""Storing files: names, hashes, all-or-nothing, and the streaming size limit."""

import hashlib
import io
import re

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import RequestFactory
from django.test.client import encode_multipart

from accounts.tokens import tokens_for
from appointments.tests.factories import AppointmentFactory
from appointments.views.uploads import AppointmentFileViewSet
from arthomed.core.errors import InvalidFileType
from files.models import FileKind, StoredFile
from files.services import file_delete, file_remove, file_store, files_rollback_guard, files_store_many
from files.tests.support import HTML_BYTES, jpeg_bytes, media_files, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db
BOUNDARY = "ArthomedTestBoundary"
NAME_RE = re.compile(
    r"uploads/appointments/reports/\d{4}/\d{2}/"
    r"[0-9a-f-]{36}_\d+_[0-9a-f]{16}\.(jpg|png|pdf)"
)


def test_file_store_names_hashes_and_sanitises(patient, doctor, settings):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status="confirmed")
    content = pdf_bytes()
    stored = file_store(
        upload=upload(content, "../../Lab <Report>.exe", "text/html"),
        kind=FileKind.APPOINTMENT_REPORT,
        owner=patient,
        uploaded_by=doctor,
        appointment=appointment,
    )
    assert NAME_RE.fullmatch(stored.file.name)
    assert stored.file.name.split("/")[-1].startswith(f"{patient.pk}_")
    assert stored.original_name == "Lab _Report.pdf"
    assert stored.mime_type == "application/pdf"
    assert stored.size == len(content)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert (settings.MEDIA_ROOT / stored.file.name).read_bytes() == content


def test_store_many_is_all_or_nothing_when_one_file_is_bad(patient, doctor, settings):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status="confirmed")
    uploads = [upload(pdf_bytes(), "a.pdf"), upload(HTML_BYTES, "b.png"), upload(png_bytes(), "c.png")]
    with pytest.raises(InvalidFileType):
        files_store_many(
            uploads=uploads,
            kind=FileKind.APPOINTMENT_REPORT,
            owner=patient,
            uploaded_by=patient,
            appointment=appointment,
        )
    assert StoredFile.objects.count() == 0
    assert media_files(settings.MEDIA_ROOT) == []


def test_rollback_of_the_outer_transaction_leaves_no_bytes(patient, doctor, settings):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status="confirmed")
    with pytest.raises(RuntimeError), files_rollback_guard(), transaction.atomic():
        stored = files_store_many(
            uploads=[upload(pdf_bytes(), "a.pdf"), upload(jpeg_bytes(), "b.jpg")],
            kind=FileKind.APPOINTMENT_REPORT,
            owner=patient,
            uploaded_by=patient,
            appointment=appointment,
        )
        assert len(media_files(settings.MEDIA_ROOT)) == 2
        assert len(stored) == 2
        raise RuntimeError("the booking failed after the files were stored")
    assert StoredFile.objects.count() == 0
    assert media_files(settings.MEDIA_ROOT) == []


def test_a_failing_row_insert_removes_its_bytes(patient, settings, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(StoredFile, "save", fail)
    with pytest.raises(RuntimeError):
        file_store(upload=upload(png_bytes(), "x.png"), kind=FileKind.PROFILE, owner=patient, uploaded_by=patient)
    assert media_files(settings.MEDIA_ROOT) == []


def test_delete_removes_bytes_only_after_commit(
    patient, doctor, admin_user, settings, django_capture_on_commit_callbacks
):
    stored = file_store(
        upload=upload(pdf_bytes()),
        kind=FileKind.APPOINTMENT_REPORT,
        owner=patient,
        uploaded_by=patient,
        appointment=AppointmentFactory(patient=patient, doctor=doctor, status="confirmed"),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        file_delete(file=stored, actor=admin_user)
    assert default_storage.exists(stored.file.name)  # not yet: the deletion could still roll back
    for callback in callbacks:
        callback()
    assert not default_storage.exists(stored.file.name)
    assert not StoredFile.objects.filter(pk=stored.pk).exists()


def test_rolled_back_delete_keeps_the_bytes(patient, settings, django_capture_on_commit_callbacks):
    stored = file_store(upload=upload(png_bytes(), "x.png"), kind=FileKind.PROFILE, owner=patient, uploaded_by=patient)
    pk, name = stored.pk, stored.file.name
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        file_remove(file=stored)
        raise RuntimeError("undo")
    assert default_storage.exists(name)
    assert StoredFile.objects.filter(pk=pk).exists()


class CountingStream(io.BytesIO):
    """A request body that remembers how much of it the server read."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_oversized_file_is_refused_while_streaming(patient, doctor, settings, tmp_path):
    """An 11 MB file answers 413 after reading little more than the 10 MB limit, not the whole body."""
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "partial"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status="confirmed")
    eleven_mb = b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024)
    tail = "z" * (30 * 1024 * 1024)  # a further 30 MB field the server must never read
    body = encode_multipart(
        BOUNDARY,
        {"appointmentId": str(appointment.pk), "category": "report", "files": upload(eleven_mb, "big.pdf"), "z": tail},
    )
    stream = CountingStream(body)
    request = RequestFactory().generic(
        "POST",
        "/api/files/upload/appointments",
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        HTTP_AUTHORIZATION=f"Bearer {tokens_for(patient)['accessToken']}",
        **{"wsgi.input": stream},
    )
    response = AppointmentFileViewSet.as_view({"post": "upload_appointments"})(request)
    assert response.status_code == 413
    assert response.data["error"]["code"] == "FILE_TOO_LARGE"
    assert stream.bytes_read < settings.FILE_MAX_BYTES + 1024 * 1024
    assert StoredFile.objects.count() == 0
    assert media_files(settings.MEDIA_ROOT) == []
    assert list(settings.FILE_UPLOAD_TEMP_DIR.iterdir()) == []  # the partial upload was deleted at once
