"""The patient overlap rule counts per person (SPEC.md §11): a father and his child may be seen at once.

On PostgreSQL `appt_no_patient_overlap` (migration 0002) becomes an exclusion on the account,
the family member (the holder: the nil UUID) and the time range. SQLite has no such
constraint; there the booking's IMMEDIATE transaction checks per person.
"""

from django.db import migrations

ACTIVE = "('pending', 'confirmed', 'in-progress', 'completed')"
NAME = "appt_no_patient_overlap"
HOLDER = "'00000000-0000-0000-0000-000000000000'::uuid"


def _replace(schema_editor, columns: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE appointments_appointment DROP CONSTRAINT IF EXISTS {NAME}")
    schema_editor.execute(
        f"ALTER TABLE appointments_appointment ADD CONSTRAINT {NAME} "
        f"EXCLUDE USING gist ({columns}, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        f"WHERE (status IN {ACTIVE})"
    )


def per_person(apps, schema_editor):
    _replace(schema_editor, f"patient_id WITH =, (COALESCE(family_member_id, {HOLDER})) WITH =")


def per_account(apps, schema_editor):
    _replace(schema_editor, "patient_id WITH =")


class Migration(migrations.Migration):
    dependencies = [("appointments", "0005_appointment_family_member")]

    operations = [migrations.RunPython(per_person, per_account)]
