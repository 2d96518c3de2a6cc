"""The day's queue (SPEC.md §12) through the services: check-in and tokens, the running-late delay,
queue order and the queue info of one appointment."""

import datetime as dt

import pytest
import time_machine

from appointments.models import (
    Appointment,
    AppointmentStatus,
    AppointmentStatusChange,
    DoctorDay,
    Notification,
    NotificationKind,
)
from appointments.selectors.queue import (
    appointment_queue_info,
    doctor_average_consultation,
    doctor_day_board,
    doctor_day_get,
    doctor_day_queue,
)
from appointments.services.lifecycle import appointment_cancel, appointment_status_update
from appointments.services.queue import appointment_check_in, doctor_delay_set
from appointments.tests.factories import MONDAY, AppointmentFactory, DoctorFactory, FamilyMemberFactory, clinic_dt
from arthomed import sms
from arthomed.core.errors import DoctorNotFound, InvalidStatusTransition, PermissionDenied, ValidationFailed
from arthomed.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def at():
    """`at(hour, minute)`: the clock stopped at that clinic time on MONDAY (the day of the queue)."""
    travellers = []

    def travel(hour: int, minute: int = 0, day: dt.date = MONDAY):
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(clinic_dt(day, hour, minute), tick=False)
        traveller.start()
        travellers.append(traveller)
        return clinic_dt(day, hour, minute)

    yield travel
    for traveller in travellers:
        traveller.stop()


def visit(doctor, hour: int, minute: int = 0, *, day: dt.date = MONDAY, status=AppointmentStatus.CONFIRMED, **fields):
    starts_at = clinic_dt(day, hour) + dt.timedelta(minutes=minute)
    return AppointmentFactory(doctor=doctor, starts_at=starts_at, status=status, **fields)


def check_in(appointment, actor, **kwargs):
    return appointment_check_in(actor=actor, appointment=appointment, **kwargs)


def refusal(excinfo) -> str:
    assert excinfo.value.code == "INVALID_STATUS_TRANSITION"
    return excinfo.value.details["reason"]


class TestCheckIn:
    def test_tokens_follow_check_in_order_and_the_status_stays_confirmed(self, at, clinic_doctor, receptionist):
        now = at(8, 45)
        later, sooner = visit(clinic_doctor, 10), visit(clinic_doctor, 9)
        first = check_in(later, receptionist)
        second = check_in(sooner, receptionist)
        assert (first.token_number, second.token_number) == (1, 2)
        assert first.checked_in_at == now and first.status == AppointmentStatus.CONFIRMED
        assert DoctorDay.objects.get(doctor=clinic_doctor, date=MONDAY).last_token == 2
        line = AppointmentStatusChange.objects.filter(appointment=first).last()
        assert (line.from_status, line.to_status, line.changed_by, line.note) == (
            "confirmed",
            "confirmed",
            receptionist,
            "checked in, token 1",
        )

    def test_tokens_are_per_doctor_and_per_day(self, at, clinic_doctor, receptionist):
        at(9)
        other = DoctorFactory(name="Dr Other", schedule=["monday 09:00-13:00"])
        assert check_in(visit(clinic_doctor, 9, 30), receptionist).token_number == 1
        assert check_in(visit(other, 9, 30), receptionist).token_number == 1
        next_week = MONDAY + dt.timedelta(days=7)
        upcoming = visit(clinic_doctor, 9, 30, day=next_week)
        at(9, day=next_week)
        assert check_in(upcoming, receptionist).token_number == 1

    def test_a_token_is_never_reused(self, at, clinic_doctor, receptionist):
        at(9)
        first = check_in(visit(clinic_doctor, 9, 30), receptionist)
        appointment_cancel(appointment=first, actor=receptionist, reason="Had to leave")
        assert check_in(visit(clinic_doctor, 10), receptionist).token_number == 2

    def test_admins_check_in_too_others_may_not(self, at, clinic_doctor, admin_user, patient):
        at(9)
        appointment = visit(clinic_doctor, 9, 30, patient=patient)
        for actor in (clinic_doctor, patient):
            with pytest.raises(PermissionDenied):
                check_in(appointment, actor)
        assert check_in(appointment, admin_user).token_number == 1

    def test_checking_in_twice_is_refused(self, at, clinic_doctor, receptionist):
        at(9)
        appointment = check_in(visit(clinic_doctor, 9, 30), receptionist)
        with pytest.raises(InvalidStatusTransition) as refused:
            check_in(appointment, receptionist)
        assert refusal(refused) == "already-checked-in"
        assert DoctorDay.objects.get(doctor=clinic_doctor).last_token == 1

    @pytest.mark.parametrize(
        "status", [AppointmentStatus.PENDING, AppointmentStatus.IN_PROGRESS, AppointmentStatus.CANCELLED]
    )
    def test_only_a_confirmed_appointment_is_checked_in(self, at, clinic_doctor, receptionist, status):
        at(9)
        with pytest.raises(InvalidStatusTransition) as refused:
            check_in(visit(clinic_doctor, 9, 30, status=status), receptionist)
        assert refusal(refused) == "not-confirmed"

    def test_only_today(self, at, clinic_doctor, receptionist):
        at(9)
        for day in (MONDAY + dt.timedelta(days=1), MONDAY - dt.timedelta(days=7)):
            with pytest.raises(InvalidStatusTransition) as refused:
                check_in(visit(clinic_doctor, 9, 30, day=day), receptionist)
            assert refusal(refused) == "not-today"
        assert not DoctorDay.objects.exists()  # a refused check-in leaves nothing behind

    def test_the_window_opens_check_in_opens_minutes_before_the_start(self, at, clinic_doctor, receptionist, settings):
        settings.CHECK_IN_OPENS_MINUTES = 120
        appointment = visit(clinic_doctor, 12)
        at(9, 59)
        with pytest.raises(InvalidStatusTransition) as refused:
            check_in(appointment, receptionist)
        assert refusal(refused) == "too-early"
        assert refused.value.details["opensAt"] == "10:00"
        at(10)
        assert check_in(appointment, receptionist).token_number == 1

    def test_a_late_patient_is_still_checked_in(self, at, clinic_doctor, receptionist):
        appointment = visit(clinic_doctor, 9)
        at(9, 40)
        assert check_in(appointment, receptionist).checked_in_at == clinic_dt(MONDAY, 9, 40)


class TestQueueOrder:
    def test_checked_in_not_started_by_time_then_token(self, at, clinic_doctor, receptionist, settings):
        at(8, 30)
        settings.CHECK_IN_OPENS_MINUTES = 240
        ten, nine, half_past_nine = visit(clinic_doctor, 10), visit(clinic_doctor, 9), visit(clinic_doctor, 9, 30)
        called_off = visit(clinic_doctor, 9, 0, status=AppointmentStatus.CANCELLED)  # no token: after the 09:00 one
        for appointment in (ten, half_past_nine, nine):
            check_in(appointment, receptionist)
        # A walk-in place at 09:30 (the minute it was added) comes after the 09:30 booking checked in before it.
        walk_in = visit(clinic_doctor, 9, 30, kind="walk-in", token_number=4, checked_in_at=clinic_dt(MONDAY, 9, 30))
        assert doctor_day_queue(doctor=clinic_doctor, day=MONDAY) == [nine, half_past_nine, walk_in, ten]
        appointment_status_update(appointment=nine, actor=clinic_doctor, status=AppointmentStatus.IN_PROGRESS)
        assert doctor_day_queue(doctor=clinic_doctor, day=MONDAY) == [half_past_nine, walk_in, ten]
        board = list(doctor_day_board(doctor=clinic_doctor, day=MONDAY))
        assert board == [nine, called_off, half_past_nine, walk_in, ten]

    def test_doctor_day_get(self, at, clinic_doctor, receptionist):
        at(9)
        assert doctor_day_get(doctor=clinic_doctor, day=MONDAY) is None
        doctor_delay_set(actor=receptionist, doctor=clinic_doctor, minutes=10)
        assert doctor_day_get(doctor=clinic_doctor, day=MONDAY).delay_minutes == 10


def start_and_complete(appointment, doctor, *, started: tuple, completed: tuple, at):
    at(*started)
    appointment_status_update(appointment=appointment, actor=doctor, status=AppointmentStatus.IN_PROGRESS)
    at(*completed)
    appointment_status_update(appointment=appointment, actor=doctor, status=AppointmentStatus.COMPLETED)


class TestQueueInfo:
    def test_position_patients_ahead_and_the_estimate(self, at, clinic_doctor, receptionist, settings):
        settings.CHECK_IN_OPENS_MINUTES = 240
        at(8, 30)
        appointments = [check_in(visit(clinic_doctor, 9, 30 * n), receptionist) for n in range(4)]  # 09:00-10:30
        now = at(8, 50)
        info = appointment_queue_info(appointment=appointments[2], now=now)
        assert info == {
            "token_number": 3,
            "position": 3,
            "patients_ahead": 2,
            # No visit finished yet: the slot length (30 min) per patient ahead; 09:50 is before the 10:00 start.
            "estimated_start_at": clinic_dt(MONDAY, 10),
            "doctor_delay_minutes": 0,
            "status": "confirmed",
        }
        doctor_delay_set(actor=receptionist, doctor=clinic_doctor, minutes=20, now=now)
        info = appointment_queue_info(appointment=appointments[2], now=now)
        assert (info["doctor_delay_minutes"], info["estimated_start_at"]) == (20, clinic_dt(MONDAY, 10, 20))

    def test_the_average_visit_of_the_day_replaces_the_slot_length(self, at, clinic_doctor, receptionist, settings):
        settings.CHECK_IN_OPENS_MINUTES = 240
        at(8, 30)
        first, second, *waiting = [check_in(visit(clinic_doctor, 9, 30 * n), receptionist) for n in range(5)]
        start_and_complete(first, clinic_doctor, started=(9, 0), completed=(9, 40), at=at)
        start_and_complete(second, clinic_doctor, started=(9, 40), completed=(10, 40), at=at)
        assert doctor_average_consultation(doctor_id=clinic_doctor.pk, day=MONDAY) == dt.timedelta(minutes=50)
        now = at(10, 40)
        info = appointment_queue_info(appointment=waiting[2], now=now)  # the 11:00 visit, two ahead of it
        assert (info["position"], info["patients_ahead"]) == (3, 2)
        assert info["estimated_start_at"] == clinic_dt(MONDAY, 12, 20)  # 10:40 + 2 x 50 min, after 11:00

    def test_not_checked_in_counts_who_would_stand_before_it(self, at, clinic_doctor, receptionist):
        at(9)
        early, late = visit(clinic_doctor, 9, 30), visit(clinic_doctor, 10, 30)
        absent = visit(clinic_doctor, 10)
        check_in(early, receptionist)
        check_in(late, receptionist)
        info = appointment_queue_info(appointment=absent, now=clinic_dt(MONDAY, 9))
        assert (info["token_number"], info["position"], info["patients_ahead"]) == (None, None, 1)
        assert info["estimated_start_at"] == clinic_dt(MONDAY, 10)

    def test_in_progress_and_finished_and_other_days(self, at, clinic_doctor, receptionist):
        at(9)
        seen = check_in(visit(clinic_doctor, 9), receptionist)
        at(9, 5)
        appointment_status_update(appointment=seen, actor=clinic_doctor, status=AppointmentStatus.IN_PROGRESS)
        seen = Appointment.objects.get(pk=seen.pk)
        info = appointment_queue_info(appointment=seen, now=clinic_dt(MONDAY, 9, 10))
        assert (info["position"], info["patients_ahead"], info["estimated_start_at"]) == (
            None,
            0,
            clinic_dt(MONDAY, 9, 5),
        )
        pending = visit(clinic_doctor, 11, status=AppointmentStatus.PENDING)
        info = appointment_queue_info(appointment=pending, now=clinic_dt(MONDAY, 9, 10))
        assert (info["position"], info["patients_ahead"], info["estimated_start_at"]) == (None, None, None)
        tomorrow = visit(clinic_doctor, 11, day=MONDAY + dt.timedelta(days=1))
        info = appointment_queue_info(appointment=tomorrow, now=clinic_dt(MONDAY, 9, 10))
        assert (info["position"], info["estimated_start_at"]) == (None, tomorrow.starts_at)


def running_late(outbox_from: int = 0) -> list[str]:
    return [message.body for message in sms.outbox[outbox_from:]]


class TestDelay:
    @pytest.fixture
    def day(self, at, clinic_doctor, make_user):
        """At 09:15: one visit in progress, one done, one cancelled, one pending, one confirmed started
        earlier (09:00), and two confirmed later today (10:00, 11:00); one tomorrow."""
        at(9, 15)
        told = [visit(clinic_doctor, 10, patient=make_user(name="Later One")), visit(clinic_doctor, 11)]
        quiet = [
            visit(clinic_doctor, 9, 30, status=AppointmentStatus.IN_PROGRESS),
            visit(clinic_doctor, 12, status=AppointmentStatus.COMPLETED),
            visit(clinic_doctor, 12, 30, status=AppointmentStatus.CANCELLED),
            visit(clinic_doctor, 11, 30, status=AppointmentStatus.PENDING),
            visit(clinic_doctor, 9),
            visit(clinic_doctor, 10, day=MONDAY + dt.timedelta(days=1)),
        ]
        return told, quiet

    def set_delay(self, actor, doctor, minutes, capture, **kwargs):
        with capture(execute=True):
            return doctor_delay_set(actor=actor, doctor=doctor, minutes=minutes, **kwargs)

    def test_patients_later_today_are_told_once_per_change_of_15_minutes(
        self, day, clinic_doctor, receptionist, django_capture_on_commit_callbacks
    ):
        told, quiet = day
        capture = django_capture_on_commit_callbacks
        result = self.set_delay(clinic_doctor, clinic_doctor, 20, capture, note="Emergency surgery")
        assert (result.delay_minutes, result.delay_note, result.notified_count) == (20, "Emergency surgery", 2)
        assert len(sms.outbox) == 2
        assert "Dr Clinic is running about 20 minutes late today" in sms.outbox[0].body
        assert "Later One" in " ".join(running_late())
        assert "Emergency" not in " ".join(running_late())  # the staff's note stays inside the clinic
        assert {m.appointment_id for m in Notification.objects.filter(kind=NotificationKind.RUNNING_LATE)} == {
            appointment.pk for appointment in told
        }
        assert all(Appointment.objects.get(pk=a.pk).delay_notified_minutes == 0 for a in quiet)
        # 25 after 20: not told (5 minutes); 10 after 20: not told either; 40 after 20 is.
        for minutes, sent in ((25, 2), (10, 2), (34, 2), (35, 4)):
            result = self.set_delay(receptionist, clinic_doctor, minutes, capture)
            assert len(sms.outbox) == sent, minutes
        assert result.notified_count == 2
        assert "about 35 minutes late" in sms.outbox[-1].body
        assert "expected to start around 11:35" in " ".join(running_late(2))

    def test_zero_clears_and_tells_those_who_were_told(
        self, day, clinic_doctor, admin_user, django_capture_on_commit_callbacks
    ):
        capture = django_capture_on_commit_callbacks
        self.set_delay(admin_user, clinic_doctor, 30, capture)
        result = self.set_delay(admin_user, clinic_doctor, 0, capture)
        assert (result.delay_minutes, result.notified_count) == (0, 2)
        assert len(sms.outbox) == 4
        assert all("back on time today" in body for body in running_late(2))

    def test_a_small_delay_is_not_sent(self, day, clinic_doctor, receptionist, django_capture_on_commit_callbacks):
        result = self.set_delay(receptionist, clinic_doctor, 10, django_capture_on_commit_callbacks)
        assert result.notified_count == 0 and sms.outbox == []
        assert DoctorDay.objects.get(doctor=clinic_doctor, date=MONDAY).delay_minutes == 10

    def test_a_family_members_visit_tells_the_holder_naming_the_member(
        self, at, clinic_doctor, receptionist, patient, django_capture_on_commit_callbacks
    ):
        at(9)
        member = FamilyMemberFactory(account=patient, name="Anu")
        visit(clinic_doctor, 10, patient=patient, family_member=member)
        self.set_delay(receptionist, clinic_doctor, 15, django_capture_on_commit_callbacks)
        assert sms.outbox[0].to.endswith(patient.mobile_number)
        assert "Your appointment for Anu at 10:00" in sms.outbox[0].body

    def test_who_may_set_it(self, at, clinic_doctor, patient, make_user):
        at(9)
        other_doctor = make_user(Role.DOCTOR, name="Dr Other")
        with pytest.raises(DoctorNotFound):
            doctor_delay_set(actor=other_doctor, doctor=clinic_doctor, minutes=20)
        with pytest.raises(PermissionDenied):
            doctor_delay_set(actor=patient, doctor=clinic_doctor, minutes=20)
        assert not DoctorDay.objects.exists()

    @pytest.mark.parametrize("minutes", [-1, 241, "20", True, None])
    def test_minutes_between_0_and_240(self, at, clinic_doctor, receptionist, minutes):
        at(9)
        with pytest.raises(ValidationFailed):
            doctor_delay_set(actor=receptionist, doctor=clinic_doctor, minutes=minutes)
        assert doctor_delay_set(actor=receptionist, doctor=clinic_doctor, minutes=240).delay_minutes == 240
