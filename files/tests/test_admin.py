"""The access log and file register in the Django admin: admins read them, nobody edits, receptionists see neither."""

import pytest
from django.test import Client

from appointments.tests.factories import AppointmentFactory
from files.models import FileAccessLog
from files.tests.support import store_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_read(patient, doctor, as_user):
    stored = store_report(AppointmentFactory(patient=patient, doctor=doctor, status="confirmed"))
    b"".join(as_user(doctor).get(f"/api/files/{stored.pk}", REMOTE_ADDR="10.9.8.7").streaming_content)
    return FileAccessLog.objects.get()


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_admin_reads_the_access_log(admin_user, logged_read):
    client = admin_client(admin_user)
    listing = client.get("/admin/files/fileaccesslog/")
    assert listing.status_code == 200
    assert b"10.9.8.7" in listing.content
    assert client.get(f"/admin/files/fileaccesslog/{logged_read.pk}/change/").status_code == 200
    assert client.get("/admin/files/fileaccesslog/add/").status_code == 403
    assert client.get("/admin/files/storedfile/").status_code == 200


def test_access_log_cannot_be_edited_or_deleted(admin_user, logged_read):
    client = admin_client(admin_user)
    client.post(f"/admin/files/fileaccesslog/{logged_read.pk}/change/", {"ip_address": "1.1.1.1"})
    client.post(f"/admin/files/fileaccesslog/{logged_read.pk}/delete/", {"post": "yes"})
    logged_read.refresh_from_db()
    assert logged_read.ip_address == "10.9.8.7"


def test_receptionists_see_neither(receptionist, logged_read):
    client = admin_client(receptionist)
    assert client.get("/admin/files/fileaccesslog/").status_code == 403
    assert client.get("/admin/files/storedfile/").status_code == 403
