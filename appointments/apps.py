from django.apps import AppConfig
from django.db.models.signals import post_migrate

# The front office views and changes appointments (changes happen only through the console's
# actions, which call the lifecycle services) and views their status history.
RECEPTIONIST_PERMISSIONS = ["view_appointment", "change_appointment", "view_appointmentstatuschange"]


def grant_receptionist_permissions(sender, using="default", **kwargs) -> None:
    from accounts.groups import receptionist_group_grant

    receptionist_group_grant(app_label="appointments", codenames=RECEPTIONIST_PERMISSIONS, using=using)


class AppointmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "appointments"

    def ready(self) -> None:
        from appointments import admin_records, receivers  # noqa: F401 - admin_records registers its admin pages

        receivers.connect()
        post_migrate.connect(grant_receptionist_permissions, sender=self, dispatch_uid="appointments-receptionists")
