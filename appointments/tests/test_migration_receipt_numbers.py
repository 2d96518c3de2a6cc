"""Migration 0011 numbers the payments recorded before receipt numbers existed (SPEC.md §10)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("appointments", "0010_running_late_notification")]
AFTER = [("appointments", "0011_receipt_numbers_for_earlier_payments")]
IST = dt.timezone(dt.timedelta(hours=5, minutes=30))


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_earlier_payments_are_numbered_after_the_issued_ones_in_payment_order(settings):
    settings.RECEIPT_PREFIX = "ARTH"
    apps = migrate(BEFORE)
    User = apps.get_model("accounts", "User")
    Appointment = apps.get_model("appointments", "Appointment")
    Counter = apps.get_model("appointments", "ReceiptCounter")
    doctor = User.objects.create(mobile_number="9811111121", name="Dr Old", role="doctor")
    patient = User.objects.create(mobile_number="9811111123", name="Old Patient", role="patient")
    day = dt.datetime(2026, 1, 5, 9, 0, tzinfo=IST)

    def visit(hours: int, payment_status: str, paid_at=None, receipt_number=None):
        starts_at = day + dt.timedelta(hours=hours)
        return Appointment.objects.create(
            patient=patient,
            doctor=doctor,
            appointment_date=starts_at.date(),
            appointment_time=starts_at.time(),
            end_time=(starts_at + dt.timedelta(minutes=30)).time(),
            duration=30,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=30),
            booked_starts_at=starts_at,
            status="completed",
            purpose_of_visit="follow-up",
            payment_status=payment_status,
            paid_at=paid_at,
            receipt_number=receipt_number,
        )

    Counter.objects.create(financial_year="2025-26", last_number=7)
    issued = visit(0, "paid", day, "ARTH/2025-26/000007")
    # Paid before numbers existed, created out of payment order; one in the next financial year
    # (1 April 00:30 clinic time is still 31 March in UTC), one with the blank the admin may save.
    later = visit(2, "paid", day + dt.timedelta(days=3))
    refunded = visit(4, "refunded", day + dt.timedelta(days=1))
    partly = visit(6, "partially-refunded", day + dt.timedelta(days=2), "")
    april = visit(8, "paid", dt.datetime(2026, 4, 1, 0, 30, tzinfo=IST))
    unpaid = visit(10, "pending")
    no_date = visit(12, "paid")  # paid without a date: nothing to number it by
    try:
        apps = migrate(AFTER)
        Appointment = apps.get_model("appointments", "Appointment")
        numbers = dict(Appointment.objects.values_list("pk", "receipt_number"))
        assert numbers[issued.pk] == "ARTH/2025-26/000007"
        assert [numbers[row.pk] for row in (refunded, partly, later)] == [
            "ARTH/2025-26/000008",
            "ARTH/2025-26/000009",
            "ARTH/2025-26/000010",
        ]
        assert numbers[april.pk] == "ARTH/2026-27/000001"
        assert numbers[unpaid.pk] is None and numbers[no_date.pk] is None
        counters = dict(apps.get_model("appointments", "ReceiptCounter").objects.values_list("pk", "last_number"))
        assert counters == {"2025-26": 10, "2026-27": 1}
        # Reversible as a no-op: the numbers stay issued.
        apps = migrate(BEFORE)
        kept = apps.get_model("appointments", "Appointment").objects.get(pk=later.pk)
        assert kept.receipt_number == "ARTH/2025-26/000010"
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
