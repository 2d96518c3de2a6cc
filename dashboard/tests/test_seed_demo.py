"""`manage.py seed_demo` (SPEC.md §9): the demo clinic, idempotent, and bulk appointments."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count

from accounts.models import DoctorProfile, FamilyMember, ScheduleBlock, User
from appointments.models import ACTIVE_STATUSES, Appointment, AppointmentStatus, DoctorDay, ReceiptCounter
from appointments.receipt_numbers import financial_year
from appointments.selectors.payments import RECEIPTED
from appointments.selectors.queue import doctor_average_consultation, doctor_day_queue
from appointments.tests.factories import clinic_dt
from arthomed.core.roles import Role
from conftest import client_for
from dashboard.demo import appointments as demo_appointments
from dashboard.demo.clinic import ADMIN, DOCTORS, FAMILIES, PATIENTS, RECEPTIONIST

pytestmark = pytest.mark.django_db
NOW = clinic_dt(dt.date(2026, 3, 16), 11)


def seed(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def overlaps(field: str) -> int:
    """Active appointments sharing a start with another of the same doctor / patient."""
    return (
        Appointment.objects.filter(status__in=ACTIVE_STATUSES)
        .values(field, "starts_at")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )


def test_seeds_the_clinic_and_prints_the_logins():
    out, _ = seed()

    assert User.objects.filter(role=Role.ADMIN, mobile_number=ADMIN["mobile_number"]).exists()
    assert User.objects.filter(role=Role.RECEPTIONIST, mobile_number=RECEPTIONIST["mobile_number"]).exists()
    specializations = set(DoctorProfile.objects.values_list("specialization", flat=True))
    assert specializations == {"Arthroscopy", "Sports Medicine", "Shoulder Surgery", "Joint Replacement"}
    assert not DoctorProfile.objects.filter(consultation_fee__lte=0).exists()
    arthroscopy = User.objects.get(doctor_profile__specialization="Arthroscopy")
    monday = ScheduleBlock.objects.filter(doctor=arthroscopy, day="monday").order_by("start_time")
    assert [(b.start_time.hour, b.end_time.hour) for b in monday] == [(9, 13), (16, 19)]  # split day
    assert not ScheduleBlock.objects.filter(doctor=arthroscopy, day="sunday").exists()
    patients = User.objects.filter(role=Role.PATIENT)
    assert patients.count() == len(PATIENTS)
    assert all(p.date_of_birth and p.gender and p.blood_group and p.address.get("city") for p in patients)
    for number in [ADMIN["mobile_number"], RECEPTIONIST["mobile_number"], DOCTORS[0]["mobile_number"], PATIENTS[0][0]]:
        assert number in out
    assert "console SMS backend" in out
    roles = f"1 admin, {len(DOCTORS)} doctor, {len(PATIENTS)} patient, 1 receptionist"
    assert f"Created users by role: {roles}" in out
    assert "Created appointments by status: none" in out
    # A few families on one phone: members with an age (estimated birth date) or a date of birth.
    members = FamilyMember.objects.filter(removed_at__isnull=True)
    assert members.count() == sum(len(family) for family in FAMILIES.values())
    assert members.filter(date_of_birth_estimated=True).exists() and members.filter(relation="child").exists()
    assert {m.account.mobile_number for m in members} == set(FAMILIES)
    assert "Created family members by relation: 3 child, 1 parent, 1 spouse" in out


@time_machine.travel(NOW, tick=False)
def test_prints_what_it_made_by_role_and_status():
    seed()
    patients_before = User.objects.filter(role=Role.PATIENT).count()
    out, _ = seed("--appointments", "200")

    def printed(prefix: str) -> dict:
        line = next(line for line in out.splitlines() if line.startswith(prefix))
        return {name: int(n) for n, name in (part.split(" ") for part in line.removeprefix(prefix).split(", "))}

    # The clinic was already there; only the load-test patients the appointments need are new.
    new_patients = User.objects.filter(role=Role.PATIENT).count() - patients_before
    assert new_patients > 0
    assert printed("Created users by role: ") == {"patient": new_patients}
    made = printed("Created appointments by status: ")
    assert made == dict(Appointment.objects.values_list("status").annotate(n=Count("id")).order_by())
    assert sum(made.values()) == 200


def test_is_idempotent():
    seed()
    counts = (User.objects.count(), DoctorProfile.objects.count(), ScheduleBlock.objects.count())
    out, _ = seed()
    assert (User.objects.count(), DoctorProfile.objects.count(), ScheduleBlock.objects.count()) == counts
    assert FamilyMember.objects.count() == sum(len(family) for family in FAMILIES.values())
    assert "0 people created" in out
    assert "Created family members by relation: none" in out


def test_if_empty_leaves_a_used_database_alone(make_user):
    make_user(Role.PATIENT)
    out, _ = seed("--if-empty")
    assert User.objects.count() == 1
    assert "not seeded" in out


def test_if_empty_seeds_an_empty_database():
    seed("--if-empty")
    assert User.objects.filter(role=Role.DOCTOR).count() == 4


def test_if_empty_on_the_demo_clinic_reprints_logins_and_adds_nothing():
    seed("--if-empty", "--appointments", "20")
    counts = (User.objects.count(), Appointment.objects.count())
    out, _ = seed("--if-empty", "--appointments", "20")
    assert (User.objects.count(), Appointment.objects.count()) == counts
    assert "9800000001" in out


def test_bad_arguments_are_refused():
    with pytest.raises(Exception, match="--appointments must be >= 0"):
        seed("--appointments", "-1")


@time_machine.travel(NOW, tick=False)
def test_appointments_across_time_statuses_and_payments():
    _, err = seed("--appointments", "400", "--batch-size", "150")

    assert Appointment.objects.count() == 400
    assert "appointments: 100%" in err  # the progress bar
    statuses = set(Appointment.objects.values_list("status", flat=True))
    assert {"completed", "cancelled", "no-show", "rejected", "pending", "confirmed"} <= statuses
    payments = set(Appointment.objects.values_list("payment_status", flat=True))
    assert {"paid", "pending"} <= payments
    assert Appointment.objects.filter(starts_at__lt=NOW).exists()
    assert Appointment.objects.filter(starts_at__gt=NOW).exists()
    assert not Appointment.objects.filter(created_at__gt=NOW).exists()
    assert not Appointment.objects.filter(paid_at__gt=NOW).exists()
    assert not Appointment.objects.filter(status__in=["pending", "confirmed"], starts_at__lt=NOW).exists()
    assert not Appointment.objects.filter(status="completed", starts_at__gt=NOW).exists()
    # The fee is the doctor's consultation fee, as booking copies it.
    visit = Appointment.objects.select_related("doctor__doctor_profile").first()
    assert visit.fee == visit.doctor.doctor_profile.consultation_fee
    assert overlaps("doctor") == 0
    assert overlaps("patient") == 0


@time_machine.travel(NOW, tick=False)
def test_paid_demo_appointments_have_receipts_in_payment_order_recorded_by_the_receptionist():
    seed("--appointments", "400", "--batch-size", "150")
    seed("--appointments", "100")  # a second run continues the year's numbers
    desk = User.objects.get(mobile_number=RECEPTIONIST["mobile_number"])
    paid = Appointment.objects.filter(payment_status__in=RECEIPTED).order_by("paid_at", "pk")
    assert paid.count() > 100
    assert not paid.filter(receipt_number__isnull=True).exists()
    assert set(paid.values_list("payment_recorded_by", flat=True)) == {desk.pk}
    by_year: dict[str, list[str]] = {}
    for paid_at, number in paid.values_list("paid_at", "receipt_number"):
        by_year.setdefault(financial_year(paid_at), []).append(number)
    counters = dict(ReceiptCounter.objects.values_list("pk", "last_number"))
    for year, numbers in by_year.items():
        assert counters[year] == len(numbers)
        # Consecutive from 1, no gaps; each run numbers its own rows in payment order.
        assert sorted(numbers) == [f"ARTH/{year}/{n:06d}" for n in range(1, len(numbers) + 1)]
    # The receipt answers for a demo visit, as for one paid at the desk.
    response = client_for(desk).get(f"/api/appointments/{paid.first().pk}/receipt")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


@time_machine.travel(NOW, tick=False)
def test_more_appointments_later_never_overlap_existing_ones():
    seed("--appointments", "300")
    seed("--appointments", "300")
    assert Appointment.objects.count() == 600
    assert overlaps("doctor") == 0
    assert overlaps("patient") == 0


@time_machine.travel(NOW, tick=False)
def test_adds_load_test_doctors_when_four_cannot_hold_n(monkeypatch, settings):
    # A three-day window holds ~40 slots a doctor: 300 appointments need more doctors.
    monkeypatch.setattr(demo_appointments, "HISTORY_DAYS", 1)
    settings.BOOKING_HORIZON_DAYS = 1

    demo_appointments.demo_appointments_create(count=300)

    # Exactly N rows: none was dropped by the database's no-overlap constraints either.
    assert Appointment.objects.count() == 300
    assert User.objects.filter(role=Role.DOCTOR).count() > 4
    assert overlaps("doctor") == 0
    assert overlaps("patient") == 0
    completed = Appointment.objects.filter(status=AppointmentStatus.COMPLETED)
    assert completed.exists()


@time_machine.travel(NOW, tick=False)
def test_doctor_ratings_follow_the_seeded_feedback():
    seed("--appointments", "400")
    for profile in DoctorProfile.objects.all():
        rated = Appointment.objects.filter(doctor_id=profile.user_id, feedback_rating__isnull=False)
        assert profile.rating_count == rated.count()
        if profile.rating_count:
            assert 1 <= profile.rating <= 5


MONDAY_MORNING = clinic_dt(dt.date(2026, 3, 16), 10, 20)


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_today_fills_a_morning_queue(client, settings):
    out, _ = seed("--today")
    assert (
        "Today's morning (2026-03-16): 15 appointments, 11 checked in with tokens, 2 in consultation, 1 walk-in" in out
    )
    assert "Dr. Arjun Mehta running 20 min late" in out
    arjun = User.objects.get(mobile_number=DOCTORS[0]["mobile_number"])
    day = dt.date(2026, 3, 16)
    assert DoctorDay.objects.get(doctor=arjun, date=day).delay_minutes == 20
    # Tokens 1, 2, 3... per doctor in check-in order, the day's counter at the last one.
    for doctor_day in DoctorDay.objects.filter(date=day):
        tokens = Appointment.objects.filter(doctor=doctor_day.doctor, appointment_date=day, token_number__isnull=False)
        assert sorted(tokens.values_list("token_number", flat=True)) == list(range(1, doctor_day.last_token + 1))
    walk_in = Appointment.objects.get(kind="walk-in")
    assert (walk_in.doctor, walk_in.token_number, walk_in.family_member.name) == (arjun, 5, "Zubair Khan")
    queue = doctor_day_queue(doctor=arjun, day=day)
    assert [(a.appointment_time.strftime("%H:%M"), a.token_number) for a in queue] == [
        ("10:12", 5),
        ("10:30", 4),
        ("11:00", 6),
    ]
    # The day's average visit (from the history's starts and completions) drives the estimates.
    assert doctor_average_consultation(doctor_id=arjun.pk, day=day) == dt.timedelta(minutes=22)
    assert overlaps("doctor") == 0 and overlaps("patient") == 0
    # Paid at the desk: recorded by the receptionist with the year's receipt numbers, in payment order.
    paid = Appointment.objects.filter(payment_status="paid").order_by("paid_at")
    assert list(paid.values_list("receipt_number", flat=True)) == [f"ARTH/2025-26/{n:06d}" for n in (1, 2, 3)]
    assert {row.payment_recorded_by.mobile_number for row in paid} == {RECEPTIONIST["mobile_number"]}
    settings.DISPLAY_KEY = "demo-tv"
    html = client.get("/display/", {"key": "demo-tv"}).content.decode()
    assert "Vikram" in html and "Zubair" in html and "Singh" not in html


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_today_is_seeded_once_and_history_avoids_it():
    seed("--today")
    count = Appointment.objects.count()
    out, _ = seed("--today", "--appointments", "60")
    assert "nothing added" in out
    assert Appointment.objects.count() == count + 60
    assert overlaps("doctor") == 0 and overlaps("patient") == 0


@time_machine.travel(clinic_dt(dt.date(2026, 3, 15), 10), tick=False)
def test_no_morning_on_a_closed_day():
    out, _ = seed("--today")
    assert "nothing added" in out
    assert not Appointment.objects.exists()
