"""SMS delivery: retries with backoff, no double sends, admin retry, Twilio delivery reports."""

from urllib.parse import urlencode

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from twilio.request_validator import RequestValidator

from appointments import notifications
from appointments.admin_notifications import OutboundMessageAdmin
from appointments.models import OutboundMessage, OutboundMessageStatus
from appointments.notification_tasks import send_outbound_message
from appointments.tests.factories import AppointmentFactory
from arthomed import sms
from arthomed.core.errors import SmsDeliveryFailed

pytestmark = pytest.mark.django_db

CALLBACK_PATH = "/api/notifications/sms-status"
AUTH_TOKEN = "twilio-test-auth-token-0123456789"


@pytest.fixture
def appointment(patient, doctor):
    return AppointmentFactory(patient=patient, doctor=doctor, status="confirmed")


@pytest.fixture
def flaky_provider(monkeypatch):
    """The locmem backend made to fail its first `failures` sends (the provider being down)."""
    state = {"failures": 0, "calls": 0}
    real_send = sms.LocmemBackend.send

    def send(self, message):
        state["calls"] += 1
        if state["calls"] <= state["failures"]:
            raise ConnectionError(f"provider unreachable for {message.to}")
        return real_send(self, message)

    monkeypatch.setattr(sms.LocmemBackend, "send", send)
    return state


def notify(appointment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_confirmed(appointment=appointment)
    return OutboundMessage.objects.get(appointment=appointment)


def test_provider_error_is_retried_until_it_goes_through(
    flaky_provider, appointment, django_capture_on_commit_callbacks
):
    flaky_provider["failures"] = 2
    message = notify(appointment, django_capture_on_commit_callbacks)
    assert message.status == OutboundMessageStatus.SENT
    assert message.attempts == 3
    assert message.last_error == ""
    assert len(sms.outbox) == 1


def test_retries_stop_after_the_limit_and_the_failure_is_logged_masked(
    flaky_provider, appointment, patient, django_capture_on_commit_callbacks
):
    flaky_provider["failures"] = 100
    message = notify(appointment, django_capture_on_commit_callbacks)
    assert message.status == OutboundMessageStatus.FAILED
    assert message.attempts == 1 + send_outbound_message.max_retries
    assert "ConnectionError" in message.last_error
    assert patient.mobile_number not in message.last_error
    assert sms.outbox == []


def test_the_task_is_configured_for_exponential_backoff():
    assert send_outbound_message.autoretry_for == (SmsDeliveryFailed,)
    assert send_outbound_message.retry_backoff
    assert send_outbound_message.max_retries == 5
    assert send_outbound_message.acks_late


def test_a_sent_message_is_never_sent_again(appointment, django_capture_on_commit_callbacks):
    message = notify(appointment, django_capture_on_commit_callbacks)
    # A redelivered or duplicated task finds it sent and does nothing.
    send_outbound_message.delay(str(message.id))
    notifications.outbound_message_send(message_id=message.id)
    message.refresh_from_db()
    assert message.attempts == 1
    assert len(sms.outbox) == 1


def test_unknown_message_id_is_a_no_op():
    assert notifications.outbound_message_send(message_id="8d3f6a53-0000-4000-8000-000000000000") is None


def test_admin_retry_action_resends_failed_messages_only(
    flaky_provider, appointment, admin_user, django_capture_on_commit_callbacks
):
    flaky_provider["failures"] = 100
    failed = notify(appointment, django_capture_on_commit_callbacks)
    flaky_provider["failures"] = 0
    flaky_provider["calls"] = 0
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_reminder(appointment=appointment)
    assert len(sms.outbox) == 1

    model_admin = OutboundMessageAdmin(OutboundMessage, site)
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    request._messages = _MessageSink()
    with django_capture_on_commit_callbacks(execute=True):
        model_admin.retry_sending(request, OutboundMessage.objects.all())

    failed.refresh_from_db()
    assert failed.status == OutboundMessageStatus.SENT
    assert len(sms.outbox) == 2  # the already-sent reminder was not sent twice
    assert "1 message(s) queued" in request._messages.texts[0]
    assert "1 message(s) skipped" in request._messages.texts[1]
    # The retry is in the admin's history, on the message retried only.
    from django.contrib.admin.models import LogEntry

    assert list(LogEntry.objects.values_list("object_id", "change_message")) == [
        (str(failed.pk), "Queued for sending again.")
    ]


def test_stale_queued_messages_are_handed_over_again(appointment, django_capture_on_commit_callbacks, time_machine):
    time_machine.move_to("2030-01-01 10:00:00+05:30", tick=False)
    with django_capture_on_commit_callbacks(execute=False):  # the broker was down: never handed over
        notifications.notify_confirmed(appointment=appointment)
    time_machine.move_to("2030-01-01 10:30:00+05:30", tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.outbound_messages_requeue_stale() == 1
    assert OutboundMessage.objects.get().status == OutboundMessageStatus.SENT


def test_admin_list_masks_the_recipient_and_is_for_admins_only(
    appointment, admin_user, receptionist, client, django_capture_on_commit_callbacks
):
    patient = appointment.patient
    notify(appointment, django_capture_on_commit_callbacks)
    client.force_login(admin_user)
    page = client.get("/admin/appointments/outboundmessage/?status__exact=sent")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{patient.mobile_number[:2]}XXXXXX{patient.mobile_number[-2:]}" in html
    assert patient.mobile_number not in html
    client.force_login(receptionist)
    assert client.get("/admin/appointments/outboundmessage/").status_code == 403


class _MessageSink:
    def __init__(self):
        self.texts = []

    def add(self, level, message, extra_tags=""):
        self.texts.append(str(message))


# --- Twilio delivery reports ------------------------------------------------------------------


def signed_post(api, params, *, url=f"http://testserver{CALLBACK_PATH}", token=AUTH_TOKEN):
    signature = RequestValidator(token).compute_signature(url, params)
    return api.post(
        CALLBACK_PATH,
        data=urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )


@pytest.fixture
def sent_message(settings, appointment, django_capture_on_commit_callbacks):
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    message = notify(appointment, django_capture_on_commit_callbacks)
    message.provider_id = "SM0123456789abcdef0123456789abcdef"
    message.save(update_fields=["provider_id"])
    return message


def report(message, status, **extra):
    return {"MessageSid": message.provider_id, "MessageStatus": status, "AccountSid": "AC123", **extra}


def test_signed_delivery_report_updates_the_message(api, sent_message):
    response = signed_post(api, report(sent_message, "delivered"))
    assert response.status_code == 200, response.json()
    assert response.json()["data"] == {"recorded": True}
    sent_message.refresh_from_db()
    assert sent_message.status == OutboundMessageStatus.DELIVERED
    assert sent_message.status_updated_at is not None


def test_undelivered_report_keeps_the_error_code(api, sent_message):
    assert signed_post(api, report(sent_message, "undelivered", ErrorCode="30003")).status_code == 200
    sent_message.refresh_from_db()
    assert sent_message.status == OutboundMessageStatus.UNDELIVERED
    assert "30003" in sent_message.last_error


def test_late_sent_report_does_not_undo_delivered(api, sent_message):
    signed_post(api, report(sent_message, "delivered"))
    signed_post(api, report(sent_message, "sent"))
    sent_message.refresh_from_db()
    assert sent_message.status == OutboundMessageStatus.DELIVERED


def test_configured_public_callback_url_is_what_is_verified(settings, api, sent_message):
    settings.TWILIO_STATUS_CALLBACK_URL = "https://api.clinic.example/api/notifications/sms-status"
    response = signed_post(api, report(sent_message, "delivered"), url=settings.TWILIO_STATUS_CALLBACK_URL)
    assert response.status_code == 200
    # Signed for the internal URL instead: refused.
    assert signed_post(api, report(sent_message, "failed")).status_code == 403


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda params, sig: (params, "bm90LWEtc2lnbmF0dXJl"), id="wrong-signature"),
        pytest.param(lambda params, sig: ({**params, "MessageStatus": "failed"}, sig), id="altered-body"),
        pytest.param(lambda params, sig: (params, None), id="missing-signature"),
    ],
)
def test_bad_signature_is_refused_with_403(api, sent_message, tamper):
    params = report(sent_message, "delivered")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(f"http://testserver{CALLBACK_PATH}", params)
    params, signature = tamper(params, signature)
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    response = api.post(
        CALLBACK_PATH, data=urlencode(params), content_type="application/x-www-form-urlencoded", **headers
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"
    sent_message.refresh_from_db()
    assert sent_message.status == OutboundMessageStatus.SENT


def test_without_an_auth_token_nothing_is_accepted(settings, api, sent_message):
    settings.TWILIO_AUTH_TOKEN = ""
    assert signed_post(api, report(sent_message, "delivered"), token="").status_code == 403


def test_unknown_message_or_status_is_acknowledged_but_changes_nothing(api, sent_message):
    unknown = signed_post(api, {"MessageSid": "SMunknown", "MessageStatus": "delivered"})
    intermediate = signed_post(api, report(sent_message, "sending"))
    assert unknown.status_code == intermediate.status_code == 200
    assert unknown.json()["data"] == {"recorded": False}
    sent_message.refresh_from_db()
    assert sent_message.status == OutboundMessageStatus.SENT


def test_signed_report_missing_fields_is_a_validation_error(api, sent_message):
    response = signed_post(api, {"AccountSid": "AC123"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
