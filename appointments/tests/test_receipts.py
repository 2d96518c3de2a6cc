"""Receipt numbers per financial year, the receipt PDF and amounts in words (SPEC.md §10)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from pypdf import PdfReader

from appointments.models import AppointmentStatus as S
from appointments.models import PaymentStatus, ReceiptCounter
from appointments.money_words import number_in_words, rupees_in_words
from appointments.services.lifecycle import appointment_cancel, appointment_payment_record, financial_year
from appointments.tests.factories import AppointmentFactory, FamilyMemberFactory, UserFactory, clinic_dt

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment(patient, doctor):
    return AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED, fee=Decimal("500.00"))


def pay(appointment, actor, **kwargs):
    kwargs.setdefault("method", "cash")
    return appointment_payment_record(appointment=appointment, actor=actor, status=PaymentStatus.PAID, **kwargs)


def pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


# --- Receipt numbers ---------------------------------------------------------------------


def test_a_payment_gets_a_receipt_number_and_its_recorder(appointment, receptionist, settings):
    settings.RECEIPT_PREFIX = "ARTH"
    with time_machine.travel(clinic_dt(dt.date(2026, 11, 30), 10), tick=False):
        paid = pay(appointment, receptionist)
    assert paid.receipt_number == "ARTH/2026-27/000001"
    assert paid.payment_recorded_by == receptionist
    assert ReceiptCounter.objects.get(pk="2026-27").last_number == 1


def test_receipt_numbers_are_consecutive(patient, doctor, receptionist):
    appointments = [AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED) for _ in range(3)]
    with time_machine.travel(clinic_dt(dt.date(2026, 11, 30), 10), tick=False):
        numbers = [pay(appointment, receptionist).receipt_number for appointment in appointments]
    assert [number.rsplit("/", 1)[1] for number in numbers] == ["000001", "000002", "000003"]


def test_paying_again_keeps_the_receipt_number_and_recorder(appointment, receptionist, admin_user):
    first = pay(appointment, receptionist)
    again = pay(appointment, admin_user, method="upi", transaction_id="UPI-9")
    assert again.receipt_number == first.receipt_number
    assert again.payment_recorded_by == receptionist
    assert again.payment_method == "upi"
    assert ReceiptCounter.objects.get().last_number == 1


def test_again_through_the_api_is_idempotent(as_user, appointment, receptionist):
    client = as_user(receptionist)
    url = f"/api/appointments/{appointment.pk}/payment"
    first = client.put(url, {"status": "paid", "method": "cash"}, format="json").json()
    second = client.put(url, {"status": "paid", "method": "cash"}, format="json")
    assert second.status_code == 200
    number = first["data"]["appointment"]["payment"]["receiptNumber"]
    assert number.startswith("ARTH/")
    assert second.json()["data"]["appointment"]["payment"]["receiptNumber"] == number


def test_a_reverted_payment_paid_again_reuses_its_number(appointment, receptionist):
    number = pay(appointment, receptionist).receipt_number
    appointment_payment_record(appointment=appointment, actor=receptionist, status=PaymentStatus.PENDING)
    appointment.refresh_from_db()
    assert appointment.payment_recorded_by is None
    assert pay(appointment, receptionist).receipt_number == number
    assert ReceiptCounter.objects.get().last_number == 1


def test_financial_year_boundary_in_clinic_time(patient, doctor, receptionist):
    march = AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED)
    april = AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED)
    with time_machine.travel(clinic_dt(dt.date(2027, 3, 31), 23, 59), tick=False):
        assert pay(march, receptionist).receipt_number == "ARTH/2026-27/000001"
    # 1 April 00:00 in Kolkata is still 31 March in UTC: the clinic's date decides.
    with time_machine.travel(clinic_dt(dt.date(2027, 4, 1), 0, 0), tick=False):
        assert pay(april, receptionist).receipt_number == "ARTH/2027-28/000001"


@pytest.mark.parametrize(
    ("moment", "year"),
    [
        (clinic_dt(dt.date(2027, 3, 31), 23, 59), "2026-27"),
        (clinic_dt(dt.date(2027, 4, 1), 0, 0), "2027-28"),
        (clinic_dt(dt.date(2026, 1, 15), 12), "2025-26"),
        (clinic_dt(dt.date(2099, 6, 1), 12), "2099-00"),
    ],
)
def test_financial_year(moment, year):
    assert financial_year(moment) == year


def test_a_pending_record_allocates_no_number(appointment, receptionist):
    appointment_payment_record(appointment=appointment, actor=receptionist, status=PaymentStatus.PENDING)
    appointment.refresh_from_db()
    assert appointment.receipt_number is None
    assert not ReceiptCounter.objects.exists()


# --- Amounts in words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "Zero"),
        (7, "Seven"),
        (19, "Nineteen"),
        (40, "Forty"),
        (99, "Ninety Nine"),
        (100, "One Hundred"),
        (500, "Five Hundred"),
        (1001, "One Thousand One"),
        (1250, "One Thousand Two Hundred Fifty"),
        (99999, "Ninety Nine Thousand Nine Hundred Ninety Nine"),
        (100000, "One Lakh"),
        (150000, "One Lakh Fifty Thousand"),
        (2534678, "Twenty Five Lakh Thirty Four Thousand Six Hundred Seventy Eight"),
        (10000000, "One Crore"),
        (1234567890, "One Hundred Twenty Three Crore Forty Five Lakh Sixty Seven Thousand Eight Hundred Ninety"),
    ],
)
def test_number_in_words(number, words):
    assert number_in_words(number) == words


def test_rupees_in_words():
    assert rupees_in_words(Decimal("500")) == "Rupees Five Hundred Only"
    assert rupees_in_words(Decimal("450.50")) == "Rupees Four Hundred Fifty and Fifty Paise Only"
    assert rupees_in_words(Decimal("0.05")) == "Rupees Zero and Five Paise Only"


def test_negative_numbers_are_refused():
    with pytest.raises(ValueError):
        number_in_words(-1)


# --- The PDF -----------------------------------------------------------------------------


@pytest.fixture
def paid(appointment, receptionist):
    appointment.doctor_notes = "SECRET-CLINICAL-NOTE"
    appointment.prescription = "SECRET-RX"
    appointment.visit_summary = {"diagnosis": "SECRET-DIAGNOSIS"}
    appointment.save()
    with time_machine.travel(clinic_dt(dt.date(2026, 11, 30), 10, 5), tick=False):
        return pay(appointment, receptionist, method="upi", transaction_id="UPI-777")


@pytest.mark.usefixtures("unicode_pdf_font")
@pytest.mark.parametrize("accept", ["application/pdf", "*/*", "application/json", "text/html"])
def test_the_patient_downloads_the_receipt(as_user, paid, patient, settings, accept):
    settings.CLINIC_NAME = "Arthomed Ortho Clinic"
    settings.CLINIC_ADDRESS = "12 MG Road, Bengaluru"
    settings.CLINIC_PHONE = "080-1234567"
    settings.CLINIC_REGISTRATION = "29ABCDE1234F1Z5"
    response = as_user(patient).get(f"/api/appointments/{paid.pk}/receipt", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="receipt-ARTH-2026-27-000001.pdf"'
    text = pdf_text(response)
    for expected in (
        "Arthomed Ortho Clinic",
        "12 MG Road, Bengaluru",
        "080-1234567",
        "29ABCDE1234F1Z5",
        "ARTH/2026-27/000001",
        "2026-11-30 10:05",
        paid.patient.name,
        paid.doctor.name,
        f"{paid.appointment_date.isoformat()} {paid.appointment_time:%H:%M}",
        "Amount: ₹500.00",
        "Rupees Five Hundred Only",
        "UPI",
        "UPI-777",
    ):
        assert expected in text, expected
    for secret in ("SECRET-CLINICAL-NOTE", "SECRET-RX", "SECRET-DIAGNOSIS"):
        assert secret not in text


def test_staff_download_it_too(as_user, paid, receptionist, admin_user):
    for user in (receptionist, admin_user):
        assert as_user(user).get(f"/api/appointments/{paid.pk}/receipt").status_code == 200


def test_a_doctor_may_not(as_user, paid, doctor):
    response = as_user(doctor).get(f"/api/appointments/{paid.pk}/receipt")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"


def test_someone_elses_receipt_is_not_found(as_user, paid):
    response = as_user(UserFactory()).get(f"/api/appointments/{paid.pk}/receipt")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "APPOINTMENT_NOT_FOUND"


def test_an_unpaid_appointment_has_no_receipt(as_user, appointment, patient):
    response = as_user(patient).get(f"/api/appointments/{appointment.pk}/receipt", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "PAYMENT_NOT_RECORDED"


def test_a_refunded_payment_still_prints_its_receipt(as_user, patient, paid, receptionist):
    appointment_cancel(appointment=paid, actor=receptionist, reason="Clinic closed")
    assert as_user(patient).get(f"/api/appointments/{paid.pk}/receipt").status_code == 200


def test_a_family_members_visit_names_both(as_user, patient, doctor, receptionist):
    member = FamilyMemberFactory(account=patient, name="Little Patient")
    appointment = AppointmentFactory(patient=patient, doctor=doctor, family_member=member, status=S.CONFIRMED)
    pay(appointment, receptionist)
    text = pdf_text(as_user(patient).get(f"/api/appointments/{appointment.pk}/receipt"))
    assert patient.name in text
    assert "For: Little Patient" in text


def _paid_by(patient_name: str, *, fee: str, doctor, receptionist):
    holder = UserFactory(name=patient_name)
    appointment = AppointmentFactory(patient=holder, doctor=doctor, status=S.CONFIRMED, fee=Decimal(fee))
    pay(appointment, receptionist)
    return holder, appointment


def test_names_in_any_latin_script_and_the_rupee_sign_print(as_user, doctor, receptionist, unicode_pdf_font):
    holder, appointment = _paid_by("Łucja Śliwińska-Müller", fee="125000", doctor=doctor, receptionist=receptionist)
    text = pdf_text(as_user(holder).get(f"/api/appointments/{appointment.pk}/receipt"))
    assert "Received from: Łucja Śliwińska-Müller" in text
    assert "Amount: ₹1,25,000.00" in text  # grouped as the clinic writes amounts
    assert "Rupees One Lakh Twenty Five Thousand Only" in text


def test_letters_no_font_has_print_as_question_marks_not_a_failure(as_user, doctor, receptionist, unicode_pdf_font):
    holder, appointment = _paid_by("Asha राव", fee="500", doctor=doctor, receptionist=receptionist)
    text = pdf_text(as_user(holder).get(f"/api/appointments/{appointment.pk}/receipt"))
    assert "Received from: Asha ???" in text


def test_without_the_unicode_font_the_core_fonts_print_latin_1(as_user, doctor, receptionist, core_pdf_fonts):
    holder, appointment = _paid_by("Łucja Müller", fee="125000", doctor=doctor, receptionist=receptionist)
    text = pdf_text(as_user(holder).get(f"/api/appointments/{appointment.pk}/receipt"))
    assert "Received from: ?ucja Müller" in text
    assert "Amount: Rs. 1,25,000.00" in text
