"""The "Receptionists" staff group: the front office's permissions in the Django admin.

Each app grants its own permissions to the group after every `migrate` (and after the
test runner's flushes, which also send `post_migrate`), so the group always exists with
exactly what the front office needs, on a fresh database or an old one.
"""

from django.contrib.auth.models import Group, Permission

RECEPTIONISTS = "Receptionists"

# They view patients (their family's demographics too) and doctors, edit doctors' schedules and leave;
# nothing about staff accounts.
ACCOUNTS_PERMISSIONS = [
    "view_user",
    "view_familymember",
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


def receptionist_group() -> Group:
    group, _ = Group.objects.get_or_create(name=RECEPTIONISTS)
    return group


def receptionist_group_grant(*, app_label: str, codenames: list[str], using: str = "default") -> Group:
    group, _ = Group.objects.using(using).get_or_create(name=RECEPTIONISTS)
    permissions = Permission.objects.using(using).filter(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.add(*permissions)
    return group


def grant_accounts_permissions(sender, using="default", **kwargs) -> None:
    """post_migrate receiver of the accounts app; also puts existing receptionists in the group."""
    from accounts.models import User

    group = receptionist_group_grant(app_label="accounts", codenames=ACCOUNTS_PERMISSIONS, using=using)
    for user in User.objects.using(using).filter(role="receptionist").exclude(groups=group):
        user.groups.add(group)
