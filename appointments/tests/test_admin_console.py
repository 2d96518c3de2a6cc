"""The receptionist console in the Django admin (SPEC.md §9): filters, search and actions through the services."""

import datetime as dt

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.utils import timezone

from appointments.models import AppointmentStatus as S
from appointments.models import PaymentStatus
from appointments.tests.factories import AppointmentFactory, clinic_dt
from arthomed.core.roles import Role
from files.models import StoredFile

pytestmark = pytest.mark.django_db

URL = "/admin/appointments/appointment/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(response) -> set[str]:
    assert response.status_code == 200
    return {str(appointment.pk) for appointment in response.context["cl"].result_list}


def act(client, action: str, *appointments):
    return client.post(URL, {"action": action, "_selected_action": [str(a.pk) for a in appointments]}, follow=True)


@pytest.fixture
def desk(receptionist):
    return signed_in(receptionist)


def test_receptionist_sees_the_console(desk):
    assert desk.get("/admin/").status_code == 200
    assert URL in desk.get("/admin/").content.decode()
    assert desk.get(URL).status_code == 200


@pytest.mark.parametrize("role", [Role.PATIENT, Role.DOCTOR])
def test_patients_and_doctors_cannot_use_the_admin(make_user, role):
    # Signed in, but not staff: the admin's styled 403 (arthomed/tests/test_admin_access.py), not a login loop.
    response = signed_in(make_user(role)).get(URL)
    assert response.status_code == 403
    assert "<h1>Permission denied</h1>" in response.content.decode()


@time_machine.travel(clinic_dt(dt.date(2026, 3, 10), 10), tick=False)
def test_filters_by_status_doctor_and_date(desk, patient, doctor, make_user):
    today = dt.date(2026, 3, 10)
    other_doctor = make_user(Role.DOCTOR, name="Other Doctor")
    todays = AppointmentFactory(patient=patient, doctor=doctor, starts_at=clinic_dt(today, 11))
    confirmed = AppointmentFactory(patient=patient, doctor=doctor, starts_at=clinic_dt(today, 12), status=S.CONFIRMED)
    others = AppointmentFactory(
        patient=patient, doctor=other_doctor, starts_at=clinic_dt(today, 9) + dt.timedelta(days=1)
    )

    assert listed(desk.get(URL, {"status__exact": "pending"})) == {str(todays.pk), str(others.pk)}
    assert listed(desk.get(URL, {"doctor": str(other_doctor.pk)})) == {str(others.pk)}
    day = {"appointment_date__gte": "2026-03-10", "appointment_date__lt": "2026-03-11"}
    assert listed(desk.get(URL, day)) == {str(todays.pk), str(confirmed.pk)}
    assert listed(desk.get(URL, {**day, "status__exact": "pending"})) == {str(todays.pk)}
    doctor_choices = desk.get(URL).context["cl"].filter_specs[1].lookup_choices
    assert {name for _pk, name in doctor_choices} == {doctor.name, "Other Doctor"}


def test_search_by_patient_name_or_mobile(desk, make_user, doctor):
    meera = make_user(name="Meera Iyer", mobile_number="9812345678")
    hers = AppointmentFactory(patient=meera, doctor=doctor)
    AppointmentFactory(patient=make_user(name="Arjun Rao"), doctor=doctor)
    assert listed(desk.get(URL, {"q": "Meera"})) == {str(hers.pk)}
    assert listed(desk.get(URL, {"q": "98123"})) == {str(hers.pk)}


def test_confirm_action_uses_the_service(desk, receptionist, patient, doctor):
    first, second = (
        AppointmentFactory(patient=patient, doctor=doctor),
        AppointmentFactory(patient=patient, doctor=doctor),
    )
    response = act(desk, "confirm_selected", first, second)
    assert "2 appointment(s) confirmed." in response.content.decode()
    for appointment in (first, second):
        appointment.refresh_from_db()
        assert appointment.status == S.CONFIRMED
        assert appointment.confirmed_at is not None
        last = appointment.status_history.last()
        assert (last.from_status, last.to_status, last.changed_by_id) == (S.PENDING, S.CONFIRMED, receptionist.pk)


def test_refusals_are_reported_not_hidden(desk, patient, doctor):
    completed = AppointmentFactory(patient=patient, doctor=doctor, status=S.COMPLETED)
    pending = AppointmentFactory(patient=patient, doctor=doctor)
    page = act(desk, "confirm_selected", completed, pending).content.decode()
    assert "1 appointment(s) confirmed." in page
    assert "This status change is not allowed (from: completed, to: confirmed)" in page
    completed.refresh_from_db()
    assert completed.status == S.COMPLETED


def test_reject_action_asks_for_the_reason_first(desk, receptionist, patient, doctor):
    appointment = AppointmentFactory(patient=patient, doctor=doctor)
    step = act(desk, "reject_selected", appointment).content.decode()
    assert 'name="reason"' in step and patient.name in step
    appointment.refresh_from_db()
    assert appointment.status == S.PENDING  # the step changed nothing

    ids = [str(appointment.pk)]
    blank = {"action": "reject_selected", "_selected_action": ids, "apply": "1", "reason": "  "}
    assert "A reason is required." in desk.post(URL, blank).content.decode()
    appointment.refresh_from_db()
    assert appointment.status == S.PENDING

    desk.post(URL, {**blank, "reason": "Doctor away that day"}, follow=True)
    appointment.refresh_from_db()
    assert appointment.status == S.REJECTED
    assert appointment.rejection_reason == "Doctor away that day"
    entry = LogEntry.objects.get(object_id=str(appointment.pk))
    assert (entry.user_id, entry.change_message) == (receptionist.pk, "Rejected: Doctor away that day")


@time_machine.travel(clinic_dt(dt.date(2026, 3, 10), 10), tick=False)
def test_day_filter_in_clinic_time(desk, patient, doctor):
    today = AppointmentFactory(patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 3, 10), 23, 30))
    tomorrow = AppointmentFactory(patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 3, 11), 0, 30))
    in_a_week = AppointmentFactory(patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 3, 16), 9))
    AppointmentFactory(patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 3, 17), 9))
    assert listed(desk.get(URL, {"day": "today"})) == {str(today.pk)}
    assert listed(desk.get(URL, {"day": "tomorrow"})) == {str(tomorrow.pk)}
    assert listed(desk.get(URL, {"day": "next-7-days"})) == {str(a.pk) for a in (today, tomorrow, in_a_week)}


@time_machine.travel(clinic_dt(dt.date(2026, 3, 10), 10), tick=False)
def test_pending_first_soonest_first_in_24_hour_time(desk, patient, doctor):
    day = dt.date(2026, 3, 12)
    confirmed = AppointmentFactory(patient=patient, doctor=doctor, starts_at=clinic_dt(day, 9), status=S.CONFIRMED)
    later = AppointmentFactory(patient=patient, doctor=doctor, starts_at=clinic_dt(day, 16))
    sooner = AppointmentFactory(patient=patient, doctor=doctor, starts_at=clinic_dt(day, 14))
    response = desk.get(URL)
    assert [a.pk for a in response.context["cl"].result_list] == [sooner.pk, later.pk, confirmed.pk]
    assert "12 Mar 2026 16:00</a></th>" in response.content.decode()


def test_change_page_shows_attachments_as_metadata_and_the_boards_actions(desk, patient, doctor):
    appointment = AppointmentFactory(patient=patient, doctor=doctor)
    StoredFile.objects.create(
        kind="appointments/reports",
        file="uploads/appointments/reports/2026/03/x_1_abc.pdf",
        original_name="knee-xray.pdf",
        mime_type="application/pdf",
        size=20480,
        sha256="0" * 64,
        owner=patient,
        appointment=appointment,
    )
    page = desk.get(f"{URL}{appointment.pk}/change/").content.decode()
    assert "knee-xray.pdf · application/pdf · 20 KB" in page
    assert "/api/files/" not in page and "uploads/appointments/reports/2026/03/x_1_abc.pdf" not in page
    for action in ("confirm", "reject", "reschedule", "cancel"):
        assert f"/admin/frontdesk/appointment/{appointment.pk}/{action}/" in page
    assert f"/admin/frontdesk/today/?date={appointment.appointment_date:%Y-%m-%d}" in page


def test_no_show_action_only_after_the_start(desk, patient, doctor):
    started = AppointmentFactory(
        patient=patient, doctor=doctor, status=S.CONFIRMED, starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    upcoming = AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED)
    page = act(desk, "mark_no_show", started, upcoming).content.decode()
    assert "reason: before-start" in page
    started.refresh_from_db()
    upcoming.refresh_from_db()
    assert (started.status, upcoming.status) == (S.NO_SHOW, S.CONFIRMED)


def test_mark_paid_action(desk, patient, doctor):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED)
    act(desk, "mark_paid", appointment)
    appointment.refresh_from_db()
    assert appointment.payment_status == PaymentStatus.PAID
    assert appointment.payment_method == "cash"
    assert appointment.paid_at is not None


def test_no_add_or_delete_and_a_read_only_form(desk, admin_user, patient, doctor):
    appointment = AppointmentFactory(patient=patient, doctor=doctor, status=S.CONFIRMED)
    assert desk.get(f"{URL}add/").status_code == 403
    assert desk.get(f"{URL}{appointment.pk}/delete/").status_code == 403
    page = desk.get(f"{URL}{appointment.pk}/change/")
    assert page.status_code == 200
    assert not page.context["adminform"].form.fields  # every field read-only
    actions = desk.get(URL).context["action_form"].fields["action"].choices
    assert "delete_selected" not in {name for name, _label in actions}
    assert signed_in(admin_user).get(f"{URL}add/").status_code == 403
