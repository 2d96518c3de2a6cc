"""Files attached to an existing appointment (SPEC.md §6): reports and prescriptions."""

from appointments.models import Appointment, AppointmentStatus
from arthomed.core.errors import AppointmentCancelled, ValidationFailed
from files.models import FileKind, StoredFile
from files.services import files_store_many

KIND_BY_CATEGORY = {
    "report": FileKind.APPOINTMENT_REPORT,
    "prescription": FileKind.APPOINTMENT_PRESCRIPTION,
}


def appointment_files_upload(*, actor, appointment: Appointment, category: str, uploads: list) -> list[StoredFile]:
    """Attach files to an appointment the actor may see (the selector scoped it); all or nothing.

    The files belong to the appointment's patient whoever uploads them, so the patient
    keeps access to their record.
    """
    if appointment.status == AppointmentStatus.CANCELLED:
        raise AppointmentCancelled("Files cannot be added to a cancelled appointment")
    if not uploads:
        raise ValidationFailed(errors=[{"field": "files", "message": "At least one file is required"}])
    return files_store_many(
        uploads=uploads,
        kind=KIND_BY_CATEGORY[category],
        owner=appointment.patient,
        uploaded_by=actor,
        appointment=appointment,
    )
