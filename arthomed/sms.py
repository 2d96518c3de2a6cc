"""SMS gateway, mirroring Django's e-mail backends: `send_sms(to, body)`.

`SMS_BACKEND` names the backend: `console` prints (dev default), `locmem` appends to
`outbox` (tests), `twilio` sends through the official client; a dotted path to any
class with `send(message) -> SmsResult` works too. Every backend returns an
`SmsResult`; failures raise `SmsDeliveryFailed` (503 SMS_DELIVERY_FAILED).
"""

import logging
import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from arthomed.core.errors import SmsDeliveryFailed

logger = logging.getLogger("arthomed.sms")

BACKENDS = {
    "console": "arthomed.sms.ConsoleBackend",
    "locmem": "arthomed.sms.LocmemBackend",
    "twilio": "arthomed.sms_twilio.TwilioBackend",
}


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164, e.g. +919876543210
    body: str
    # Where the provider reports delivery status (Twilio); None = the backend's default.
    status_callback: str | None = None
    # DLT template id the text is registered under (Indian carriers); for backends whose provider takes one.
    template_id: str | None = None


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


def send_sms(to: str, body: str, *, status_callback: str | None = None, template_id: str | None = None) -> SmsResult:
    """Send one SMS now; raises SmsDeliveryFailed when the provider refuses or is unreachable."""
    message = SmsMessage(to=to_e164(to), body=body, status_callback=status_callback, template_id=template_id)
    try:
        return get_backend().send(message)
    except SmsDeliveryFailed as exc:
        # The body may hold a one-time code: log who and why, never what.
        logger.warning("SMS to %s failed: %s", message.to, exc.details or exc.message)
        raise
    except Exception as exc:
        logger.exception("SMS to %s failed: %s", message.to, type(exc).__name__)
        raise SmsDeliveryFailed() from exc
