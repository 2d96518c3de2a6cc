"""The "Receptionists" group may use the appointment console in the Django admin.

View and change appointments (changes happen only through the console's actions,
which call the lifecycle services) and view their status history. Permissions are
normally created after migrations (post_migrate), so they are created here first.

Numbered 0003 but placed after 0004_notifications so the app keeps a single leaf.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Receptionists"
PERMISSIONS = ["view_appointment", "change_appointment", "view_appointmentstatuschange"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("appointments")
    # create_permissions skips app configs without a models module, which migration states lack.
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="appointments", codename__in=PERMISSIONS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="appointments", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0004_notifications"),
        ("accounts", "0003_receptionist_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
