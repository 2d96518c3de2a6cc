"""Clinical records of a visit (SPEC.md §5): the doctor's status moves with notes, visit summary,
prescription, follow-up; and the patient's feedback on a completed visit.

Clinical text never goes into `statusHistory` notes: the front desk reads the history.
"""

from django.db import transaction
from django.db.models import DecimalField, F, FloatField, Value
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import DoctorProfile, User
from appointments.models import Appointment
from appointments.notifications import notify_completed
from appointments.services.lifecycle.payments import appointment_cancel
from appointments.services.lifecycle.transitions import (
    CLINICIANS,
    S,
    appointment_confirm,
    appointment_reject,
    check_participant,
    ensure_not_cancelled,
    locked,
    save,
    transition,
)
from arthomed.core.errors import AlreadyExists, InvalidStatusTransition, PermissionDenied
from arthomed.core.roles import Role

# Where clinical details (visit summary, prescription, follow-up) may be written.
CLINICAL_STATUSES = (S.CONFIRMED, S.IN_PROGRESS, S.COMPLETED)


def _apply_clinical(
    appointment: Appointment,
    *,
    actor: User,
    doctor_notes: str | None,
    visit_summary: dict | None,
    prescription: str | None,
    prescription_details: dict | None,
    follow_up: dict | None,
) -> list[str]:
    """Partial update of the clinical fields; returns the changed field names. Summary keys merge."""
    if actor.role not in CLINICIANS:
        raise PermissionDenied()
    changed = []
    if doctor_notes is not None:
        appointment.doctor_notes = doctor_notes
        changed.append("doctor_notes")
    if visit_summary is not None:
        appointment.visit_summary = {**(appointment.visit_summary or {}), **visit_summary}
        changed.append("visit_summary")
    if prescription is not None:
        appointment.prescription = prescription
        changed.append("prescription")
    if prescription_details is not None:
        appointment.prescription_details = {**(appointment.prescription_details or {}), **prescription_details}
        changed.append("prescription_details")
    if follow_up is not None:
        if "date" in follow_up:
            appointment.follow_up_date = follow_up["date"]
            changed.append("follow_up_date")
        if "note" in follow_up:
            appointment.follow_up_note = follow_up["note"]
            changed.append("follow_up_note")
    return changed


@transaction.atomic
def appointment_status_update(
    *,
    appointment: Appointment,
    actor: User,
    status: str,
    notes: str | None = None,
    visit_summary: dict | None = None,
    prescription: str | None = None,
    prescription_details: dict | None = None,
    follow_up: dict | None = None,
) -> Appointment:
    """`PUT /status`: any move of the table, plus clinical details for the doctor and admins.

    Confirm, reject and cancel keep their own side effects (timestamps, refund), so they
    are delegated; `notes` is their reason.
    """
    if status == S.CONFIRMED:
        return appointment_confirm(appointment=appointment, actor=actor, note=notes or "")
    if status == S.REJECTED:
        return appointment_reject(appointment=appointment, actor=actor, reason=notes or "")
    if status == S.CANCELLED:
        return appointment_cancel(appointment=appointment, actor=actor, reason=notes or "")
    clinical = {
        "visit_summary": visit_summary,
        "prescription": prescription,
        "prescription_details": prescription_details,
        "follow_up": follow_up,
    }
    is_clinician = actor.role in CLINICIANS
    if not is_clinician and any(value is not None for value in clinical.values()):
        raise PermissionDenied()
    now = timezone.now()
    # A clinician's note is the visit note (clinical): kept in `notes`, out of the history.
    history_note = "" if is_clinician else notes or ""
    appointment = transition(appointment=locked(appointment), actor=actor, to_status=status, note=history_note, now=now)
    changed = ["status"]
    if is_clinician:
        changed += _apply_clinical(appointment, actor=actor, doctor_notes=notes, **clinical)
    elif notes is not None:  # the front desk's no-show note
        appointment.receptionist_notes = notes
        changed.append("receptionist_notes")
    if status == S.COMPLETED:
        appointment.completed_at = now
        changed.append("completed_at")
        transaction.on_commit(lambda: notify_completed(appointment=appointment), robust=True)
    return save(appointment, *changed)


@transaction.atomic
def appointment_visit_summary_update(
    *,
    appointment: Appointment,
    actor: User,
    doctor_notes: str | None = None,
    visit_summary: dict | None = None,
    prescription: str | None = None,
    prescription_details: dict | None = None,
    follow_up: dict | None = None,
) -> Appointment:
    """Clinical details without a status change (doctor of the appointment, admins)."""
    if actor.role not in CLINICIANS:
        raise PermissionDenied()
    check_participant(appointment=appointment, actor=actor)
    appointment = locked(appointment)
    ensure_not_cancelled(appointment)
    if appointment.status not in CLINICAL_STATUSES:
        raise InvalidStatusTransition(details={"status": appointment.status, "reason": "not-a-visit"})
    changed = _apply_clinical(
        appointment,
        actor=actor,
        doctor_notes=doctor_notes,
        visit_summary=visit_summary,
        prescription=prescription,
        prescription_details=prescription_details,
        follow_up=follow_up,
    )
    return save(appointment, *changed) if changed else appointment


@transaction.atomic
def appointment_feedback_submit(
    *, appointment: Appointment, actor: User, rating: int, comment: str = ""
) -> Appointment:
    """The patient's one rating of a completed visit; the doctor's mean is updated in the same UPDATE."""
    if actor.role != Role.PATIENT:
        raise PermissionDenied()
    check_participant(appointment=appointment, actor=actor)
    appointment = locked(appointment)
    ensure_not_cancelled(appointment)
    if appointment.status != S.COMPLETED:
        raise InvalidStatusTransition(details={"status": appointment.status, "reason": "not-completed"})
    if appointment.feedback_rating is not None:
        raise AlreadyExists(details={"field": "feedback"})
    appointment.feedback_rating = rating
    appointment.feedback_comment = comment
    appointment.feedback_submitted_at = timezone.now()
    save(appointment, "feedback_rating", "feedback_comment", "feedback_submitted_at")
    # F() keeps concurrent ratings of the same doctor from losing an update; every SET reads the old row.
    DoctorProfile.objects.filter(user_id=appointment.doctor_id).update(
        rating_total=F("rating_total") + rating,
        rating_count=F("rating_count") + 1,
        rating=Cast(
            Cast(F("rating_total") + Value(rating), FloatField()) / (F("rating_count") + Value(1)),
            DecimalField(max_digits=3, decimal_places=2),
        ),
    )
    return appointment
