"""Staff bookings and walk-ins (SPEC.md §10): no minimum notice for the front desk, the next free slot
today or an extra walk-in place that takes no slot, checked in at once, capped per doctor and day."""

import datetime as dt

import pytest
import time_machine

from accounts.models import DoctorLeave
from appointments.models import Appointment, AppointmentKind, AppointmentStatus
from appointments.selectors.slots import doctor_day_slots
from appointments.services.booking import appointment_book, appointment_reschedule
from appointments.services.lifecycle import appointment_cancel
from appointments.services.queue import appointment_check_in
from appointments.tests.factories import MONDAY, AppointmentFactory, DoctorFactory, clinic_dt
from arthomed.core.errors import BookingLimitReached, PermissionDenied, SlotUnavailable, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def ten_past_nine():
    with time_machine.travel(clinic_dt(MONDAY, 9, 10), tick=False):
        yield clinic_dt(MONDAY, 9, 10)


def walk_in(actor, doctor, patient, day=MONDAY, **extra):
    return appointment_book(
        actor=actor,
        doctor_id=doctor.pk,
        appointment_date=day,
        kind=AppointmentKind.WALK_IN,
        purpose_of_visit="consultation",
        reason="Back pain",
        patient_id=patient.pk,
        **extra,
    )


def fill_day(doctor, *, first_hour: int = 9, last_hour: int = 13):
    """Book every 30-minute slot of the doctor's MONDAY morning for other patients."""
    start = clinic_dt(MONDAY, first_hour)
    while start < clinic_dt(MONDAY, last_hour):
        AppointmentFactory(doctor=doctor, starts_at=start, status=AppointmentStatus.CONFIRMED)
        start += dt.timedelta(minutes=30)


def refusal_reason(excinfo) -> str:
    assert excinfo.value.code == "SLOT_UNAVAILABLE"
    return excinfo.value.details["reason"]


class TestStaffBookings:
    def test_staff_ignore_the_minimum_notice_patients_do_not(
        self, ten_past_nine, clinic_doctor, receptionist, patient, settings
    ):
        settings.BOOKING_MIN_NOTICE_MINUTES = 60
        common = {"doctor_id": clinic_doctor.pk, "appointment_date": MONDAY, "purpose_of_visit": "x", "reason": "y"}
        with pytest.raises(SlotUnavailable) as refused:
            appointment_book(actor=patient, appointment_time=dt.time(9, 30), **common)
        assert refusal_reason(refused) == "min-notice"
        booked = appointment_book(actor=receptionist, appointment_time=dt.time(9, 30), patient_id=patient.pk, **common)
        assert (booked.status, booked.kind, booked.token_number) == ("confirmed", "scheduled", None)
        with pytest.raises(SlotUnavailable) as refused:  # never the past
            appointment_book(actor=receptionist, appointment_time=dt.time(9, 0), patient_id=patient.pk, **common)
        assert refusal_reason(refused) == "past"

    def test_staff_reschedule_ignores_the_minimum_notice(self, ten_past_nine, clinic_doctor, receptionist, settings):
        settings.BOOKING_MIN_NOTICE_MINUTES = 60
        appointment = AppointmentFactory(doctor=clinic_doctor, starts_at=clinic_dt(MONDAY, 12))
        moved = appointment_reschedule(
            actor=receptionist, appointment=appointment, appointment_date=MONDAY, appointment_time=dt.time(9, 30)
        )
        assert moved.appointment_time == dt.time(9, 30)

    def test_the_front_desks_slots_have_no_minimum_notice(self, ten_past_nine, clinic_doctor, settings):
        settings.BOOKING_MIN_NOTICE_MINUTES = 60
        starts = [slot.start for slot in doctor_day_slots(doctor=clinic_doctor, day=MONDAY, min_notice=False).available]
        assert starts[0] == dt.time(9, 30)
        assert doctor_day_slots(doctor=clinic_doctor, day=MONDAY).available[0].start == dt.time(10, 30)

    def test_a_scheduled_booking_needs_its_time(self, ten_past_nine, clinic_doctor, receptionist, patient):
        with pytest.raises(ValidationFailed) as refused:
            appointment_book(
                actor=receptionist,
                doctor_id=clinic_doctor.pk,
                appointment_date=MONDAY,
                purpose_of_visit="x",
                reason="y",
                patient_id=patient.pk,
            )
        assert refused.value.errors[0]["field"] == "appointmentTime"


class TestWalkIns:
    def test_the_next_free_slot_today_checked_in_at_once(
        self, ten_past_nine, clinic_doctor, receptionist, patient, settings
    ):
        settings.BOOKING_MIN_NOTICE_MINUTES = 60
        AppointmentFactory(doctor=clinic_doctor, starts_at=clinic_dt(MONDAY, 9, 30), status="confirmed")
        booked = walk_in(receptionist, clinic_doctor, patient)
        assert (booked.kind, booked.status, booked.appointment_time) == ("scheduled", "confirmed", dt.time(10))
        assert (booked.token_number, booked.checked_in_at) == (1, ten_past_nine)
        history = [(line.from_status, line.to_status, line.note) for line in booked.status_history.order_by("id")]
        assert history == [("", "confirmed", ""), ("confirmed", "confirmed", "checked in, token 1")]

    def test_a_full_day_gives_an_extra_walk_in_place_that_takes_no_slot(
        self, ten_past_nine, clinic_doctor, admin_user, patient, make_user
    ):
        fill_day(clinic_doctor)
        appointment_check_in(actor=admin_user, appointment=Appointment.objects.order_by("starts_at")[1], now=None)
        place = walk_in(admin_user, clinic_doctor, patient)
        assert (place.kind, place.status, place.duration) == ("walk-in", "confirmed", 30)
        assert (place.appointment_date, place.appointment_time) == (MONDAY, dt.time(9, 10))
        assert place.end_time == dt.time(9, 40)
        assert (place.token_number, place.checked_in_at) == (2, ten_past_nine)
        assert place.fee == clinic_doctor.doctor_profile.consultation_fee
        # The 09:30 slot it overlaps stays bookable once its holder cancels: the place holds no slot.
        holder = Appointment.objects.get(doctor=clinic_doctor, appointment_time=dt.time(9, 30), kind="scheduled")
        appointment_cancel(appointment=holder, actor=admin_user, reason="Cannot come")
        other = make_user(name="Other Patient")
        rebooked = appointment_book(
            actor=admin_user,
            doctor_id=clinic_doctor.pk,
            appointment_date=MONDAY,
            appointment_time=dt.time(9, 30),
            purpose_of_visit="x",
            reason="y",
            patient_id=other.pk,
        )
        assert rebooked.kind == "scheduled"

    def test_at_most_walk_ins_per_doctor_per_day(self, ten_past_nine, clinic_doctor, receptionist, make_user, settings):
        settings.WALK_INS_PER_DOCTOR_PER_DAY = 2
        fill_day(clinic_doctor)
        first = walk_in(receptionist, clinic_doctor, make_user(name="A"))
        walk_in(receptionist, clinic_doctor, make_user(name="B"))
        with pytest.raises(BookingLimitReached) as refused:
            walk_in(receptionist, clinic_doctor, make_user(name="C"))
        assert refused.value.code == "BOOKING_LIMIT_REACHED"
        assert refused.value.details == {"limit": 2, "scope": "walk-ins"}
        # A cancelled place frees its room (its token stays spent).
        appointment_cancel(appointment=first, actor=receptionist, reason="Left")
        assert walk_in(receptionist, clinic_doctor, make_user(name="C")).token_number == 3
        # Another doctor's walk-ins are counted apart.
        other = DoctorFactory(name="Dr Free", schedule=["monday 09:00-13:00"])
        fill_day(other)
        assert walk_in(receptionist, other, make_user(name="D")).token_number == 1

    def test_the_person_cannot_be_in_two_places(self, ten_past_nine, clinic_doctor, receptionist, patient):
        other = DoctorFactory(name="Dr Busy", schedule=["monday 09:00-13:00"])
        AppointmentFactory(doctor=other, patient=patient, starts_at=clinic_dt(MONDAY, 9), status="confirmed")
        fill_day(clinic_doctor)
        with pytest.raises(SlotUnavailable) as refused:
            walk_in(receptionist, clinic_doctor, patient)
        assert refusal_reason(refused) == "patient-overlap"
        assert not Appointment.objects.filter(kind="walk-in").exists()

    @pytest.mark.parametrize(
        ("moment", "reason"),
        [(clinic_dt(MONDAY + dt.timedelta(days=1), 9), "day-off"), (clinic_dt(MONDAY, 13), "past")],
    )
    def test_the_doctor_must_be_working_today(self, clinic_doctor, receptionist, patient, moment, reason):
        with time_machine.travel(moment, tick=False), pytest.raises(SlotUnavailable) as refused:
            walk_in(receptionist, clinic_doctor, patient, day=moment.date())
        assert refusal_reason(refused) == reason

    def test_not_on_a_day_of_leave(self, ten_past_nine, clinic_doctor, receptionist, patient):
        DoctorLeave.objects.create(doctor=clinic_doctor, date=MONDAY, reason="personal")
        with pytest.raises(SlotUnavailable) as refused:
            walk_in(receptionist, clinic_doctor, patient)
        assert refusal_reason(refused) == "on-leave"

    def test_today_only_and_no_time(self, ten_past_nine, clinic_doctor, receptionist, patient):
        with pytest.raises(ValidationFailed) as refused:
            walk_in(receptionist, clinic_doctor, patient, day=MONDAY + dt.timedelta(days=7))
        assert refused.value.errors[0]["field"] == "appointmentDate"
        with pytest.raises(ValidationFailed) as refused:
            walk_in(receptionist, clinic_doctor, patient, appointment_time=dt.time(11))
        assert refused.value.errors[0]["field"] == "appointmentTime"

    def test_patients_cannot_walk_in_through_the_api_service(self, ten_past_nine, clinic_doctor, patient):
        with pytest.raises(PermissionDenied):
            walk_in(patient, clinic_doctor, patient)
        assert not Appointment.objects.exists()


class TestRescheduleAfterCheckIn:
    def test_a_new_time_releases_the_token_and_a_walk_in_place_becomes_a_booking(
        self, ten_past_nine, clinic_doctor, receptionist, patient, make_user
    ):
        fill_day(clinic_doctor)
        place = walk_in(receptionist, clinic_doctor, patient)
        next_monday = MONDAY + dt.timedelta(days=7)
        moved = appointment_reschedule(
            actor=receptionist, appointment=place, appointment_date=next_monday, appointment_time=dt.time(9)
        )
        assert (moved.kind, moved.token_number, moved.checked_in_at) == ("scheduled", None, None)
        assert "check-in (token 1) released" in moved.status_history.order_by("id").last().note
        # Its old token is not reused today, and next week's day counts from 1 without a clash.
        assert walk_in(receptionist, clinic_doctor, make_user(name="Next Walker")).token_number == 2
        with time_machine.travel(clinic_dt(next_monday, 8, 30), tick=False):
            assert appointment_check_in(actor=receptionist, appointment=moved).token_number == 1
        # The moved visit holds its new slot like any booking.
        with pytest.raises(SlotUnavailable) as refused:
            appointment_book(
                actor=receptionist,
                doctor_id=clinic_doctor.pk,
                appointment_date=next_monday,
                appointment_time=dt.time(9),
                purpose_of_visit="x",
                reason="y",
                patient_id=make_user(name="Late Booker").pk,
            )
        assert refusal_reason(refused) == "taken"
