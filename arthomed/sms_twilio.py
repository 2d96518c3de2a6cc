"""Twilio SMS backend, through the official `twilio` client.

Sends from `TWILIO_MESSAGING_SERVICE_SID` when set (Twilio picks the sender from the
service's pool), else from `TWILIO_FROM_NUMBER`. Provider errors, timeouts and
unreachable hosts all become `SmsDeliveryFailed`.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from requests import RequestException
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from arthomed.core.errors import SmsDeliveryFailed
from arthomed.sms import SmsMessage, SmsResult


class TwilioBackend:
    def __init__(self, *, http_client: TwilioHttpClient | None = None):
        if not (settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN):
            raise ImproperlyConfigured("SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.")
        if not (settings.TWILIO_MESSAGING_SERVICE_SID or settings.TWILIO_FROM_NUMBER):
            raise ImproperlyConfigured("SMS_BACKEND=twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID.")
        # The client's default has no timeout: a hung provider must not hang the request.
        http_client = http_client or TwilioHttpClient(timeout=settings.TWILIO_TIMEOUT_SECONDS)
        self.client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http_client)

    def send(self, message: SmsMessage) -> SmsResult:
        params = {"to": message.to, "body": message.body}
        if settings.TWILIO_MESSAGING_SERVICE_SID:
            params["messaging_service_sid"] = settings.TWILIO_MESSAGING_SERVICE_SID
        else:
            params["from_"] = settings.TWILIO_FROM_NUMBER
        status_callback = message.status_callback or settings.TWILIO_STATUS_CALLBACK_URL
        if status_callback:
            params["status_callback"] = status_callback
        try:
            sent = self.client.messages.create(**params)
        except TwilioRestException as exc:
            raise SmsDeliveryFailed(details=f"Twilio error {exc.code or exc.status}") from exc
        except (TwilioException, RequestException) as exc:
            raise SmsDeliveryFailed(details=f"Twilio unreachable: {type(exc).__name__}") from exc
        return SmsResult(provider_id=sent.sid or "", status=str(sent.status or "queued"))
