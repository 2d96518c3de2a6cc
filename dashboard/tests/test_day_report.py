"""The day close: GET /api/reports/day and its CSV, one set of numbers (SPEC.md §10)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine

from appointments.models import AppointmentKind, AppointmentStatus, RefundStatus
from appointments.services.lifecycle import appointment_payment_record
from appointments.tests.factories import AppointmentFactory, UserFactory, clinic_dt
from dashboard.selectors import day_report, day_report_csv

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 30)


def paid_at(moment, *, actor, method, amount=None, fee="500.00"):
    # Visits dated well away from DAY, so that only their payments count on it.
    appointment = AppointmentFactory(
        starts_at=moment + dt.timedelta(days=10), status=AppointmentStatus.CONFIRMED, fee=Decimal(fee)
    )
    with time_machine.travel(moment, tick=False):
        return appointment_payment_record(
            appointment=appointment, actor=actor, status="paid", method=method, amount=amount
        )


@pytest.fixture
def the_day(receptionist, admin_user):
    rita, asha = receptionist, admin_user
    paid_at(clinic_dt(DAY, 0, 0), actor=rita, method="cash")  # the first minute of the day
    paid_at(clinic_dt(DAY, 10), actor=rita, method="upi", amount=Decimal("450.50"))
    paid_at(clinic_dt(DAY, 23, 59), actor=asha, method="card", fee="700.00")
    paid_at(clinic_dt(DAY, 12), actor=asha, method="insurance", fee="1000.00")
    # Outside the day in clinic time (the evening before is the same UTC date as DAY 00:00).
    paid_at(clinic_dt(DAY - dt.timedelta(days=1), 23, 59), actor=rita, method="cash")
    paid_at(clinic_dt(DAY + dt.timedelta(days=1), 0, 0), actor=rita, method="cash")
    # A refund processed on the day, for a visit paid earlier.
    AppointmentFactory(
        starts_at=clinic_dt(DAY + dt.timedelta(days=5), 9),
        status=AppointmentStatus.CANCELLED,
        refund_amount=Decimal("250.00"),
        refund_status=RefundStatus.PROCESSED,
        refund_processed_at=clinic_dt(DAY, 15),
    )
    AppointmentFactory(
        starts_at=clinic_dt(DAY + dt.timedelta(days=5), 10),
        status=AppointmentStatus.CANCELLED,
        refund_amount=Decimal("99.00"),
        refund_status=RefundStatus.PENDING,
    )
    # The day's schedule: a walk-in, a no-show, two cancellations.
    AppointmentFactory(starts_at=clinic_dt(DAY, 9), kind=AppointmentKind.WALK_IN, status=AppointmentStatus.COMPLETED)
    AppointmentFactory(starts_at=clinic_dt(DAY, 10), status=AppointmentStatus.NO_SHOW)
    AppointmentFactory(starts_at=clinic_dt(DAY, 11), status=AppointmentStatus.CANCELLED)
    AppointmentFactory(starts_at=clinic_dt(DAY, 12), status=AppointmentStatus.CANCELLED)
    AppointmentFactory(starts_at=clinic_dt(DAY + dt.timedelta(days=1), 9), status=AppointmentStatus.NO_SHOW)
    return rita, asha


def test_the_day_report(as_user, the_day):
    rita, asha = the_day
    response = as_user(rita).get("/api/reports/day", {"date": DAY.isoformat()})
    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    staff = sorted(data.pop("byStaff"), key=lambda row: row["name"])
    assert data == {
        "date": "2026-11-30",
        "collected": 2650.5,
        "byMethod": {"cash": 500, "card": 700, "upi": 450.5, "insurance": 1000},
        "refunds": {"amount": 250, "count": 1},
        "walkIns": 1,
        "noShows": 1,
        "cancellations": 2,
    }
    assert staff == [
        {"staffId": str(asha.pk), "name": asha.name, "amount": 1700, "count": 2},
        {"staffId": str(rita.pk), "name": rita.name, "amount": 950.5, "count": 2},
    ]


def test_a_payment_counts_on_the_day_it_was_recorded_even_if_refunded_later(as_user, receptionist):
    appointment = paid_at(clinic_dt(DAY, 10), actor=receptionist, method="cash")
    appointment.status = AppointmentStatus.CANCELLED
    appointment.payment_status = "refunded"
    appointment.save()
    data = as_user(receptionist).get("/api/reports/day", {"date": DAY.isoformat()}).json()["data"]
    assert data["collected"] == 500


def test_default_is_today_in_clinic_time(as_user, receptionist):
    # 20:00 UTC on 29 November is 01:30 on 30 November in Kolkata.
    with time_machine.travel(dt.datetime(2026, 11, 29, 20, 0, tzinfo=dt.UTC), tick=False):
        data = as_user(receptionist).get("/api/reports/day").json()["data"]
    assert data["date"] == "2026-11-30"
    assert data["collected"] == 0
    assert data["byStaff"] == []


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "30-11-2026", "0001-01-01", "9999-12-31"])
def test_a_bad_date_is_a_validation_error(as_user, receptionist, value):
    response = as_user(receptionist).get("/api/reports/day", {"date": value})
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "VALIDATION_ERROR"
    assert body["errors"][0]["field"] == "date"


@pytest.mark.parametrize("role", ["doctor", "patient"])
def test_only_the_front_desk_and_admins(as_user, role):
    response = as_user(UserFactory(role=role)).get("/api/reports/day")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"


def test_the_csv_holds_the_same_numbers(the_day):
    rows = list(csv.reader(io.StringIO(day_report_csv(day_report(DAY)))))
    assert rows[0] == ["section", "item", "amount", "count"]
    assert ["collected", "total", "2650.50", ""] in rows
    assert ["method", "upi", "450.50", ""] in rows
    assert ["refunds", "processed", "250.00", "1"] in rows
    assert ["visits", "walk-ins", "", "1"] in rows
    assert ["visits", "no-shows", "", "1"] in rows
    assert ["visits", "cancellations", "", "2"] in rows
    rita, _ = the_day
    assert ["staff", rita.name, "950.50", "2"] in rows


def test_a_formula_in_a_staff_name_is_defused(receptionist):
    receptionist.name = "=HYPERLINK(1)"
    receptionist.save()
    paid_at(clinic_dt(DAY, 10), actor=receptionist, method="cash")
    assert "'=HYPERLINK(1)" in day_report_csv(day_report(DAY))


def test_four_queries_however_many_payments(the_day, receptionist, django_assert_num_queries):
    """Totals, per staff member, refunds and the day's counts: one statement each."""
    with django_assert_num_queries(4):
        day_report(DAY)
    for hour in range(9, 17):
        paid_at(clinic_dt(DAY, hour, 30), actor=receptionist, method="cash")
    with django_assert_num_queries(4):
        report = day_report(DAY)
    assert {row["name"]: row["count"] for row in report["by_staff"]}[receptionist.name] == 2 + 8
