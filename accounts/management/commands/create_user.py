from django.core.management.base import BaseCommand, CommandError

from accounts.services.users import user_create
from arthomed.api.errors import ApplicationError
from arthomed.api.roles import Role


class Command(BaseCommand):
    help = "Create a user of any role and print its id."

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--mobile", required=True, help="Indian mobile number, e.g. 9876543210")
        parser.add_argument("--name", required=True)
        parser.add_argument("--email")

    def handle(self, *args, **options):
        try:
            user = user_create(
                mobile_number=options["mobile"],
                name=options["name"],
                role=options["role"],
                email=options.get("email"),
                is_verified=True,
            )
        except ApplicationError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(str(user.id))
