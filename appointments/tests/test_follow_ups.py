"""Follow-ups (SPEC.md §11): one SMS and feed entry FOLLOW_UP_REMINDER_DAYS before the date, exactly once,
from the reminders job; the patient dashboard lists follow-ups not yet booked."""

import datetime as dt
import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from appointments import notifications
from appointments.models import FollowUpReminder, Notification, NotificationKind, OutboundMessage
from appointments.tests.factories import AppointmentFactory, FamilyMemberFactory, clinic_dt
from appointments.tests.test_notifications_reminders import run_at_once
from arthomed import sms

TODAY = dt.date(2030, 3, 10)
NOW = clinic_dt(TODAY, 8, 0)
# Each visit its own half hour: PostgreSQL refuses overlapping visits of one doctor.
_visit_slots = itertools.count()


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


def visited(patient, doctor, *, follow_up_in_days: int | None, status="completed", **fields):
    """A visit about a week ago whose follow-up is `follow_up_in_days` from today."""
    follow_up = None if follow_up_in_days is None else TODAY + dt.timedelta(days=follow_up_in_days)
    return AppointmentFactory(
        patient=patient,
        doctor=doctor,
        status=status,
        starts_at=NOW - dt.timedelta(days=7) + dt.timedelta(minutes=30 * next(_visit_slots)),
        follow_up_date=follow_up,
        follow_up_note="Review X-ray",
        **fields,
    )


def run(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return notifications.follow_up_reminders_send_due()


@pytest.mark.django_db
def test_due_follow_ups_are_announced_once(now, patient, doctor, make_user, django_capture_on_commit_callbacks):
    # One person each: a later visit of the same person with the same doctor is their follow-up booked.
    def someone():
        return make_user(name="Somebody Else")

    due = visited(patient, doctor, follow_up_in_days=2)  # exactly FOLLOW_UP_REMINDER_DAYS ahead
    late_set = visited(someone(), doctor, follow_up_in_days=0)  # today: still worth telling
    visited(someone(), doctor, follow_up_in_days=3)  # too early still
    visited(someone(), doctor, follow_up_in_days=-1)  # passed
    visited(someone(), doctor, follow_up_in_days=None)
    visited(someone(), doctor, follow_up_in_days=1, status="cancelled")
    booked_already = visited(someone(), doctor, follow_up_in_days=1)
    AppointmentFactory(patient=booked_already.patient, doctor=doctor, status="confirmed")

    assert run(django_capture_on_commit_callbacks) == 2
    assert run(django_capture_on_commit_callbacks) == 0

    messages = OutboundMessage.objects.filter(kind=NotificationKind.FOLLOW_UP_REMINDER)
    assert sorted(m.appointment_id for m in messages) == sorted([due.id, late_set.id])
    assert Notification.objects.filter(kind=NotificationKind.FOLLOW_UP_REMINDER, user=patient).count() == 1
    (to_patient,) = [m for m in sms.outbox if m.to.endswith(patient.mobile_number)]
    assert to_patient.body.startswith(f"Follow-up: Dear {patient.name}, your follow-up visit with")
    assert "12 Mar 2030 (Review X-ray)" in to_patient.body


@pytest.mark.django_db
def test_a_members_follow_up_goes_to_the_holder_and_names_the_member(
    now, patient, doctor, django_capture_on_commit_callbacks
):
    child = FamilyMemberFactory(account=patient, name="Riya")
    visited(patient, doctor, follow_up_in_days=1, family_member=child)
    # The holder's own later visit with the same doctor is not the child's follow-up.
    AppointmentFactory(patient=patient, doctor=doctor, status="confirmed")
    assert run(django_capture_on_commit_callbacks) == 1
    (message,) = sms.outbox
    assert message.to.endswith(patient.mobile_number)
    assert f"Dear {patient.name}, Riya's follow-up visit" in message.body


@pytest.mark.django_db
def test_the_days_are_configurable_and_a_new_date_is_announced_again(
    now, settings, patient, doctor, django_capture_on_commit_callbacks
):
    settings.FOLLOW_UP_REMINDER_DAYS = 5
    visit = visited(patient, doctor, follow_up_in_days=5)
    assert run(django_capture_on_commit_callbacks) == 1
    visit.follow_up_date = TODAY + dt.timedelta(days=4)
    visit.save(update_fields=["follow_up_date"])
    assert run(django_capture_on_commit_callbacks) == 1
    assert run(django_capture_on_commit_callbacks) == 0
    assert FollowUpReminder.objects.filter(appointment=visit).count() == 2


@pytest.mark.django_db
def test_the_database_refuses_a_second_claim_for_the_same_date(now, patient, doctor):
    visit = visited(patient, doctor, follow_up_in_days=1)
    FollowUpReminder.objects.create(appointment=visit, follow_up_date=visit.follow_up_date)
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpReminder.objects.create(appointment=visit, follow_up_date=visit.follow_up_date)


@pytest.mark.django_db
def test_the_reminders_job_sends_follow_ups_too(now, patient, doctor, django_capture_on_commit_callbacks):
    from appointments.tasks import send_due_reminders

    visited(patient, doctor, follow_up_in_days=1)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)
    assert out.getvalue().strip() == "Sent 0 reminder(s) and 1 follow-up reminder(s)."
    visited(patient, doctor, follow_up_in_days=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders.delay().get() == 1
    assert len(sms.outbox) == 2


@pytest.mark.django_db
def test_patient_dashboard_lists_follow_ups_not_yet_booked(now, as_user, patient, doctor, make_user):
    child = FamilyMemberFactory(account=patient, name="Riya")
    own = visited(patient, doctor, follow_up_in_days=10)
    childs = visited(patient, doctor, follow_up_in_days=0, family_member=child)
    visited(patient, make_user("doctor", name="Third Doctor"), follow_up_in_days=-1)  # passed: no longer listed
    booked = visited(patient, make_user("doctor", name="Other Doctor"), follow_up_in_days=3)
    AppointmentFactory(patient=patient, doctor=booked.doctor, status="pending")
    visited(make_user(name="Someone Else"), doctor, follow_up_in_days=1)

    data = as_user(patient).get("/api/dashboard").json()["data"]
    assert data["followUpsDue"] == [
        {
            "appointmentId": str(childs.pk),
            "doctorId": str(doctor.pk),
            "doctorName": doctor.name,
            "date": TODAY.isoformat(),
            "note": "Review X-ray",
            "familyMember": {"_id": str(child.pk), "name": "Riya", "relation": "child"},
        },
        {
            "appointmentId": str(own.pk),
            "doctorId": str(doctor.pk),
            "doctorName": doctor.name,
            "date": (TODAY + dt.timedelta(days=10)).isoformat(),
            "note": "Review X-ray",
            "familyMember": None,
        },
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_send_each_follow_up_exactly_once(now, doctor, make_user):
    visits = [visited(make_user(name=f"Patient {i}"), doctor, follow_up_in_days=i % 3) for i in range(6)]
    results, errors = run_at_once(lambda: notifications.follow_up_reminders_send_due(now=NOW))

    assert errors == []
    assert sum(results) == len(visits)
    assert FollowUpReminder.objects.count() == len(visits)
    assert OutboundMessage.objects.filter(kind=NotificationKind.FOLLOW_UP_REMINDER).count() == len(visits)
    assert Notification.objects.filter(kind=NotificationKind.FOLLOW_UP_REMINDER).count() == len(visits)
    assert len(sms.outbox) == len(visits)
