"""The SMS gateway: console and locmem backends, and the Twilio backend against a local fake of
Twilio's Messages API (a real HTTP round trip on 127.0.0.1, never the internet)."""

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit, urlunsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from twilio.http.http_client import TwilioHttpClient

from arthomed import sms
from arthomed.core.errors import SmsDeliveryFailed
from arthomed.sms_twilio import TwilioBackend

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-auth-token-123"


class FakeTwilio:
    """A fake Twilio Messages endpoint: records each request and answers as configured."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 201
        self.payload: dict = {}
        self.delay = 0.0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode()
                fake.requests.append(
                    {
                        "path": self.path,
                        "authorization": self.headers.get("Authorization", ""),
                        "form": {key: values[0] for key, values in parse_qs(body).items()},
                    }
                )
                if fake.delay:
                    time.sleep(fake.delay)
                answer = json.dumps(fake.payload).encode()
                try:
                    self.send_response(fake.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:
                    pass  # the client gave up (timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class LocalTwilioHttpClient(TwilioHttpClient):
    """The real Twilio HTTP client, with scheme and host rewritten to the fake server."""

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base = urlsplit(base_url)

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        url = urlunsplit((self.base.scheme, self.base.netloc, parts.path, parts.query, parts.fragment))
        return super().request(method, url, *args, **kwargs)


def message_payload(**extra) -> dict:
    return {
        "sid": "SM" + "1" * 32,
        "status": "queued",
        "account_sid": ACCOUNT_SID,
        "to": "+919876543210",
        "body": "hello",
        **extra,
    }


@pytest.fixture
def twilio_settings(settings):
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_STATUS_CALLBACK_URL = ""
    settings.TWILIO_TIMEOUT_SECONDS = 1
    return settings


@pytest.fixture
def fake_twilio():
    with FakeTwilio() as fake:
        fake.payload = message_payload()
        yield fake


def backend_for(fake: FakeTwilio, timeout: float = 5) -> TwilioBackend:
    return TwilioBackend(http_client=LocalTwilioHttpClient(fake.base_url, timeout=timeout))


def test_twilio_round_trip_sends_form_with_basic_auth_and_from_number(twilio_settings, fake_twilio):
    result = backend_for(fake_twilio).send(sms.SmsMessage(to="+919876543210", body="Your code is 123456"))

    assert result.provider_id == "SM" + "1" * 32
    assert result.status == "queued"
    [request] = fake_twilio.requests
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    expected_auth = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    assert request["authorization"] == f"Basic {expected_auth}"
    assert request["form"] == {"To": "+919876543210", "From": "+15005550006", "Body": "Your code is 123456"}


def test_twilio_uses_messaging_service_sid_and_status_callback_when_configured(twilio_settings, fake_twilio):
    twilio_settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "2" * 32
    twilio_settings.TWILIO_STATUS_CALLBACK_URL = "https://clinic.example.com/sms/status"

    backend_for(fake_twilio).send(sms.SmsMessage(to="+919876543210", body="Hi"))
    backend_for(fake_twilio).send(
        sms.SmsMessage(to="+919876543210", body="Hi", status_callback="https://clinic.example.com/other")
    )

    first, second = (request["form"] for request in fake_twilio.requests)
    assert first["MessagingServiceSid"] == "MG" + "2" * 32
    assert "From" not in first
    assert first["StatusCallback"] == "https://clinic.example.com/sms/status"
    assert second["StatusCallback"] == "https://clinic.example.com/other"


def test_twilio_error_response_becomes_sms_delivery_failed(twilio_settings, fake_twilio):
    fake_twilio.status = 400
    fake_twilio.payload = {"code": 21211, "message": "The 'To' number is not valid.", "status": 400}

    with pytest.raises(SmsDeliveryFailed) as info:
        backend_for(fake_twilio).send(sms.SmsMessage(to="+919876543210", body="Hi"))

    assert info.value.status_code == 503
    assert info.value.code == "SMS_DELIVERY_FAILED"
    assert "21211" in info.value.details


def test_twilio_timeout_becomes_sms_delivery_failed(twilio_settings, fake_twilio):
    fake_twilio.delay = 1.0

    with pytest.raises(SmsDeliveryFailed):
        backend_for(fake_twilio, timeout=0.2).send(sms.SmsMessage(to="+919876543210", body="Hi"))


def test_twilio_unreachable_becomes_sms_delivery_failed(twilio_settings):
    with FakeTwilio() as fake:
        base_url = fake.base_url  # the port is closed once the server stops
    with pytest.raises(SmsDeliveryFailed):
        TwilioBackend(http_client=LocalTwilioHttpClient(base_url, timeout=2)).send(
            sms.SmsMessage(to="+919876543210", body="Hi")
        )


def test_twilio_without_credentials_is_a_configuration_error(settings):
    settings.TWILIO_ACCOUNT_SID = ""
    settings.TWILIO_AUTH_TOKEN = ""
    with pytest.raises(ImproperlyConfigured):
        TwilioBackend()


class FakeServerTwilioBackend(TwilioBackend):
    """`SMS_BACKEND` may name any backend class; this one reaches the running fake server."""

    base_url = ""

    def __init__(self):
        super().__init__(http_client=LocalTwilioHttpClient(self.base_url, timeout=5))


def test_send_sms_dispatches_to_the_configured_backend_over_http(twilio_settings, fake_twilio, monkeypatch):
    monkeypatch.setattr(FakeServerTwilioBackend, "base_url", fake_twilio.base_url)
    twilio_settings.SMS_BACKEND = f"{__name__}.FakeServerTwilioBackend"

    result = sms.send_sms("9876543210", "Appointment confirmed", status_callback="https://clinic.example.com/cb")

    assert result.status == "queued"
    [request] = fake_twilio.requests
    assert request["form"]["To"] == "+919876543210"
    assert request["form"]["Body"] == "Appointment confirmed"
    assert request["form"]["StatusCallback"] == "https://clinic.example.com/cb"


def test_send_sms_turns_a_misconfigured_backend_into_sms_delivery_failed(settings):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = ""
    with pytest.raises(SmsDeliveryFailed):
        sms.send_sms("9876543210", "Hi")


def test_locmem_backend_collects_messages_in_e164(settings):
    settings.SMS_BACKEND = "locmem"
    sms.send_sms("9876543210", "Hello")
    sms.send_sms("+14155550100", "Hi")
    assert [(message.to, message.body) for message in sms.outbox] == [
        ("+919876543210", "Hello"),
        ("+14155550100", "Hi"),
    ]


def test_console_backend_prints_number_and_body(settings, capsys):
    settings.SMS_BACKEND = "console"
    result = sms.send_sms("9876543210", "Your code is 123456")
    assert capsys.readouterr().out == "SMS to +919876543210: Your code is 123456\n"
    assert result.provider_id == "console"
