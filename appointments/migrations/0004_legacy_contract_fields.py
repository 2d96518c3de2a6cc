"""The old API's appointment shapes (SPEC.md §5 "Old-API fidelity").

- `purpose_of_visit` becomes free text (1-100 chars); existing values stay.
- The structured prescription moves to `prescription_details`; `prescription` becomes the
  free-text string (empty for existing rows: the API renders their medicines).
- `booked_starts_at` remembers the start as booked, for the refund notice; existing rows
  take their current start.
- `payment_note`: why an admin recorded more than the fee.
- A clinician's note on a status change is clinical: it is already kept as the visit note,
  so existing history lines of such changes lose their copy (the front desk reads history).
"""

from django.db import migrations, models

CLINICAL_MOVES = ("in-progress", "completed", "no-show")
CLINICIAN_ROLES = ("doctor", "admin")


def forwards(apps, schema_editor):
    Appointment = apps.get_model("appointments", "Appointment")
    AppointmentStatusChange = apps.get_model("appointments", "AppointmentStatusChange")
    Appointment.objects.filter(booked_starts_at__isnull=True).update(booked_starts_at=models.F("starts_at"))
    AppointmentStatusChange.objects.filter(to_status__in=CLINICAL_MOVES, changed_by__role__in=CLINICIAN_ROLES).exclude(
        note=""
    ).update(note="")


def backwards(apps, schema_editor):
    """History notes cleared forwards are not restored: they were copies of the visit note."""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_avatar_groups"),
        ("appointments", "0003_notifications"),
    ]

    operations = [
        migrations.AlterField(
            model_name="appointment",
            name="purpose_of_visit",
            field=models.CharField(default="consultation", max_length=100),
        ),
        migrations.RenameField(model_name="appointment", old_name="prescription", new_name="prescription_details"),
        migrations.AddField(
            model_name="appointment",
            name="prescription",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="appointment",
            name="booked_starts_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="appointment",
            name="payment_note",
            field=models.CharField(blank=True, help_text="why an admin recorded more than the fee", max_length=500),
        ),
        migrations.RunPython(forwards, backwards),
    ]
