"""`POST /api/users/profile/avatar`: JPEG/PNG by content, replaces the previous picture."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from files.models import FileKind, StoredFile
from files.tests.support import HTML_BYTES, jpeg_bytes, media_files, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db
URL = "/api/users/profile/avatar"


def test_upload_sets_the_avatar_and_answers_the_user(patient, as_user):
    response = as_user(patient).post(URL, {"file": upload(jpeg_bytes(gps=True), "me.jpg")}, format="multipart")
    assert response.status_code == 200, response.json()
    user = response.json()["data"]["user"]
    patient.refresh_from_db()
    assert user["_id"] == str(patient.pk)
    assert user["avatarUrl"] == f"/api/files/{patient.avatar_id}"
    assert patient.avatar.kind == FileKind.PROFILE
    assert patient.avatar.file.name.startswith("uploads/profiles/")
    stored = Image.open(default_storage.open(patient.avatar.file.name))
    assert not stored.getexif()  # GPS and camera data gone
    picture = as_user(patient).get(user["avatarUrl"])
    assert picture.status_code == 200
    assert Image.open(io.BytesIO(b"".join(picture.streaming_content))).format == "JPEG"


def test_a_new_avatar_replaces_the_old_one_and_its_bytes(
    patient, as_user, settings, django_capture_on_commit_callbacks
):
    client = as_user(patient)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"file": upload(png_bytes(), "one.png")}, format="multipart")
    patient.refresh_from_db()
    first_name = patient.avatar.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"file": upload(jpeg_bytes(), "two.jpg")}, format="multipart")
    assert response.status_code == 200
    patient.refresh_from_db()
    assert StoredFile.objects.filter(kind=FileKind.PROFILE, owner=patient).count() == 1
    assert not default_storage.exists(first_name)
    assert media_files(settings.MEDIA_ROOT) == [patient.avatar.file.name]


@pytest.mark.parametrize(
    ("content", "name", "status", "code"),
    [
        (pdf_bytes(), "me.pdf", 400, "INVALID_FILE_TYPE"),
        (HTML_BYTES, "me.png", 400, "INVALID_FILE_TYPE"),
        (b"", "me.jpg", 400, "INVALID_FILE_TYPE"),
        (png_bytes()[:60], "me.png", 400, "INVALID_FILE_TYPE"),
        (b"\xff\xd8\xff" + b"0" * (11 * 1024 * 1024), "huge.jpg", 413, "FILE_TOO_LARGE"),
    ],
    ids=["pdf", "html-as-png", "zero-byte", "truncated", "11mb"],
)
def test_refused_avatars_change_nothing(content, name, status, code, *, patient, as_user, settings):
    response = as_user(patient).post(URL, {"file": upload(content, name)}, format="multipart")
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    patient.refresh_from_db()
    assert patient.avatar is None
    assert media_files(settings.MEDIA_ROOT) == []


def test_missing_file_is_a_validation_error(patient, as_user):
    response = as_user(patient).post(URL, {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"


def test_anonymous_is_refused(api):
    assert api.post(URL, {"file": upload(png_bytes(), "x.png")}, format="multipart").status_code == 401
