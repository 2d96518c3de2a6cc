"""Front-desk money pages in the admin (SPEC.md §10): collect, receipt, refunds, day close."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from appointments.models import AppointmentStatus as S
from appointments.models import PaymentStatus, RefundStatus
from appointments.services.lifecycle import appointment_cancel, appointment_payment_record
from appointments.tests.factories import AppointmentFactory, FamilyMemberFactory, clinic_dt

pytestmark = pytest.mark.django_db

SECRETS = ("SECRET-CLINICAL-NOTE", "SECRET-SYMPTOM", "SECRET-RX", "SECRET-DIAGNOSIS")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def appointment(patient, doctor):
    return AppointmentFactory(
        patient=patient,
        doctor=doctor,
        status=S.CONFIRMED,
        fee=Decimal("500.00"),
        doctor_notes="SECRET-CLINICAL-NOTE",
        symptoms="SECRET-SYMPTOM",
        prescription="SECRET-RX",
        visit_summary={"diagnosis": "SECRET-DIAGNOSIS"},
    )


def paid(appointment, actor):
    return appointment_payment_record(appointment=appointment, actor=actor, status="paid", method="cash")


def assert_no_clinical_text(response):
    text = response.content.decode()
    for secret in SECRETS:
        assert secret not in text


# --- Who may open them ----------------------------------------------------------------------


def page_urls(appointment):
    return [
        reverse("frontdesk:collect", kwargs={"appointment_id": appointment.pk}),
        reverse("frontdesk:receipt", kwargs={"appointment_id": appointment.pk}),
        reverse("frontdesk:receipt-pdf", kwargs={"appointment_id": appointment.pk}),
        reverse("frontdesk:refunds"),
        reverse("frontdesk:day-close"),
    ]


def test_a_doctor_gets_the_admins_403(appointment, doctor):
    client = signed_in(doctor)
    for url in page_urls(appointment):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Sign out and sign in with a staff account" in response.content.decode()


def test_anonymous_is_sent_to_the_login(appointment):
    for url in page_urls(appointment):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_an_unknown_appointment_is_404(receptionist):
    url = reverse("frontdesk:collect", kwargs={"appointment_id": "00000000-0000-0000-0000-000000000000"})
    assert signed_in(receptionist).get(url).status_code == 404


# --- Collect --------------------------------------------------------------------------------


def test_collect_form_is_prefilled_with_the_fee(appointment, receptionist):
    response = signed_in(receptionist).get(reverse("frontdesk:collect", kwargs={"appointment_id": appointment.pk}))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="500.00"' in content
    assert "₹500.00" in content
    assert 'name="note"' not in content  # only admins may take more than the fee, with a note
    assert_no_clinical_text(response)


def test_collecting_records_the_payment_and_offers_the_receipt(appointment, receptionist):
    client = signed_in(receptionist)
    url = reverse("frontdesk:collect", kwargs={"appointment_id": appointment.pk})
    response = client.post(url, {"method": "upi", "amount": "500.00", "reference": "UPI-42"})
    assert response.status_code == 302
    assert response["Location"] == reverse("frontdesk:receipt", kwargs={"appointment_id": appointment.pk})
    appointment.refresh_from_db()
    assert appointment.payment_status == PaymentStatus.PAID
    assert appointment.payment_recorded_by == receptionist
    assert appointment.transaction_id == "UPI-42"
    entry = LogEntry.objects.get(object_id=str(appointment.pk))
    assert entry.user == receptionist
    assert appointment.receipt_number in entry.change_message
    page = client.get(response["Location"])
    assert "Payment recorded" in page.content.decode()


def test_a_receptionist_cannot_take_more_than_the_fee(appointment, receptionist):
    url = reverse("frontdesk:collect", kwargs={"appointment_id": appointment.pk})
    response = signed_in(receptionist).post(url, {"method": "cash", "amount": "900.00"})
    assert response.status_code == 200
    assert "more than the consultation fee" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.payment_status == PaymentStatus.PENDING


def test_an_admin_can_with_a_note(appointment, admin_user):
    client = signed_in(admin_user)
    url = reverse("frontdesk:collect", kwargs={"appointment_id": appointment.pk})
    refused = client.post(url, {"method": "cash", "amount": "900.00", "note": ""})
    assert "A note is required" in refused.content.decode()
    response = client.post(url, {"method": "cash", "amount": "900.00", "note": "Includes X-ray"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.payment_amount == Decimal("900.00")


def test_a_cancelled_visit_cannot_be_collected(appointment, receptionist):
    appointment_cancel(appointment=appointment, actor=receptionist, reason="x")
    url = reverse("frontdesk:collect", kwargs={"appointment_id": appointment.pk})
    response = signed_in(receptionist).post(url, {"method": "cash", "amount": "500.00"})
    assert response.status_code == 200
    assert "cancelled" in response.content.decode().lower()


# --- Receipt --------------------------------------------------------------------------------


def test_the_receipt_page(appointment, receptionist, patient, settings):
    settings.CLINIC_NAME = "Arthomed Ortho Clinic"
    settings.CLINIC_REGISTRATION = "29ABCDE1234F1Z5"
    member = FamilyMemberFactory(account=patient, name="Little Patient")
    appointment.family_member = member
    appointment.save()
    with time_machine.travel(clinic_dt(dt.date(2026, 11, 30), 18, 45), tick=False):
        paid(appointment, receptionist)
    response = signed_in(receptionist).get(reverse("frontdesk:receipt", kwargs={"appointment_id": appointment.pk}))
    assert response.status_code == 200
    content = response.content.decode()
    for expected in (
        "Arthomed Ortho Clinic",
        "29ABCDE1234F1Z5",
        "ARTH/2026-27/000001",
        "2026-11-30 18:45",
        patient.name,
        "Little Patient",
        appointment.doctor.name,
        "₹500.00",
        "Rupees Five Hundred Only",
        reverse("frontdesk:receipt-pdf", kwargs={"appointment_id": appointment.pk}),
        "@media print",
    ):
        assert expected in content, expected
    assert_no_clinical_text(response)


def test_the_pdf_from_the_admin(appointment, receptionist, doctor):
    url = reverse("frontdesk:receipt-pdf", kwargs={"appointment_id": appointment.pk})
    assert signed_in(receptionist).get(url).status_code == 404  # nothing paid yet
    paid(appointment, receptionist)
    response = signed_in(receptionist).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="receipt-ARTH-')
    assert signed_in(doctor).get(url).status_code == 403


def test_no_receipt_before_payment_sends_to_collect(appointment, receptionist):
    response = signed_in(receptionist).get(reverse("frontdesk:receipt", kwargs={"appointment_id": appointment.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("frontdesk:collect", kwargs={"appointment_id": appointment.pk})


# --- Refunds ----------------------------------------------------------------------------------


@pytest.fixture
def owed(appointment, receptionist):
    paid(appointment, receptionist)
    return appointment_cancel(appointment=appointment, actor=receptionist, reason="Travelling")


def test_refunds_owed_are_listed(owed, receptionist):
    response = signed_in(receptionist).get(reverse("frontdesk:refunds"))
    content = response.content.decode()
    assert owed.patient.name in content
    assert "₹500.00" in content
    assert_no_clinical_text(response)


def test_a_refund_needs_the_confirmation_box(owed, receptionist):
    response = signed_in(receptionist).post(
        reverse("frontdesk:refunds"), {"appointment": owed.pk, f"{owed.pk}-method": "cash"}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    owed.refresh_from_db()
    assert owed.refund_status == RefundStatus.PENDING


def test_processing_a_refund(owed, receptionist):
    client = signed_in(receptionist)
    response = client.post(
        reverse("frontdesk:refunds"),
        {"appointment": owed.pk, f"{owed.pk}-method": "upi", f"{owed.pk}-reference": "R-1", f"{owed.pk}-confirm": "on"},
    )
    assert response.status_code == 302
    owed.refresh_from_db()
    assert owed.refund_status == RefundStatus.PROCESSED
    assert (owed.refund_method, owed.refund_reference, owed.refund_processed_by) == ("upi", "R-1", receptionist)
    assert LogEntry.objects.filter(object_id=str(owed.pk), change_message__startswith="Refund processed").exists()
    page = client.get(response["Location"]).content.decode()
    assert "processed" in page
    assert "No refunds owed" in page


def test_a_refund_already_processed_says_so(owed, receptionist):
    client = signed_in(receptionist)
    data = {"appointment": owed.pk, f"{owed.pk}-method": "cash", f"{owed.pk}-confirm": "on"}
    client.post(reverse("frontdesk:refunds"), data)
    again = client.post(reverse("frontdesk:refunds"), data, follow=True)
    assert "Refund not processed" in again.content.decode()


def test_refund_posts_need_csrf(owed, receptionist):
    client = Client(enforce_csrf_checks=True)
    client.force_login(receptionist)
    data = {"appointment": owed.pk, f"{owed.pk}-method": "cash", f"{owed.pk}-confirm": "on"}
    assert client.post(reverse("frontdesk:refunds"), data).status_code == 403
    owed.refresh_from_db()
    assert owed.refund_status == RefundStatus.PENDING


# --- Day close --------------------------------------------------------------------------------


def test_day_close_page_and_its_csv(appointment, receptionist):
    day = dt.date(2026, 11, 30)
    with time_machine.travel(clinic_dt(day, 10), tick=False):
        paid(appointment, receptionist)
    client = signed_in(receptionist)
    url = reverse("frontdesk:day-close")
    content = client.get(url, {"date": "2026-11-30"}).content.decode()
    assert "₹500.00" in content
    assert receptionist.name in content
    assert "?date=2026-11-29" in content
    assert "?date=2026-12-01" in content
    csv = client.get(url, {"date": "2026-11-30", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert csv["Content-Disposition"] == 'attachment; filename="day-close-2026-11-30.csv"'
    assert "collected,total,500.00," in csv.content.decode()


@pytest.mark.parametrize("value", ["nonsense", "0001-01-01", "2026-02-30"])
def test_day_close_with_a_bad_date_shows_today_and_the_error(admin_user, value):
    response = signed_in(admin_user).get(reverse("frontdesk:day-close"), {"date": value})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_day_close_csv_with_a_bad_date_is_refused(receptionist):
    response = signed_in(receptionist).get(reverse("frontdesk:day-close"), {"date": "2026-02-30", "format": "csv"})
    assert response.status_code == 400
