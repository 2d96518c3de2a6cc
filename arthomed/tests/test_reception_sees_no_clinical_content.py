"""Receptionists never receive clinical content, through any channel (SPEC.md §5, §10).

A unique marker is planted in every clinical field — the doctor's note (sent with the status
change, so it could leak into the status history), the visit summary, the prescription as text
and as details, the follow-up note, the patient's and a family member's allergies and medical
history, a file's
content — and no API answer or admin page a receptionist can open may contain it.
"""

import pytest
import time_machine
from django.test import Client

from accounts.models import ScheduleBlock
from accounts.services.users import user_profile_update
from appointments.models import Appointment
from appointments.tests.factories import MONDAY, AppointmentFactory, FamilyMemberFactory, clinic_dt, schedule_block
from files.tests.support import pdf_bytes, upload

pytestmark = pytest.mark.django_db

MARK = "qzv7clinical"
BLOOD_GROUP = "AB-"


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(clinic_dt(MONDAY, 8), tick=False):
        yield


@pytest.fixture
def visit(as_user, patient, doctor) -> Appointment:
    """A completed visit today, every clinical field written through the API as a doctor would."""
    user_profile_update(
        user=patient,
        data={
            "patient_info": {
                "blood_group": BLOOD_GROUP,
                "allergies": [f"{MARK}-allergy"],
                "medical_history": [{"condition": f"{MARK}-history"}],
            }
        },
    )
    # A family member's clinical data is theirs, and as hidden from the front desk as the holder's.
    FamilyMemberFactory(
        account=patient,
        name="Anya Member",
        blood_group=BLOOD_GROUP,
        allergies=[f"{MARK}-member-allergy"],
        medical_history=[{"condition": f"{MARK}-member-history"}],
    )
    ScheduleBlock.objects.create(doctor=doctor, **schedule_block("monday 09:00-12:00"))
    appointment = AppointmentFactory(doctor=doctor, patient=patient, starts_at=clinic_dt(MONDAY, 9), status="confirmed")
    client = as_user(doctor)
    stored = client.post(
        "/api/files/upload/appointments",
        {"appointmentId": str(appointment.pk), "files": [upload(pdf_bytes(MARK.encode()), "lab.pdf")]},
        format="multipart",
    )
    assert stored.status_code == 200, stored.json()
    completed = client.put(
        f"/api/appointments/{appointment.pk}/status",
        {"status": "completed", "notes": f"{MARK}-note", "prescription": f"{MARK}-rx"},
        format="json",
    )
    assert completed.status_code == 200, completed.json()
    summary = client.put(
        f"/api/appointments/{appointment.pk}/visit-summary",
        {
            "visitSummary": {"diagnosis": f"{MARK}-diagnosis", "vitals": {"pulse": f"{MARK}-pulse"}},
            "prescription": {"medicines": [{"name": f"{MARK}-medicine"}], "advice": f"{MARK}-advice"},
            "followUp": {"date": "2026-03-20", "note": f"{MARK}-follow-up"},
        },
        format="json",
    )
    assert summary.status_code == 200, summary.json()
    body = str(summary.json())
    for field in ("note", "rx", "diagnosis", "medicine", "follow-up"):
        assert f"{MARK}-{field}" in body  # planted: the doctor reads every marker back
    return appointment


def api_answers(client, appointment, patient) -> dict[str, bytes]:
    file_id = appointment.files.get().pk
    payment = {"status": "paid", "method": "cash"}
    return {
        "detail": client.get(f"/api/appointments/{appointment.pk}").content,
        "list": client.get("/api/appointments").content,
        "search": client.get("/api/appointments", {"search": patient.name}).content,
        "pending": client.get("/api/appointments/pending").content,
        "stats": client.get("/api/appointments/stats").content,
        "dashboard": client.get("/api/dashboard").content,
        "notifications": client.get("/api/notifications").content,
        "ics": client.get(f"/api/appointments/{appointment.pk}/ics").content,
        "record": client.get(f"/api/patients/{patient.pk}/record").content,
        "prescription": client.get(f"/api/appointments/{appointment.pk}/prescription").content,
        "file": client.get(f"/api/files/{file_id}").content,
        "payment": client.put(f"/api/appointments/{appointment.pk}/payment", payment, format="json").content,
        "receipt": client.get(f"/api/appointments/{appointment.pk}/receipt").content,
        "day report": client.get("/api/reports/day").content,
    }


def test_no_api_answer_to_a_receptionist_carries_clinical_content(as_user, receptionist, patient, visit):
    answers = api_answers(as_user(receptionist), visit, patient)
    assert str(visit.pk).encode() in answers["detail"] and str(visit.pk).encode() in answers["list"]
    assert b'"receptionistNote"' in answers["detail"]  # the front desk's own view, not an empty error
    assert str(visit.pk).encode() in answers["dashboard"]  # today's visit is on the reception dashboard
    for channel, content in answers.items():
        assert MARK.encode() not in content, channel
    assert b"bloodGroup" not in answers["detail"] and b"patientInfo" not in answers["detail"]
    assert b'"person"' not in answers["detail"]


def test_the_doctor_gets_the_persons_blood_group_and_allergies_the_desk_does_not(as_user, doctor, visit):
    # The same detail the receptionist's test reads does carry them for the doctor: the filter is real.
    person = as_user(doctor).get(f"/api/appointments/{visit.pk}").json()["data"]["appointment"]["person"]
    assert person["bloodGroup"] == BLOOD_GROUP
    assert person["allergies"] == [f"{MARK}-allergy"]


def test_the_status_history_keeps_the_change_without_its_note(as_user, receptionist, visit):
    history = as_user(receptionist).get(f"/api/appointments/{visit.pk}").json()["data"]["appointment"]["statusHistory"]
    assert [(line["to"], line["note"]) for line in history][-1] == ("completed", "")


def admin_pages(appointment, patient) -> list[str]:
    return [
        "/admin/",
        "/admin/appointments/appointment/",
        f"/admin/appointments/appointment/?q={patient.mobile_number}",
        f"/admin/appointments/appointment/{appointment.pk}/change/",
        f"/admin/appointments/appointment/{appointment.pk}/history/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/?q={patient.mobile_number}",
        f"/admin/accounts/user/{patient.pk}/change/",
        f"/admin/accounts/user/{patient.pk}/history/",
        "/admin/appointments/notification/",
        "/admin/appointments/outboundmessage/",
        "/admin/files/storedfile/",
        f"/admin/files/storedfile/{appointment.files.get().pk}/change/",
        "/admin/files/fileaccesslog/",
        "/admin/appointments/recordaccesslog/",
        # The front desk's own pages (SPEC.md §10).
        f"/admin/frontdesk/collect/{appointment.pk}/",
        f"/admin/frontdesk/receipt/{appointment.pk}/",
        "/admin/frontdesk/refunds/",
        "/admin/frontdesk/day-close/",
        "/admin/frontdesk/today/",
        "/admin/frontdesk/today/board/",
        f"/admin/frontdesk/book/?q={patient.mobile_number}",
        f"/admin/frontdesk/book/?patient={patient.pk}&doctor={appointment.doctor_id}&date=2026-03-09",
        f"/admin/frontdesk/walk-in/?patient={patient.pk}",
        f"/admin/frontdesk/appointment/{appointment.pk}/cancel/",
        f"/admin/frontdesk/appointment/{appointment.pk}/reschedule/",
        f"/admin/frontdesk/appointment/{appointment.pk}/confirm/",
    ]


def test_no_admin_page_a_receptionist_opens_carries_clinical_content(receptionist, patient, visit):
    desk = Client()
    desk.force_login(receptionist)
    opened = 0
    for page in admin_pages(visit, patient):
        response = desk.get(page)
        content = response.content.decode()
        assert MARK not in content, page
        assert "Blood group" not in content and "blood_group" not in content, page
        opened += response.status_code == 200
    assert opened >= 16  # the console, patients and their pages, the front desk's pages really were shown
    # The family is on the patient's page: their demographics, nothing clinical.
    assert "Anya Member" in desk.get(f"/admin/accounts/user/{patient.pk}/change/").content.decode()


def test_an_admin_still_sees_the_patient_information(admin_user, patient, visit):
    admin = Client()
    admin.force_login(admin_user)
    page = admin.get(f"/admin/accounts/user/{patient.pk}/change/").content.decode()
    assert f"{MARK}-allergy" in page and "Blood group" in page
    assert f"{MARK}-member-allergy" in page and f"{MARK}-member-history" in page


def test_the_reception_view_is_metadata_of_files(as_user, receptionist, visit):
    images = as_user(receptionist).get(f"/api/appointments/{visit.pk}").json()["data"]["appointment"]["images"]
    assert [(image["originalName"], image["url"]) for image in images] == [("lab.pdf", None)]
    assert images[0]["path"].startswith("uploads/appointments/reports/")
