"""Every appointment event, through the real API and services, tells the patient once by SMS and feed."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from appointments.models import Appointment, Notification, OutboundMessage, OutboundMessageStatus
from appointments.services.lifecycle import appointments_expire_pending
from appointments.tests.factories import AppointmentFactory, clinic_dt
from arthomed import sms

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2030, 3, 4)


@pytest.fixture(autouse=True)
def friday_before():
    # Ticking, so that successive messages get increasing timestamps (the order asserted below).
    with time_machine.travel(clinic_dt(MONDAY - dt.timedelta(days=3), 10)):
        yield


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    """Run a request or service as production does: on-commit work (the SMS task) runs after it."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def kinds_sent(patient) -> list[str]:
    feed = list(Notification.objects.filter(user=patient).order_by("created_at", "id").values_list("kind", flat=True))
    logged = list(OutboundMessage.objects.order_by("created_at", "id").values_list("kind", "status"))
    assert logged == [(kind, OutboundMessageStatus.SENT) for kind in feed]
    assert len(sms.outbox) == len(feed)
    return feed


def book(act, client, doctor, time="09:00"):
    payload = {
        "doctorId": str(doctor.pk),
        "appointmentDate": MONDAY.isoformat(),
        "appointmentTime": time,
        "purposeOfVisit": "consultation",
        "reason": "Knee pain",
    }
    return act(client.post, "/api/appointments/book", payload, format="json")


def test_patient_journey_booking_confirm_reschedule_complete(act, as_user, patient, receptionist, clinic_doctor):
    response = book(act, as_user(patient), clinic_doctor)
    assert response.status_code == 201
    appointment_id = response.json()["data"]["appointment"]["_id"]
    assert kinds_sent(patient) == ["booking-received"]
    assert "We will confirm it shortly" in sms.outbox[-1].body

    assert act(as_user(receptionist).post, f"/api/appointments/{appointment_id}/confirm").status_code == 200
    assert kinds_sent(patient)[-1] == "confirmed"

    moved = act(
        as_user(patient).put,
        f"/api/appointments/{appointment_id}/reschedule",
        {"appointmentDate": MONDAY.isoformat(), "appointmentTime": "11:00"},
        format="json",
    )
    assert moved.status_code == 200, moved.json()
    assert kinds_sent(patient)[-1] == "rescheduled"
    assert "09:00 has moved to" in sms.outbox[-1].body and "at 11:00" in sms.outbox[-1].body

    assert act(as_user(receptionist).post, f"/api/appointments/{appointment_id}/confirm").status_code == 200
    with time_machine.travel(clinic_dt(MONDAY, 11, 20), tick=False):
        done = act(
            as_user(clinic_doctor).put,
            f"/api/appointments/{appointment_id}/status",
            {"status": "completed"},
            format="json",
        )
    assert done.status_code == 200, done.json()
    assert kinds_sent(patient) == ["booking-received", "confirmed", "rescheduled", "confirmed", "feedback-request"]


def test_staff_booking_is_announced_as_confirmed(act, as_user, patient, receptionist, clinic_doctor):
    response = act(
        as_user(receptionist).post,
        "/api/appointments/book",
        {
            "doctorId": str(clinic_doctor.pk),
            "patientId": str(patient.pk),
            "appointmentDate": MONDAY.isoformat(),
            "appointmentTime": "10:00",
            "purposeOfVisit": "consultation",
            "reason": "Follow-up",
        },
        format="json",
    )
    assert response.status_code == 201
    assert kinds_sent(patient) == ["booking-received"]
    assert "booked and confirmed" in sms.outbox[0].body


def test_rejection_tells_the_reason(act, as_user, patient, receptionist, clinic_doctor):
    appointment = AppointmentFactory(patient=patient, doctor=clinic_doctor, starts_at=clinic_dt(MONDAY, 9))
    response = act(
        as_user(receptionist).post,
        f"/api/appointments/{appointment.pk}/reject",
        {"reason": "Doctor in surgery"},
        format="json",
    )
    assert response.status_code == 200
    assert kinds_sent(patient) == ["rejected"]
    assert "(Doctor in surgery)" in sms.outbox[0].body


def test_cancellation_tells_the_refund(act, as_user, patient, clinic_doctor):
    appointment = AppointmentFactory(
        patient=patient,
        doctor=clinic_doctor,
        starts_at=clinic_dt(MONDAY, 9),
        status="confirmed",
        payment_status="paid",
        payment_amount=Decimal("600.00"),
    )
    response = act(
        as_user(patient).put, f"/api/appointments/{appointment.pk}/cancel", {"reason": "Better"}, format="json"
    )
    assert response.status_code == 200
    assert kinds_sent(patient) == ["cancelled"]
    assert "A refund of Rs 600.00 will be processed." in sms.outbox[0].body


def test_expired_request_is_told(act, patient, clinic_doctor):
    appointment = AppointmentFactory(patient=patient, doctor=clinic_doctor, starts_at=clinic_dt(MONDAY, 9))
    assert act(appointments_expire_pending, now=clinic_dt(MONDAY, 9, 5)) == 1
    appointment.refresh_from_db()
    assert appointment.rejection_reason == "expired"
    assert kinds_sent(patient) == ["expired"]


def test_refused_change_sends_nothing(act, as_user, patient, receptionist, clinic_doctor):
    appointment = AppointmentFactory(
        patient=patient, doctor=clinic_doctor, starts_at=clinic_dt(MONDAY, 9), status="cancelled"
    )
    response = act(as_user(receptionist).post, f"/api/appointments/{appointment.pk}/confirm")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "APPOINTMENT_CANCELLED"
    assert kinds_sent(patient) == []


def test_provider_failure_does_not_fail_or_undo_the_booking(act, monkeypatch, as_user, patient, clinic_doctor):
    def provider_down(self, message):
        raise ConnectionError("provider unreachable")

    monkeypatch.setattr(sms.LocmemBackend, "send", provider_down)
    response = book(act, as_user(patient), clinic_doctor)
    assert response.status_code == 201
    assert Appointment.objects.filter(pk=response.json()["data"]["appointment"]["_id"]).exists()
    message = OutboundMessage.objects.get()
    assert message.status == OutboundMessageStatus.FAILED
    assert message.attempts > 1  # retried
    assert Notification.objects.get(user=patient).kind == "booking-received"


def test_a_broken_notification_never_breaks_the_committed_booking(act, monkeypatch, as_user, patient, clinic_doctor):
    from appointments.notifications import messages

    def broken_template(kind, context):
        raise LookupError("template missing")

    monkeypatch.setattr(messages, "render_sms", broken_template)
    response = book(act, as_user(patient), clinic_doctor)
    assert response.status_code == 201
    assert Appointment.objects.count() == 1


def test_admin_console_actions_send_the_same_messages_as_the_api(act, client, as_user, make_user, clinic_doctor):
    """The receptionist's Django-admin actions call the same services, so the patient hears the same."""
    receptionist = make_user("receptionist", name="Rita Reception")
    by_api, by_admin = make_user(name="Asha Api"), make_user(name="Asha Admin")
    via_api = AppointmentFactory(patient=by_api, doctor=clinic_doctor, starts_at=clinic_dt(MONDAY, 9))
    via_admin = AppointmentFactory(patient=by_admin, doctor=clinic_doctor, starts_at=clinic_dt(MONDAY, 10))
    assert act(as_user(receptionist).post, f"/api/appointments/{via_api.pk}/confirm").status_code == 200
    client.force_login(receptionist)
    selected = {"action": "confirm_selected", "_selected_action": [str(via_admin.pk)]}
    assert act(client.post, "/admin/appointments/appointment/", selected, follow=True).status_code == 200

    api_sms = OutboundMessage.objects.get(appointment=via_api)
    admin_sms = OutboundMessage.objects.get(appointment=via_admin)
    assert api_sms.kind == admin_sms.kind == "confirmed"
    assert admin_sms.status == OutboundMessageStatus.SENT
    expected = api_sms.body.replace("Asha Api", "Asha Admin").replace("09:00", "10:00")
    assert admin_sms.body == expected
    assert Notification.objects.filter(user=by_admin, kind="confirmed").count() == 1

    pending = AppointmentFactory(patient=by_admin, doctor=clinic_doctor, starts_at=clinic_dt(MONDAY, 11))
    selected = {"action": "reject_selected", "_selected_action": [str(pending.pk)], "apply": "1", "reason": "Full"}
    act(client.post, "/admin/appointments/appointment/", selected, follow=True)
    assert OutboundMessage.objects.get(appointment=pending).kind == "rejected"
