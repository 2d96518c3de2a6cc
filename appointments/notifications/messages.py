"""Appointment notifications: one feed entry plus one logged SMS per event.

Each `notify_*` is called by the lifecycle services after their transaction commits
(`transaction.on_commit`), so the same event sends the same message whether it came
from the API, the Django admin, a command or a task. The SMS itself goes out from a
Celery task after this function's own commit: a slow or failing provider can never
delay or undo the change that caused it.

SMS wording lives in `templates/sms/<kind>.txt` (plain Django templates the clinic may
edit). Variables: patient_name, doctor_name, date, time, clinic, status, reason,
refund_amount, previous_date, previous_time, appointment, for_member (" for <member's name>"
when the visit is a family member's, else empty); follow-up-reminder also member_name (empty for
the holder), follow_up_date, follow_up_note; running-late also delay_minutes (0: the delay is cleared) and
expected_time (HH:MM, the start plus the delay).
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone

from appointments.models import Appointment, Notification, NotificationKind, OutboundMessage
from appointments.notifications.delivery import outbound_message_enqueue

TITLES = {
    NotificationKind.BOOKING_RECEIVED: "Booking received",
    NotificationKind.CONFIRMED: "Appointment confirmed",
    NotificationKind.REJECTED: "Appointment request declined",
    NotificationKind.CANCELLED: "Appointment cancelled",
    NotificationKind.RESCHEDULED: "Appointment rescheduled",
    NotificationKind.REMINDER: "Appointment reminder",
    NotificationKind.FEEDBACK_REQUEST: "How was your visit?",
    NotificationKind.EXPIRED: "Appointment request expired",
    NotificationKind.FOLLOW_UP_REMINDER: "Follow-up visit due",
    NotificationKind.RUNNING_LATE: "Doctor running late",
}


def _doctor_display_name(name: str) -> str:
    return name if name.lower().startswith("dr") else f"Dr. {name}"


def render_sms(kind: str, context: dict) -> str:
    """The message text for `kind`, whitespace collapsed so templates may wrap lines freely."""
    # SMS is plain text: no HTML escaping of names such as "D'Souza".
    text = get_template(f"sms/{kind}.txt").template.render(Context(context, autoescape=False))
    return " ".join(text.split())


def _context(appointment: Appointment, extra: dict) -> dict:
    return {
        "appointment": appointment,
        "patient_name": appointment.patient.name or "Patient",
        "doctor_name": _doctor_display_name(appointment.doctor.name or "your doctor"),
        "date": f"{appointment.appointment_date:%d %b %Y}",
        "time": f"{appointment.appointment_time:%H:%M}",
        "status": appointment.status,
        "clinic": settings.CLINIC_NAME,
        # The holder is told about a family member's visits: the text names whom it is for.
        "for_member": f" for {appointment.family_member.name}" if appointment.family_member_id else "",
        **extra,
    }


def notification_send(*, appointment: Appointment, kind: str, extra: dict | None = None) -> Notification:
    """Create the patient's feed entry and queued SMS log row; the SMS task is enqueued on commit."""
    patient = appointment.patient
    body = render_sms(kind, _context(appointment, extra or {}))
    with transaction.atomic():
        notification = Notification.objects.create(
            user=patient, kind=kind, title=TITLES[kind], body=body, appointment=appointment
        )
        # An erased (deleted) account has no number left to text; the feed entry is enough.
        if patient.mobile_number:
            message = OutboundMessage.objects.create(
                recipient=patient.mobile_number,
                body=body,
                kind=kind,
                dlt_template_id=str(settings.SMS_DLT_TEMPLATE_IDS.get(kind, "")),
                appointment=appointment,
            )
            outbound_message_enqueue(message.id)
    return notification


def notify_booking_received(*, appointment: Appointment) -> Notification:
    return notification_send(appointment=appointment, kind=NotificationKind.BOOKING_RECEIVED)


def notify_confirmed(*, appointment: Appointment) -> Notification:
    return notification_send(appointment=appointment, kind=NotificationKind.CONFIRMED)


def notify_rejected(*, appointment: Appointment) -> Notification:
    return notification_send(
        appointment=appointment, kind=NotificationKind.REJECTED, extra={"reason": appointment.rejection_reason}
    )


def notify_cancelled(*, appointment: Appointment) -> Notification:
    refund = appointment.refund_amount or Decimal("0")
    return notification_send(
        appointment=appointment,
        kind=NotificationKind.CANCELLED,
        extra={"reason": appointment.cancellation_reason, "refund_amount": f"{refund:.2f}" if refund > 0 else ""},
    )


def notify_rescheduled(*, appointment: Appointment, previous_starts_at: datetime | None = None) -> Notification:
    extra = {}
    if previous_starts_at is not None:
        local = timezone.localtime(previous_starts_at)
        extra = {"previous_date": f"{local:%d %b %Y}", "previous_time": f"{local:%H:%M}"}
    return notification_send(appointment=appointment, kind=NotificationKind.RESCHEDULED, extra=extra)


def notify_reminder(*, appointment: Appointment) -> Notification:
    return notification_send(appointment=appointment, kind=NotificationKind.REMINDER)


def notify_follow_up_reminder(*, appointment: Appointment) -> Notification:
    """The holder is told of the follow-up of the person seen, by name when it is a family member."""
    member = appointment.family_member
    extra = {
        "member_name": member.name if member else "",
        "follow_up_date": f"{appointment.follow_up_date:%d %b %Y}",
        "follow_up_note": appointment.follow_up_note,
    }
    return notification_send(appointment=appointment, kind=NotificationKind.FOLLOW_UP_REMINDER, extra=extra)


def notify_completed(*, appointment: Appointment) -> Notification:
    """A completed visit asks the patient for feedback."""
    return notification_send(appointment=appointment, kind=NotificationKind.FEEDBACK_REQUEST)


def notify_expired(*, appointment: Appointment) -> Notification:
    return notification_send(appointment=appointment, kind=NotificationKind.EXPIRED)


def notify_running_late(*, appointment: Appointment, minutes: int) -> Notification:
    """The doctor runs `minutes` late today (0: back on time); the patient's expected start is said too."""
    expected = timezone.localtime(appointment.starts_at + timedelta(minutes=minutes))
    extra = {"delay_minutes": minutes, "expected_time": f"{expected:%H:%M}"}
    return notification_send(appointment=appointment, kind=NotificationKind.RUNNING_LATE, extra=extra)
