"""An appointment's prescription as a printable PDF (`GET /api/appointments/:id/prescription`, SPEC.md §11)."""

from accounts.selectors.family import age_on, appointment_person
from appointments.pdf_document import ClinicDocument
from arthomed.core.errors import InvalidStatusTransition


def has_prescription(appointment) -> bool:
    return bool(appointment.prescription.strip() or (appointment.prescription_details or {}).get("medicines"))


def medicine_lines(appointment) -> list[str]:
    """One line per structured medicine, or the free-text prescription as written."""
    medicines = (appointment.prescription_details or {}).get("medicines") or []
    if not medicines:
        return [line for line in appointment.prescription.splitlines() if line.strip()]
    lines = []
    for number, medicine in enumerate(medicines, start=1):
        parts = [medicine.get(key, "") for key in ("dosage", "frequency", "duration")]
        line = " - ".join([medicine["name"], *[part for part in parts if part]])
        if medicine.get("instructions"):
            line += f" ({medicine['instructions']})"
        lines.append(f"{number}. {line}")
    return lines


def prescription_pdf(appointment) -> bytes:
    """Letterhead, doctor, patient (the person seen), date, diagnosis, medicines, advice, follow-up;
    409 INVALID_STATUS_TRANSITION until something is prescribed."""
    if not has_prescription(appointment):
        raise InvalidStatusTransition(details={"status": appointment.status, "reason": "no-prescription"})
    doctor = appointment.doctor
    profile = getattr(doctor, "doctor_profile", None)
    person = appointment_person(appointment).row
    age = age_on(person.date_of_birth, today=appointment.appointment_date)
    summary = appointment.visit_summary or {}
    details = appointment.prescription_details or {}
    advice = [text for text in (summary.get("advice"), details.get("advice")) if text]
    follow_up = appointment.follow_up_date.isoformat() if appointment.follow_up_date else "None"
    if appointment.follow_up_note:
        follow_up += f" - {appointment.follow_up_note}"

    pdf = ClinicDocument(title=f"Prescription {appointment.pk}")
    pdf.letterhead()
    pdf.line_of(doctor.name, bold=True, size=12)
    if profile is not None:
        if profile.qualification:
            pdf.line_of(profile.qualification)
        if profile.registration_number:
            pdf.line_of(f"Reg. No.: {profile.registration_number}")
    pdf.rule()
    pdf.line_of(f"Patient: {person.name}", bold=True)
    pdf.line_of(f"Age: {'-' if age is None else age}    Gender: {person.get_gender_display() or '-'}")
    pdf.line_of(f"Date: {appointment.appointment_date.isoformat()}")
    pdf.section("Diagnosis", [summary["diagnosis"]] if summary.get("diagnosis") else [])
    pdf.section("Rx - Medicines", medicine_lines(appointment))
    pdf.section("Advice", advice)
    pdf.section("Follow-up", [follow_up])
    return pdf.to_bytes()
