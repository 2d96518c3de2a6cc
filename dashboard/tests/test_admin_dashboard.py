"""GET /api/admin/dashboard (SPEC.md §8): statistics, revenue in clinic time, recent, top doctors."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from accounts.models import DoctorProfile
from appointments.models import Appointment, AppointmentStatus, PaymentStatus, RefundStatus
from appointments.tests.factories import AppointmentFactory, clinic_dt
from arthomed.core.roles import Role
from dashboard import selectors

URL = "/api/admin/dashboard"
pytestmark = pytest.mark.django_db


def paid(amount: str | None, at: dt.datetime, **fields) -> dict:
    return {
        "payment_status": PaymentStatus.PAID,
        "payment_amount": Decimal(amount) if amount is not None else None,
        "paid_at": at,
        **fields,
    }


@pytest.fixture
def year_end_payments(make_user, doctor, patient):
    """Payments and refunds on both sides of midnight 2026-12-31 / 2027-01-01 IST."""
    other = make_user(Role.PATIENT, name="Omar Other")
    completed = AppointmentStatus.COMPLETED
    # Paid ten minutes before the new year: 2026 and December only.
    AppointmentFactory(
        patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 12, 31), 18), status=completed,
        **paid("1000.00", clinic_dt(dt.date(2026, 12, 31), 23, 50)),
    )  # fmt: skip
    # Paid ten minutes into the new year; no payment amount recorded, so the fee counts.
    AppointmentFactory(
        patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 12, 31), 19), status=completed,
        fee=Decimal("700.00"), **paid(None, clinic_dt(dt.date(2027, 1, 1), 0, 10)),
    )  # fmt: skip
    # Paid in December, cancelled, refund processed after midnight: lowers 2027, not 2026.
    AppointmentFactory(
        patient=other, doctor=doctor, starts_at=clinic_dt(dt.date(2027, 1, 5), 10), status=AppointmentStatus.CANCELLED,
        **paid("400.00", clinic_dt(dt.date(2026, 12, 15), 11), payment_status=PaymentStatus.REFUNDED,
               refund_amount=Decimal("400.00"), refund_status=RefundStatus.PROCESSED,
               refund_processed_at=clinic_dt(dt.date(2027, 1, 1), 0, 20)),
    )  # fmt: skip
    # Paid in June, refund still pending: the payment counts, the pending refund does not.
    AppointmentFactory(
        patient=other, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 6, 2), 10), status=AppointmentStatus.CANCELLED,
        **paid("300.00", clinic_dt(dt.date(2026, 6, 1), 10), refund_amount=Decimal("150.00"),
               refund_status=RefundStatus.PENDING),
    )  # fmt: skip
    # Paid and half refunded within the first minutes of 2027.
    AppointmentFactory(
        patient=other, doctor=doctor, starts_at=clinic_dt(dt.date(2027, 1, 2), 10), status=AppointmentStatus.CANCELLED,
        **paid("200.00", clinic_dt(dt.date(2027, 1, 1), 0, 5), payment_status=PaymentStatus.PARTIALLY_REFUNDED,
               refund_amount=Decimal("100.00"), refund_status=RefundStatus.PROCESSED,
               refund_processed_at=clinic_dt(dt.date(2027, 1, 1), 0, 15)),
    )  # fmt: skip
    # Completed but unpaid: no revenue.
    AppointmentFactory(patient=other, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 12, 31), 11), status=completed)


def revenue_at(as_user, user, moment: dt.datetime) -> dict:
    cache.clear()
    with time_machine.travel(moment, tick=False):
        response = as_user(user).get(URL)
    assert response.status_code == 200, response.json()
    return response.json()["data"]["statistics"]["revenue"]


def test_revenue_just_after_new_year_counts_only_2027(as_user, admin_user, year_end_payments):
    # 700 paid at 00:10 - 400 refunded at 00:20 + 200 paid at 00:05 - 100 refunded at 00:15
    assert revenue_at(as_user, admin_user, clinic_dt(dt.date(2027, 1, 1), 0, 30)) == {
        "today": 400,
        "thisMonth": 400,
        "thisYear": 400,
    }


def test_revenue_just_before_new_year_counts_2026(as_user, admin_user, year_end_payments):
    revenue = revenue_at(as_user, admin_user, clinic_dt(dt.date(2026, 12, 31), 23, 55))
    # today: the 23:50 payment; December: + the 400 paid on the 15th (refunded only next year);
    # 2026: + the 300 paid in June whose refund is still pending.
    assert revenue == {"today": 1000, "thisMonth": 1400, "thisYear": 1700}


def test_revenue_periods_follow_clinic_time_not_utc(as_user, admin_user, year_end_payments):
    # 2027-01-01 00:10 IST is still 2026-12-31 18:40 UTC; the clinic counts it on Jan 1st.
    revenue = revenue_at(as_user, admin_user, clinic_dt(dt.date(2027, 1, 1), 23, 59))
    assert revenue["today"] == 400
    revenue = revenue_at(as_user, admin_user, clinic_dt(dt.date(2027, 1, 2), 0, 1))
    assert revenue == {"today": 0, "thisMonth": 400, "thisYear": 400}


def test_revenue_is_decimal_exact(admin_user, doctor, patient):
    for minute, amount in enumerate(["0.10", "0.20", "0.30"]):
        AppointmentFactory(
            patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 3, 1), 9 + minute), status="completed",
            **paid(amount, clinic_dt(dt.date(2026, 3, 2), 10, minute)),
        )  # fmt: skip
    stats = selectors.admin_statistics(clinic_dt(dt.date(2026, 3, 2), 12))
    assert stats["revenue"]["today"] == Decimal("0.60")


@time_machine.travel(clinic_dt(dt.date(2026, 3, 16), 11), tick=False)
def test_statistics_counts(as_user, admin_user, make_user, doctor, patient):
    second_doctor = make_user(Role.DOCTOR, name="Second Doctor")
    make_user(Role.RECEPTIONIST)
    gone = make_user(Role.PATIENT, name="Gone Patient")
    gone.deleted_at = timezone.now()
    gone.save(update_fields=["deleted_at"])
    today, yesterday = clinic_dt(dt.date(2026, 3, 16), 9), clinic_dt(dt.date(2026, 3, 15), 9)
    AppointmentFactory(patient=patient, doctor=doctor, starts_at=today, status=AppointmentStatus.COMPLETED)
    AppointmentFactory(
        patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 3, 16), 17), status=AppointmentStatus.PENDING
    )
    AppointmentFactory(patient=patient, doctor=second_doctor, starts_at=yesterday, status=AppointmentStatus.COMPLETED)
    AppointmentFactory(
        patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 3, 20), 9), status=AppointmentStatus.PENDING
    )
    AppointmentFactory(
        patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 3, 16), 10), status="cancelled"
    )

    response = as_user(admin_user).get(URL)

    assert response.status_code == 200
    assert response.json()["data"]["statistics"] == {
        "totalUsers": 5,  # admin, two doctors, receptionist, patient; the deleted account is gone
        "totalDoctors": 2,
        "totalPatients": 1,
        "totalAppointments": 5,
        "todayAppointments": 3,
        "pendingAppointments": 2,
        "completedAppointments": 2,
        "revenue": {"today": 0, "thisMonth": 0, "thisYear": 0},
    }


def test_shape_recent_appointments_and_top_doctors(as_user, admin_user, make_user, patient):
    joints = make_user(Role.DOCTOR, name="Dr Joint")
    sports = make_user(Role.DOCTOR, name="Dr Sports")
    idle = make_user(Role.DOCTOR, name="Dr Idle")
    DoctorProfile.objects.filter(user=sports).update(specialization="Sports Medicine", rating=Decimal("4.80"))
    DoctorProfile.objects.filter(user=joints).update(specialization="Joint Replacement", rating=Decimal("4.20"))
    for day in range(3):
        AppointmentFactory(
            patient=patient, doctor=sports, starts_at=clinic_dt(dt.date(2026, 2, 2 + day), 9), status="completed"
        )
    for day in range(2):
        AppointmentFactory(
            patient=patient, doctor=joints, starts_at=clinic_dt(dt.date(2026, 2, 2 + day), 10), status="completed"
        )
    AppointmentFactory(patient=patient, doctor=joints, starts_at=clinic_dt(dt.date(2026, 2, 9), 10), status="cancelled")
    AppointmentFactory(patient=patient, doctor=joints, starts_at=clinic_dt(dt.date(2026, 2, 9), 11), status="cancelled")
    for hour in range(12, 19):
        AppointmentFactory(
            patient=patient, doctor=idle, starts_at=clinic_dt(dt.date(2026, 2, 10), hour), status="pending"
        )
    # Give every row a distinct booking time, in the order created above.
    for minutes, appointment in enumerate(Appointment.objects.order_by("starts_at")):
        Appointment.objects.filter(pk=appointment.pk).update(
            created_at=clinic_dt(dt.date(2026, 1, 1), 0) + dt.timedelta(minutes=minutes)
        )

    data = as_user(admin_user).get(URL).json()["data"]

    assert set(data) == {"role", "statistics", "recentAppointments", "topDoctors", "generatedAt", "cacheAgeSeconds"}
    assert data["role"] == "admin"
    recent = data["recentAppointments"]
    assert len(recent) == 10
    created = [item["createdAt"] for item in recent]
    assert created == sorted(created, reverse=True)
    newest = Appointment.objects.order_by("-created_at").first()
    assert recent[0]["_id"] == str(newest.pk)
    assert recent[0]["patient"] == {"_id": str(patient.pk), "name": patient.name, "mobileNumber": patient.mobile_number}
    assert recent[0]["doctor"]["name"] == "Dr Idle"
    assert data["topDoctors"][:2] == [
        {"_id": str(sports.pk), "name": "Dr Sports", "specialization": "Sports Medicine", "appointmentCount": 3,
         "rating": 4.8},
        {"_id": str(joints.pk), "name": "Dr Joint", "specialization": "Joint Replacement", "appointmentCount": 2,
         "rating": 4.2},
    ]  # fmt: skip
    assert data["topDoctors"][2]["appointmentCount"] == 0


def test_cached_briefly_with_its_age(as_user, admin_user, doctor, patient):
    start = clinic_dt(dt.date(2026, 5, 4), 10)
    with time_machine.travel(start, tick=False):
        client = as_user(admin_user)  # a token valid at the travelled-to time
        first = client.get(URL).json()["data"]
    assert first["cacheAgeSeconds"] == 0
    assert first["statistics"]["totalAppointments"] == 0
    AppointmentFactory(
        patient=patient, doctor=doctor, starts_at=clinic_dt(dt.date(2026, 5, 5), 10), status=AppointmentStatus.CONFIRMED
    )

    with time_machine.travel(start + dt.timedelta(seconds=20), tick=False):
        second = client.get(URL).json()["data"]
    assert second["cacheAgeSeconds"] == 20
    assert second["generatedAt"] == first["generatedAt"]
    assert second["statistics"]["totalAppointments"] == 0  # still the cached numbers

    with time_machine.travel(start + dt.timedelta(seconds=selectors.ADMIN_DASHBOARD_CACHE_SECONDS + 1), tick=False):
        third = client.get(URL).json()["data"]
    assert third["cacheAgeSeconds"] == 0
    assert third["statistics"]["totalAppointments"] == 1


@pytest.mark.parametrize("role", [Role.DOCTOR, Role.RECEPTIONIST, Role.PATIENT])
def test_only_admins(as_user, make_user, role):
    response = as_user(make_user(role)).get(URL)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"


def test_anonymous_is_refused(api):
    response = api.get(URL)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTHENTICATION_REQUIRED"


def build_clinic(make_user, size: int) -> None:
    doctors = [make_user(Role.DOCTOR, name=f"Doctor {n}") for n in range(3)]
    patients = [make_user(Role.PATIENT, name=f"Patient {n}") for n in range(3)]
    statuses = list(AppointmentStatus)
    for n in range(size):
        AppointmentFactory(
            patient=patients[n % 3],
            doctor=doctors[n % 3],
            starts_at=clinic_dt(dt.date(2026, 4, 1), 9) + dt.timedelta(hours=n),
            status=statuses[n % len(statuses)],
            **paid("500.00", clinic_dt(dt.date(2026, 4, 1), 9) + dt.timedelta(hours=n)),
        )


@pytest.mark.parametrize("size", [3, 60])
def test_fixed_number_of_queries(as_user, admin_user, make_user, django_assert_max_num_queries, size):
    build_clinic(make_user, size)
    client = as_user(admin_user)
    # token user + people counts + appointment numbers + recent + top doctors (counts, then doctors)
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["data"]["statistics"]["totalAppointments"] == size
    with django_assert_max_num_queries(1):  # served from the cache: only the token check
        client.get(URL)
