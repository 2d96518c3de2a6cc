"""The slots answer is written as plain data; it must render byte for byte as SlotsOutputSerializer."""

import datetime as dt

import pytest
import time_machine

from accounts.models import DoctorLeave
from accounts.selectors.people import doctor_get
from accounts.services.users import user_status_set
from appointments.selectors.slots import doctor_day_slots
from appointments.serializers.booking import SlotsOutputSerializer
from appointments.serializers.slots_output import slots_output
from appointments.tests.factories import MONDAY, SUNDAY, AppointmentFactory, DoctorFactory, clinic_dt
from arthomed.core.errors import DoctorNotFound
from conftest import rendered


def assert_same_answer(doctor, day, now):
    doctor = doctor_get(doctor.pk)
    day_slots = doctor_day_slots(doctor=doctor, day=day, now=now)
    fee = doctor.doctor_profile.consultation_fee
    expected = rendered(SlotsOutputSerializer(day_slots, context={"consultation_fee": fee}).data)
    assert rendered(slots_output(day_slots, consultation_fee=fee)) == expected
    return day_slots


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case", ["free", "booked", "partial-leave", "whole-day-leave", "day-off", "past", "today-min-notice", "odd-fee"]
)
def test_plain_slots_answer_renders_as_the_serializer(case, patient):
    schedule = ["monday 09:00-13:00", "monday 16:00-19:00"]
    doctor = DoctorFactory(name="Dr Meera Rao", specialization="Arthroscopy", fee=500, schedule=schedule)
    now, day = clinic_dt(SUNDAY, 10), MONDAY
    if case == "booked":
        AppointmentFactory(doctor=doctor, patient=patient, starts_at=clinic_dt(MONDAY, 11))
        AppointmentFactory(doctor=doctor, patient=patient, starts_at=clinic_dt(MONDAY, 9, 20), duration=20)
    elif case == "partial-leave":
        DoctorLeave.objects.create(doctor=doctor, date=MONDAY, start_time=dt.time(10, 15), end_time=dt.time(11))
    elif case == "whole-day-leave":
        DoctorLeave.objects.create(doctor=doctor, date=MONDAY)
    elif case == "day-off":
        day = MONDAY + dt.timedelta(days=1)
    elif case == "past":
        day = MONDAY - dt.timedelta(days=7)
    elif case == "today-min-notice":
        now = clinic_dt(MONDAY, 12, 50)
        AppointmentFactory(doctor=doctor, patient=patient, starts_at=clinic_dt(MONDAY, 17))
    elif case == "odd-fee":
        doctor.doctor_profile.consultation_fee = "499.95"
        doctor.doctor_profile.save()
    with time_machine.travel(now, tick=False):
        day_slots = assert_same_answer(doctor, day, now)
    if case == "booked":
        assert len(day_slots.booked) == 3
    if case == "today-min-notice":
        assert day_slots.slots and not all(slot.is_open for slot in day_slots.slots)


@pytest.mark.django_db
def test_the_one_statement_doctor_read_matches_the_queryset(admin_user):
    doctor = DoctorFactory(
        name="Dr Meera Rao", specialization="Arthroscopy", fee="499.95", schedule=["monday 09:00-10:00"]
    )
    read, expected = doctor_get(doctor.pk, with_schedule=False), doctor_get(doctor.pk)
    for model_fields, left, right in (
        (type(read)._meta.concrete_fields, read, expected),
        (type(read.doctor_profile)._meta.concrete_fields, read.doctor_profile, expected.doctor_profile),
    ):
        assert [f.value_from_object(left) for f in model_fields] == [f.value_from_object(right) for f in model_fields]
    assert read.doctor_profile.user is read
    # Only an active doctor with a profile is found, as by the queryset.
    user_status_set(actor=admin_user, user=doctor, is_active=False, reason="Left")
    for with_schedule in (True, False):
        with pytest.raises(DoctorNotFound):
            doctor_get(doctor.pk, with_schedule=with_schedule)
    for other in (admin_user.pk, "not-a-uuid", None):
        with pytest.raises(DoctorNotFound):
            doctor_get(other, with_schedule=False)
