"""Migration 0004 carries existing appointments into the old API's shapes without losing anything."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("appointments", "0003_notifications"), ("accounts", "0002_user_avatar_groups")]
AFTER = [("appointments", "0004_legacy_contract_fields")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_rows_keep_their_data_in_the_new_shapes():
    apps = migrate(BEFORE)
    User = apps.get_model("accounts", "User")
    Appointment = apps.get_model("appointments", "Appointment")
    Change = apps.get_model("appointments", "AppointmentStatusChange")
    doctor = User.objects.create(mobile_number="9811111111", name="Dr Old", role="doctor")
    desk = User.objects.create(mobile_number="9811111112", name="Old Desk", role="receptionist")
    patient = User.objects.create(mobile_number="9811111113", name="Old Patient", role="patient")
    starts_at = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    appointment = Appointment.objects.create(
        patient=patient,
        doctor=doctor,
        appointment_date=starts_at.date(),
        appointment_time=dt.time(9),
        end_time=dt.time(9, 30),
        duration=30,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=30),
        status="completed",
        purpose_of_visit="follow-up",
        prescription={"medicines": [{"name": "Ibuprofen"}], "advice": "Rest"},
    )
    at = starts_at
    Change.objects.create(appointment=appointment, to_status="confirmed", changed_by=desk, changed_at=at, note="ok")
    Change.objects.create(
        appointment=appointment, to_status="completed", changed_by=doctor, changed_at=at, note="Torn ligament"
    )
    try:
        apps = migrate(AFTER)
        migrated = apps.get_model("appointments", "Appointment").objects.get(pk=appointment.pk)
        assert migrated.prescription_details == {"medicines": [{"name": "Ibuprofen"}], "advice": "Rest"}
        assert migrated.prescription == ""  # the API renders the medicines as the string
        assert migrated.purpose_of_visit == "follow-up"
        assert migrated.booked_starts_at == starts_at
        notes = apps.get_model("appointments", "AppointmentStatusChange").objects.order_by("to_status")
        # The doctor's clinical note leaves the history the front desk reads; the desk's own stays.
        assert [(change.to_status, change.note) for change in notes] == [("completed", ""), ("confirmed", "ok")]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
