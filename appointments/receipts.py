"""The payment receipt (SPEC.md §10): one set of facts, printed as a PDF and shown as an admin page.

A receipt carries money facts only (clinic, receipt number, people, date, amount, method,
reference), never clinical content.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from accounts.selectors.family import appointment_person
from appointments.models import Appointment
from appointments.money_words import rupees_in_words
from appointments.pdf_document import ClinicDocument, letterhead_lines
from appointments.selectors.payments import has_receipt
from appointments.services.lifecycle.payments import amount_paid
from arthomed.core.errors import PaymentNotRecorded


@dataclass(frozen=True)
class Receipt:
    number: str
    paid_at: datetime  # clinic time
    clinic_name: str
    clinic_lines: list[str]
    patient_name: str  # the account holder who paid
    person_name: str | None  # the family member seen, when not the holder
    doctor_name: str
    appointment_date: date
    appointment_time: str  # HH:MM
    amount: Decimal
    amount_in_words: str
    method: str
    reference: str

    @property
    def filename(self) -> str:
        return f"receipt-{self.number.replace('/', '-')}.pdf"


def receipt_for(appointment: Appointment) -> Receipt:
    """The receipt's facts, or PAYMENT_NOT_RECORDED while no money was taken (`has_receipt`)."""
    if not has_receipt(appointment):
        raise PaymentNotRecorded(details={"paymentStatus": appointment.payment_status})
    person = appointment_person(appointment)
    amount = amount_paid(appointment)
    return Receipt(
        number=appointment.receipt_number,
        paid_at=timezone.localtime(appointment.paid_at) if appointment.paid_at else timezone.localtime(),
        clinic_name=settings.CLINIC_NAME,
        clinic_lines=letterhead_lines(),
        patient_name=appointment.patient.name,
        person_name=person.member.name if person.member else None,
        doctor_name=appointment.doctor.name,
        appointment_date=appointment.appointment_date,
        appointment_time=f"{appointment.appointment_time:%H:%M}",
        amount=amount,
        amount_in_words=rupees_in_words(amount),
        method=appointment.get_payment_method_display() or "-",
        reference=appointment.transaction_id or "-",
    )


def receipt_pdf(receipt: Receipt) -> bytes:
    pdf = ClinicDocument(title=f"Receipt {receipt.number}")
    pdf.letterhead()
    pdf.heading("Payment receipt", 14)
    pdf.line_of(f"Receipt No.: {receipt.number}", bold=True)
    pdf.line_of(f"Date: {receipt.paid_at:%Y-%m-%d %H:%M}")
    pdf.rule()
    pdf.line_of(f"Received from: {receipt.patient_name}")
    if receipt.person_name:
        pdf.line_of(f"For: {receipt.person_name}")
    pdf.line_of(f"Doctor: {receipt.doctor_name}")
    pdf.line_of(f"Appointment: {receipt.appointment_date.isoformat()} {receipt.appointment_time}")
    pdf.rule()
    pdf.line_of(f"Amount: {pdf.rupees(receipt.amount)}", bold=True, size=12)
    pdf.line_of(receipt.amount_in_words)
    pdf.line_of(f"Method: {receipt.method}")
    pdf.line_of(f"Reference: {receipt.reference}")
    return pdf.to_bytes()
