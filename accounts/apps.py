from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "People"

    def ready(self) -> None:
        from accounts.groups import grant_accounts_permissions

        # Runs after Django's own post_migrate receivers have created this app's permissions.
        post_migrate.connect(grant_accounts_permissions, sender=self, dispatch_uid="accounts-receptionist-group")
