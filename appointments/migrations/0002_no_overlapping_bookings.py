"""No double booking, held by the database itself (SPEC.md §5).

On PostgreSQL two exclusion constraints forbid overlapping active appointments of one
doctor and of one patient, whatever their durations. SQLite has no such constraint;
there the booking transaction is IMMEDIATE (write lock from BEGIN) while it checks.
"""

from django.db import migrations

ACTIVE = "('pending', 'confirmed', 'in-progress', 'completed')"
CONSTRAINTS = {
    "appt_no_doctor_overlap": "doctor_id",
    "appt_no_patient_overlap": "patient_id",
}


def add_exclusion_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, column in CONSTRAINTS.items():
        schema_editor.execute(
            f"ALTER TABLE appointments_appointment ADD CONSTRAINT {name} "
            f"EXCLUDE USING gist ({column} WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            f"WHERE (status IN {ACTIVE})"
        )


def drop_exclusion_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE appointments_appointment DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_initial")]

    operations = [migrations.RunPython(add_exclusion_constraints, drop_exclusion_constraints)]
