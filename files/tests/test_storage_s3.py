"""The S3 storage path, for real: django-storages + boto3 against moto's S3 server on loopback."""

import io
import socket

import boto3
import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

from appointments.tests.factories import AppointmentFactory
from files.models import FileAccessLog
from files.tests.support import jpeg_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db
BUCKET = "arthomed-test-files"
CREDENTIALS = {"access_key": "testing-key", "secret_key": "testing-secret"}  # moto accepts any credentials


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port())
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    monkeypatch.delenv("HTTPS_PROXY", raising=False)
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                **CREDENTIALS,
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_upload_download_delete_through_s3(
    s3, *, patient, doctor, as_user, settings, django_capture_on_commit_callbacks
):
    assert isinstance(storages["default"], S3Storage)
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status="confirmed")
    client = as_user(patient)
    response = client.post(
        "/api/files/upload/appointments",
        {"appointmentId": str(appointment.pk), "category": "report", "files": [upload(pdf_bytes(), "lab.pdf")]},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    item = response.json()["data"]["uploadedFiles"][0]
    [key] = keys(s3)
    assert key.startswith("uploads/appointments/reports/") and key.endswith(item["filename"])
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == pdf_bytes()
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.pdf"))

    download = client.get(item["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()
    assert download["Content-Type"] == "application/pdf"
    assert FileAccessLog.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(item["url"]).status_code == 200
    assert keys(s3) == []


def test_refused_booking_style_batch_leaves_no_objects(s3, patient, doctor, as_user):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status="confirmed")
    response = as_user(patient).post(
        "/api/files/upload/appointments",
        {
            "appointmentId": str(appointment.pk),
            "category": "report",
            "files": [upload(jpeg_bytes(), "a.jpg"), upload(b"<html>", "b.png")],
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert keys(s3) == []


def test_purge_lists_s3_orphans(s3):
    s3.put_object(Bucket=BUCKET, Key="uploads/profiles/2025/01/orphan_1_abc.png", Body=b"x")
    out = io.StringIO()
    call_command("purge_orphan_files", "--min-age-minutes", "0", stdout=out)
    assert "Removed uploads/profiles/2025/01/orphan_1_abc.png" in out.getvalue()
    assert keys(s3) == []
