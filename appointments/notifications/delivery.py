"""Sending logged SMS through the gateway, and recording what the provider reports back."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from appointments.models import OutboundMessage, OutboundMessageStatus
from arthomed.api.logging import mask_mobile
from arthomed.core.errors import SmsDeliveryFailed
from arthomed.sms import send_sms

# A message in one of these states may be (re)sent; anything else already reached the provider.
SENDABLE_STATUSES = (OutboundMessageStatus.QUEUED, OutboundMessageStatus.FAILED)

# Twilio's MessageStatus values we record; intermediate ones (queued, sending, accepted) change nothing.
PROVIDER_STATUSES = {
    "sent": OutboundMessageStatus.SENT,
    "delivered": OutboundMessageStatus.DELIVERED,
    "undelivered": OutboundMessageStatus.UNDELIVERED,
    "failed": OutboundMessageStatus.FAILED,
}
# Callbacks may arrive out of order: never move a message back from a final state to `sent`.
FINAL_STATUSES = (OutboundMessageStatus.DELIVERED, OutboundMessageStatus.UNDELIVERED, OutboundMessageStatus.FAILED)


def _error_text(exc: SmsDeliveryFailed) -> str:
    """What went wrong, for the admin log; provider errors may quote the number, so it is masked."""
    reason = str(exc.details or exc.message)
    if exc.__cause__ is not None:
        reason = f"{reason} ({type(exc.__cause__).__name__}: {exc.__cause__})"
    return mask_mobile(reason)[:500]


def outbound_message_send(*, message_id) -> OutboundMessage | None:
    """Send one logged SMS unless it already went out; raises SmsDeliveryFailed (after logging it) to be retried.

    The row stays locked while the provider is called, so a duplicate or redelivered task waits and
    then finds the message sent. A worker killed mid-call rolls back and the redelivery sends again:
    at-least-once is the best any external provider allows, and duplicates are avoided otherwise.
    """
    failure = None
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status not in SENDABLE_STATUSES:
            return message
        message.attempts += 1
        try:
            result = send_sms(message.recipient, message.body, template_id=message.dlt_template_id or None)
        except SmsDeliveryFailed as exc:
            failure = exc
            message.status = OutboundMessageStatus.FAILED
            message.last_error = _error_text(exc)
        else:
            message.status = OutboundMessageStatus.SENT
            message.provider_id = result.provider_id[:64]
            message.sent_at = timezone.now()
            message.last_error = ""
        message.status_updated_at = timezone.now()
        message.save(update_fields=["attempts", "status", "last_error", "provider_id", "sent_at", "status_updated_at"])
    if failure is not None:
        raise failure
    return message


def outbound_message_enqueue(message_id) -> None:
    """Hand the message to the SMS task once the current transaction commits.

    robust: a broker outage leaves the row `queued` (picked up again later) instead of failing the caller.
    """
    # The task module imports this one: import it when needed, not at load time.
    from appointments.notification_tasks import send_outbound_message

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
