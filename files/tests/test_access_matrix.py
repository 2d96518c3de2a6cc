"""Role x file x own/other's: who reads content, who deletes (SPEC.md §2), and every read is logged."""

import pytest

from appointments.tests.factories import AppointmentFactory
from arthomed.core.roles import Role
from files.models import FileAccessLog, FileKind
from files.services import file_store
from files.tests.support import jpeg_bytes, png_bytes, store_report, upload

pytestmark = pytest.mark.django_db

ACTORS = ["admin", "doctor", "other_doctor", "receptionist", "patient", "other_patient", "anonymous"]

# Expected status of GET content, per file and actor.
READ = {
    "report": {
        "admin": 200,
        "doctor": 200,
        "other_doctor": 404,
        "receptionist": 404,  # metadata only, never content
        "patient": 200,
        "other_patient": 404,
        "anonymous": 401,
    },
    "patient_avatar": {
        "admin": 200,
        "doctor": 200,  # the patient has an appointment with them
        "other_doctor": 404,
        "receptionist": 200,
        "patient": 200,
        "other_patient": 404,
        "anonymous": 401,
    },
    "doctor_avatar": {
        "admin": 200,
        "doctor": 200,
        "other_doctor": 200,
        "receptionist": 200,
        "patient": 200,
        "other_patient": 200,
        "anonymous": 401,
    },
}
# DELETE of a report the patient uploaded: uploader or admin; readers who may not: 403; others: 404.
DELETE = {
    "admin": 200,
    "doctor": 403,
    "other_doctor": 404,
    "receptionist": 403,
    "patient": 200,
    "other_patient": 404,
    "anonymous": 401,
}


@pytest.fixture
def world(make_user, admin_user, receptionist, doctor, patient):
    other_doctor = make_user(Role.DOCTOR, name="Other Doctor")
    other_patient = make_user(Role.PATIENT, name="Other Patient")
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status="confirmed")
    # The other patient has seen the other doctor: that gives neither any access here.
    AppointmentFactory(patient=other_patient, doctor=other_doctor, status="confirmed")
    files = {
        "report": store_report(appointment, uploaded_by=patient),
        "patient_avatar": file_store(
            upload=upload(png_bytes(), "me.png"), kind=FileKind.PROFILE, owner=patient, uploaded_by=patient
        ),
        "doctor_avatar": file_store(
            upload=upload(jpeg_bytes(), "dr.jpg"), kind=FileKind.PROFILE, owner=doctor, uploaded_by=doctor
        ),
    }
    actors = {
        "admin": admin_user,
        "doctor": doctor,
        "other_doctor": other_doctor,
        "receptionist": receptionist,
        "patient": patient,
        "other_patient": other_patient,
        "anonymous": None,
    }
    return files, actors


def short_type(stored) -> str:
    return {FileKind.APPOINTMENT_REPORT: "reports", FileKind.PROFILE: "profiles"}[stored.kind]


@pytest.mark.parametrize("file_key", list(READ))
@pytest.mark.parametrize("actor_key", ACTORS)
def test_read_matrix(file_key, actor_key, world, as_user, api):
    files, actors = world
    stored, actor = files[file_key], actors[actor_key]
    client = as_user(actor) if actor else api
    expected = READ[file_key][actor_key]
    for path in (f"/api/files/{stored.pk}", f"/api/files/{short_type(stored)}/{stored.filename}"):
        response = client.get(path)
        assert response.status_code == expected, (path, response.status_code)
        if expected == 404:
            assert response.json()["error"]["code"] == "FILE_NOT_FOUND"
        if expected == 200:
            b"".join(response.streaming_content)
    allowed_reads = 2 if expected == 200 else 0
    assert FileAccessLog.objects.filter(file=stored).count() == allowed_reads
    if allowed_reads:
        assert set(FileAccessLog.objects.values_list("user", flat=True)) == {actor.pk}


@pytest.mark.parametrize("actor_key", ACTORS)
def test_delete_matrix(actor_key, world, as_user, api, django_capture_on_commit_callbacks):
    files, actors = world
    stored, actor = files["report"], actors[actor_key]
    client = as_user(actor) if actor else api
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"/api/files/{stored.pk}")
    assert response.status_code == DELETE[actor_key]
    assert type(stored).objects.filter(pk=stored.pk).exists() == (DELETE[actor_key] != 200)
