"""The "Receptionists" group: what the front office may do in the Django admin.

They view patients and doctors and edit doctors' schedules and leave; nothing about
staff accounts. Permissions are normally created after migrations (post_migrate), so
they are created here first for a fresh database. Existing receptionists join the group.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Receptionists"
PERMISSIONS = [
    "view_user",
    "view_doctorprofile",
    "view_scheduleblock",
    "add_scheduleblock",
    "change_scheduleblock",
    "delete_scheduleblock",
    "view_doctorleave",
    "add_doctorleave",
    "change_doctorleave",
    "delete_doctorleave",
]


def create_group(apps, schema_editor):
    app_config = apps.get_app_config("accounts")
    # create_permissions skips app configs without a models module, which migration states lack.
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model("accounts", "User")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="accounts", codename__in=PERMISSIONS))
    for user in User.objects.filter(role="receptionist"):
        user.groups.add(group)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_avatar_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
