"""The printable prescription (SPEC.md §11), read back as text with pypdf."""

import datetime as dt
import io

import pytest
from django.test import override_settings
from pypdf import PdfReader

from accounts.models import DoctorProfile
from appointments.models import AppointmentStatus as S
from appointments.tests.factories import AppointmentFactory, FamilyMemberFactory, UserFactory
from arthomed.core.roles import Role

pytestmark = pytest.mark.django_db

LETTERHEAD = {
    "CLINIC_NAME": "Sahyadri Ortho Clinic",
    "CLINIC_ADDRESS": "12 MG Road, Pune 411001",
    "CLINIC_PHONE": "020 2612 3456",
    "CLINIC_REGISTRATION": "GSTIN 27AAAPL1234C1ZV",
}


def _pdf_text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def prescribed(patient, doctor):
    DoctorProfile.objects.filter(user=doctor).update(qualification="MS (Ortho)", registration_number="MMC-2011-4455")
    member = FamilyMemberFactory(account=patient, name="Riya Kulkarni", date_of_birth=dt.date(2016, 5, 20))
    appointment = AppointmentFactory(
        patient=patient,
        doctor=doctor,
        family_member=member,
        status=S.COMPLETED,
        visit_summary={"diagnosis": "Greenstick fracture of left radius", "advice": "Keep the cast dry"},
        prescription_details={
            "medicines": [
                {"name": "Paracetamol 250mg", "dosage": "1 tab", "frequency": "twice daily", "duration": "5 days"},
                {"name": "Calcium syrup", "frequency": "once daily", "instructions": "after food"},
            ],
            "advice": "No sports for 4 weeks",
        },
        follow_up_date=dt.date(2030, 4, 15),
        follow_up_note="Cast removal",
    )
    return appointment


@override_settings(**LETTERHEAD)
def test_every_field_is_printed_for_the_person_seen(as_user, patient, prescribed):
    text = _pdf_text(as_user(patient).get(f"/api/appointments/{prescribed.pk}/prescription"))
    day = prescribed.appointment_date
    age = day.year - 2016 - ((day.month, day.day) < (5, 20))
    for expected in (
        *LETTERHEAD.values(),
        "Dev Doctor",
        "MS (Ortho)",
        "MMC-2011-4455",
        "Patient: Riya Kulkarni",
        f"Age: {age}",
        "Gender: Female",
        f"Date: {prescribed.appointment_date.isoformat()}",
        "Greenstick fracture of left radius",
        "1. Paracetamol 250mg - 1 tab - twice daily - 5 days",
        "2. Calcium syrup - once daily (after food)",
        "Keep the cast dry",
        "No sports for 4 weeks",
        "2030-04-15 - Cast removal",
    ):
        assert expected in text
    # The member was seen, not the account holder.
    assert patient.name not in text


def test_free_text_prescription_and_the_holder_as_the_person(as_user, patient, doctor, admin_user):
    appointment = AppointmentFactory(
        patient=patient, doctor=doctor, status=S.COMPLETED, prescription="Vitamin D3 - 1 tablet weekly\nRest"
    )
    for user in (patient, doctor, admin_user):
        text = _pdf_text(
            as_user(user).get(f"/api/appointments/{appointment.pk}/prescription", HTTP_ACCEPT="application/pdf")
        )
        assert "Vitamin D3 - 1 tablet weekly" in text
        assert "Rest" in text
        assert f"Patient: {patient.name}" in text


def test_no_prescription_yet_is_a_conflict(as_user, patient, doctor):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED)
    response = as_user(patient).get(f"/api/appointments/{appointment.pk}/prescription", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "INVALID_STATUS_TRANSITION"


def test_who_may_print(as_user, make_user, receptionist, prescribed):
    url = f"/api/appointments/{prescribed.pk}/prescription"
    denied = as_user(receptionist).get(url)
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "PERMISSION_DENIED"
    for stranger in (make_user(Role.PATIENT), make_user(Role.DOCTOR)):
        response = as_user(stranger).get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "APPOINTMENT_NOT_FOUND"


def test_text_outside_the_pdf_fonts_prints_as_question_marks(as_user, patient, doctor):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status=S.COMPLETED, prescription="दवा ₹ Rest")
    text = _pdf_text(as_user(patient).get(f"/api/appointments/{appointment.pk}/prescription"))
    assert "Rest" in text


@pytest.mark.usefixtures("unicode_pdf_font")
def test_names_and_medicines_in_any_latin_script_print_as_written(as_user, doctor):
    holder = UserFactory(name="Zoë Ćwikła")
    appointment = AppointmentFactory(
        patient=holder, doctor=doctor, status=S.COMPLETED, prescription="Ibuprofène 200 mg, après repas\nदवा"
    )
    text = _pdf_text(as_user(holder).get(f"/api/appointments/{appointment.pk}/prescription"))
    assert "Patient: Zoë Ćwikła" in text
    assert "Ibuprofène 200 mg, après repas" in text
    assert "??" in text  # Devanagari: in neither font
