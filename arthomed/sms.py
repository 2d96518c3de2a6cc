"""SMS gateway, mirroring Django's e-mail backends: `send_sms(to, body)`.

`SMS_BACKEND` names the backend: `console` prints (dev default), `locmem` appends to
`outbox` (tests), `twilio` sends through the official client. Every backend returns
an `SmsResult`; failures raise `SmsDeliveryFailed` (503 SMS_DELIVERY_FAILED).
"""

import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from arthomed.api.errors import SmsDeliveryFailed

BACKENDS = {
    "console": "arthomed.sms.ConsoleBackend",
    "locmem": "arthomed.sms.LocmemBackend",
    "twilio": "arthomed.sms_twilio.TwilioBackend",
}


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164, e.g. +919876543210
    body: str


@dataclass(frozen=True)
class SmsResult:
    provider_id: str
    status: str = "sent"


# The locmem backend's messages, like django.core.mail.outbox.
outbox: list[SmsMessage] = []


class ConsoleBackend:
    """Development: prints `SMS to +91XXXXXXXXXX: <body>` (the one place an OTP is shown)."""

    def send(self, message: SmsMessage) -> SmsResult:
        sys.stdout.write(f"SMS to {message.to}: {message.body}\n")
        sys.stdout.flush()
        return SmsResult(provider_id="console")


class LocmemBackend:
    def send(self, message: SmsMessage) -> SmsResult:
        outbox.append(message)
        return SmsResult(provider_id=f"locmem-{len(outbox)}")


def get_backend():
    path = BACKENDS.get(settings.SMS_BACKEND, settings.SMS_BACKEND)
    return import_string(path)()


def to_e164(number: str) -> str:
    """10-digit Indian numbers get +91; numbers already in E.164 pass through."""
    return number if number.startswith("+") else f"+91{number}"


def send_sms(to: str, body: str) -> SmsResult:
    message = SmsMessage(to=to_e164(to), body=body)
    try:
        return get_backend().send(message)
    except SmsDeliveryFailed:
        raise
    except Exception as exc:
        raise SmsDeliveryFailed(details=type(exc).__name__) from exc
