"""The Celery task that sends one logged SMS.

It imports only `appointments.sms_sending`, never the notifications package that queues
it, so dependencies point one way. The periodic notification jobs (reminders, requeueing
stale messages) call into that package and live in `appointments.tasks`.
"""

from celery import shared_task

from appointments.sms_sending import outbound_message_send
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
