"""Queueing logged SMS for sending, and recording what the provider reports back.

The send itself is `appointments.sms_sending`, run by the `send_outbound_message` task:
this module queues the task, the task never imports this module, so the dependency
points one way (notifications -> task -> sending).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from appointments.models import OutboundMessage, OutboundMessageStatus
from appointments.notification_tasks import send_outbound_message
from appointments.sms_sending import SENDABLE_STATUSES

# Twilio's MessageStatus values we record; intermediate ones (queued, sending, accepted) change nothing.
PROVIDER_STATUSES = {
    "sent": OutboundMessageStatus.SENT,
    "delivered": OutboundMessageStatus.DELIVERED,
    "undelivered": OutboundMessageStatus.UNDELIVERED,
    "failed": OutboundMessageStatus.FAILED,
}
# Callbacks may arrive out of order: never move a message back from a final state to `sent`.
FINAL_STATUSES = (OutboundMessageStatus.DELIVERED, OutboundMessageStatus.UNDELIVERED, OutboundMessageStatus.FAILED)


def outbound_message_enqueue(message_id) -> None:
    """Hand the message to the SMS task once the current transaction commits.

    robust: a broker outage leaves the row `queued` (picked up again later) instead of failing the caller.
    """
    transaction.on_commit(lambda: send_outbound_message.delay(str(message_id)), robust=True)


def outbound_message_retry(*, message: OutboundMessage) -> bool:
    """Queue a failed or stuck message again (admin action). False when it already reached the provider."""
    if message.status not in SENDABLE_STATUSES:
        return False
    outbound_message_enqueue(message.id)
    return True


def outbound_messages_requeue_stale(*, now=None, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Re-enqueue messages still `queued` long after creation (e.g. the broker was down when they were made)."""
    now = now or timezone.now()
    stale = list(
        OutboundMessage.objects.filter(status=OutboundMessageStatus.QUEUED, created_at__lt=now - older_than)
        .order_by("created_at")
        .values_list("id", flat=True)[:500]
    )
    for message_id in stale:
        outbound_message_enqueue(message_id)
    return len(stale)


def outbound_message_record_status(
    *, provider_id: str, provider_status: str, error_code: str = ""
) -> OutboundMessage | None:
    """Apply a provider delivery report to the message it names; unknown messages are ignored."""
    status = PROVIDER_STATUSES.get(provider_status.lower())
    if status is None or not provider_id:
        return None
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(provider_id=provider_id).first()
        if message is None:
            return None
        if status == OutboundMessageStatus.SENT and message.status in FINAL_STATUSES:
            return message
        message.status = status
        if error_code:
            message.last_error = f"provider error {error_code}"[:500]
        message.status_updated_at = timezone.now()
        message.save(update_fields=["status", "last_error", "status_updated_at"])
    return message
