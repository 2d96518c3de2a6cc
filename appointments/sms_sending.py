"""Sending one logged SMS through the gateway (the body of the `send_outbound_message` task)."""

from django.db import transaction
from django.utils import timezone

from appointments.models import OutboundMessage, OutboundMessageStatus
from arthomed.api.logging import mask_mobile
from arthomed.core.errors import SmsDeliveryFailed
from arthomed.sms import send_sms

# A message in one of these states may be (re)sent; anything else already reached the provider.
SENDABLE_STATUSES = (OutboundMessageStatus.QUEUED, OutboundMessageStatus.FAILED)


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
