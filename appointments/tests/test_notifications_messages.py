"""Every message kind: one feed entry and one logged SMS, from the editable templates."""

import datetime as dt
from decimal import Decimal

import pytest

from appointments import notifications
from appointments.models import (
    AppointmentStatus,
    Notification,
    NotificationKind,
    OutboundMessage,
    OutboundMessageStatus,
)
from appointments.tests.factories import AppointmentFactory, clinic_dt
from arthomed import sms

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment(patient, doctor):
    patient.name = "Priya D'Souza"
    patient.save(update_fields=["name"])
    return AppointmentFactory(
        patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2030, 2, 15), 9, 30), status="confirmed"
    )


def send(event, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return event(**kwargs)


@pytest.mark.parametrize(
    ("event", "kind", "phrase"),
    [
        (notifications.notify_booking_received, NotificationKind.BOOKING_RECEIVED, "booked and confirmed"),
        (notifications.notify_confirmed, NotificationKind.CONFIRMED, "is confirmed"),
        (notifications.notify_rejected, NotificationKind.REJECTED, "could not accept"),
        (notifications.notify_cancelled, NotificationKind.CANCELLED, "has been cancelled"),
        (notifications.notify_rescheduled, NotificationKind.RESCHEDULED, "has moved to 15 Feb 2030 at 09:30"),
        (notifications.notify_reminder, NotificationKind.REMINDER, "Reminder:"),
        (notifications.notify_completed, NotificationKind.FEEDBACK_REQUEST, "rate your visit"),
        (notifications.notify_expired, NotificationKind.EXPIRED, "expired before it could be confirmed"),
    ],
)
def test_each_event_creates_feed_entry_and_sends_logged_sms(
    event, kind, phrase, appointment, django_capture_on_commit_callbacks
):
    patient = appointment.patient
    notification = send(event, django_capture_on_commit_callbacks, appointment=appointment)

    assert notification.user == patient
    assert notification.kind == kind
    assert notification.title == notifications.messages.TITLES[kind]
    assert phrase in notification.body
    assert "Priya D'Souza" in notification.body  # plain text, not HTML-escaped
    assert "Dr. Dev Doctor" in notification.body
    message = OutboundMessage.objects.get(appointment=appointment)
    assert message.kind == kind
    assert message.recipient == patient.mobile_number
    assert message.body == notification.body
    assert message.status == OutboundMessageStatus.SENT
    assert message.attempts == 1
    assert message.provider_id.startswith("locmem-")
    assert [(m.to, m.body) for m in sms.outbox] == [(f"+91{patient.mobile_number}", notification.body)]


def test_booking_received_for_a_pending_request_promises_confirmation(appointment, django_capture_on_commit_callbacks):
    appointment.status = AppointmentStatus.PENDING
    notification = send(
        notifications.notify_booking_received, django_capture_on_commit_callbacks, appointment=appointment
    )
    assert "We will confirm it shortly" in notification.body
    assert "15 Feb 2030 at 09:30" in notification.body


def test_rejection_names_the_reason(appointment, django_capture_on_commit_callbacks):
    appointment.rejection_reason = "Doctor unavailable"
    notification = send(notifications.notify_rejected, django_capture_on_commit_callbacks, appointment=appointment)
    assert "(Doctor unavailable)" in notification.body


def test_cancellation_names_the_refund_only_when_there_is_one(appointment, django_capture_on_commit_callbacks):
    appointment.refund_amount = Decimal("250.00")
    with_refund = send(notifications.notify_cancelled, django_capture_on_commit_callbacks, appointment=appointment)
    appointment.refund_amount = Decimal("0.00")
    without = send(notifications.notify_cancelled, django_capture_on_commit_callbacks, appointment=appointment)
    assert "A refund of Rs 250.00 will be processed." in with_refund.body
    assert "refund" not in without.body


def test_reschedule_names_the_previous_time(appointment, django_capture_on_commit_callbacks):
    appointment.status = AppointmentStatus.PENDING
    notification = send(
        notifications.notify_rescheduled,
        django_capture_on_commit_callbacks,
        appointment=appointment,
        previous_starts_at=clinic_dt(dt.date(2030, 2, 14), 16, 0),
    )
    assert "on 14 Feb 2030 at 16:00 has moved to 15 Feb 2030 at 09:30" in notification.body
    assert "We will confirm the new time shortly." in notification.body


def test_dlt_template_id_is_recorded_per_kind(settings, appointment, django_capture_on_commit_callbacks):
    settings.SMS_DLT_TEMPLATE_IDS = {"reminder": "1107000000000000001"}
    send(notifications.notify_reminder, django_capture_on_commit_callbacks, appointment=appointment)
    send(notifications.notify_confirmed, django_capture_on_commit_callbacks, appointment=appointment)
    assert dict(OutboundMessage.objects.values_list("kind", "dlt_template_id")) == {
        "reminder": "1107000000000000001",
        "confirmed": "",
    }
    # ... and handed to the SMS backend with the text.
    assert [m.template_id for m in sms.outbox] == ["1107000000000000001", None]


def test_wording_comes_from_the_editable_template(settings, tmp_path, appointment, django_capture_on_commit_callbacks):
    (tmp_path / "sms").mkdir()
    (tmp_path / "sms" / "confirmed.txt").write_text("See you {{ date }} {{ time }}, {{ patient_name }}!\n")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    notification = send(notifications.notify_confirmed, django_capture_on_commit_callbacks, appointment=appointment)
    assert notification.body == "See you 15 Feb 2030 09:30, Priya D'Souza!"


def test_erased_account_gets_the_feed_entry_but_no_sms(patient, appointment, django_capture_on_commit_callbacks):
    patient.mobile_number = None
    patient.save(update_fields=["mobile_number"])
    send(notifications.notify_cancelled, django_capture_on_commit_callbacks, appointment=appointment)
    assert Notification.objects.filter(user=patient).count() == 1
    assert not OutboundMessage.objects.exists()
    assert sms.outbox == []


def test_the_sms_is_handed_to_the_task_queue_only_on_commit(appointment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notifications.notify_confirmed(appointment=appointment)
    assert len(callbacks) == 1
    assert sms.outbox == []
    assert OutboundMessage.objects.get().status == OutboundMessageStatus.QUEUED
    callbacks[0]()
    assert OutboundMessage.objects.get().status == OutboundMessageStatus.SENT
    assert len(sms.outbox) == 1
