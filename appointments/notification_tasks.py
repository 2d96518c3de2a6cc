"""Celery tasks for notifications: thin wrappers around the services in `appointments.notifications`."""

from celery import shared_task

from appointments.notifications import outbound_message_send, outbound_messages_requeue_stale, reminders_send_due
from arthomed.core.errors import SmsDeliveryFailed


@shared_task(
    autoretry_for=(SmsDeliveryFailed,),
    retry_backoff=30,  # 30 s, 60 s, 120 s, ... with jitter
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)
def send_outbound_message(message_id: str) -> str | None:
    message = outbound_message_send(message_id=message_id)
    return message.status if message else None


@shared_task
def send_due_reminders() -> int:
    return reminders_send_due()


@shared_task
def requeue_stale_messages() -> int:
    return outbound_messages_requeue_stale()
